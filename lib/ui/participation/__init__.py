"""The Participation screen's sections, one module per tab; `common` holds the chosen scope."""
