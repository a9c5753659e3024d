"""The foundations every domain uses: settings, database, schema, errors, vocabularies, permissions,
interface strings and formatting, periods, audit trail, run-time options, field checks, spreadsheets."""
