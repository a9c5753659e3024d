"""E-mail notifications: reminders and digests worked out from the database, sent through the
company's SMTP server by `python -m lib.cli send-notifications`, each recorded once."""
