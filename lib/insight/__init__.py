"""The figures: leadership overview, participation, follow-up lists, a person's file, charts and the
board report."""
