"""People: accounts and sign-in, the organisation (departments, teams), the roster import, privacy."""
