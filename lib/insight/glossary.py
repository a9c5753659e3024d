"""The glossary: one name and one definition per measure, in English and French.

The texts live in data/i18n/glossary.yaml (keys `measure.<measure>` and `measure.<measure>.help`);
the SQL behind them in lib/insight/measures.py and lib/training/certification.py. Participation, the
leadership overview, the board report (and its workbook) and the CSV/Excel exports name a measure
through `name` and explain it through `definition`, so that a figure reads the same everywhere.
"""

from __future__ import annotations

import pandas as pd

from lib.core.i18n import t

MEASURES = (
    "workforce",
    "contributors",
    "active_ambassadors",
    "participation_rate",
    "certified",
    "certified_share",
    "training_completion",
    "due_to_renew",
    "contributions",
    "impressions",
    "engagement",
    "engagement_rate",
    "clicks",
    "emv",
)


def name(measure: str, lang: str) -> str:
    """The measure's name (KeyError for a measure the glossary does not define)."""
    if measure not in MEASURES:
        raise KeyError(measure)
    return t(f"measure.{measure}", lang)


def definition(measure: str, lang: str) -> str:
    name(measure, lang)
    return t(f"measure.{measure}.help", lang)


def label(key: str, lang: str, prefix: str) -> str:
    """A column, card or stage label: the glossary's name when `key` is a measure, else the text
    of `prefix.key`."""
    return name(key, lang) if key in MEASURES else t(f"{prefix}.{key}", lang)


def entries(lang: str, measures=MEASURES) -> pd.DataFrame:
    """The glossary as a table (measure, definition), for the board report and its workbook."""
    return pd.DataFrame(
        {
            t("glossary.measure", lang): [name(m, lang) for m in measures],
            t("glossary.definition", lang): [definition(m, lang) for m in measures],
        }
    )
