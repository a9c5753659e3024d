"""The overview's key figures as display-ready cards (value, change, explanation), in either
language; shared by the page and the board report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from lib.core.formatting import hours, money, money_short, number, percent, points
from lib.core.i18n import catalogue, t
from lib.insight import glossary
from lib.insight.leadership import Figures, Overview

# (card, kind, a rise is good?) per group, in display order.
GROUPS = {
    "reach": [
        ("contributors", "count", True),
        ("active_ambassadors", "count", True),
        ("participation_rate", "share", True),
        ("contributions", "count", True),
        ("impressions", "count", True),
    ],
    "engagement": [
        ("engagement", "count", True),
        ("engagement_rate", "share", True),
        ("clicks", "count", True),
        ("emv", "money", True),
    ],
    "customers": [
        ("wins", "count", True),
        ("win_value", "money", True),
        ("median_ack_hours", "hours", False),
        ("losses", "count", False),
        ("loss_value", "money", False),
        ("open_losses", "count", False),
        ("resolution_rate", "share", True),
    ],
    "training": [("training_completion", "share", True), ("certified_share", "share", True)],
}


# How a change is coloured: "normal", "inverse" (a rise is bad) or "off" (no change).
DeltaColor = Literal["normal", "inverse", "off"]


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    previous: str
    delta: str | None  # signed change against the previous period; None when it cannot be computed
    delta_color: DeltaColor
    help: str


def value_of(figures: Figures, key: str, overview: Overview):
    return figures.emv(overview.rates) if key == "emv" else getattr(figures, key)


FORMATS: dict[str, Callable[[Any, str], str]] = {
    "count": number,
    "share": percent,
    "money": money_short,
    "hours": hours,
}


def formatted(value, kind: str, lang: str) -> str:
    return FORMATS[kind](value, lang)


def _delta(current, previous, kind: str, lang: str) -> str | None:
    if current is None or previous is None:
        return None
    diff = current - previous
    sign = "-" if diff < 0 else "+"
    if kind == "share":
        return points(diff, lang)
    text = sign + formatted(abs(diff), "hours" if kind == "hours" else kind, lang)
    if kind != "hours" and previous:
        text += f" ({sign}{percent(abs(diff) / previous, lang)})"
    return text


def cards(overview: Overview, lang: str) -> dict[str, list[Card]]:
    """Every key figure of the current period, with its change against the previous one."""
    cur, prev = overview.current, overview.prior
    params = {
        "workforce": number(cur.workforce, lang),
        "known": number(cur.impressions_known, lang),
        "contributions": number(cur.contributions, lang),
        "formula": emv_formula(overview, lang),
        "age": age_text(overview, lang),
        "target": hours(overview.ack_target_hours, lang, 0),
    }
    out: dict[str, list[Card]] = {}
    for group, items in GROUPS.items():
        out[group] = []
        for key, kind, rise_is_good in items:
            now, before = value_of(cur, key, overview), value_of(prev, key, overview)
            delta = _delta(now, before, kind, lang)
            color: DeltaColor = (
                "off" if delta is None or now == before else ("normal" if rise_is_good else "inverse")
            )
            previous = formatted(before, kind, lang)
            out[group].append(
                Card(
                    key,
                    glossary.label(key, lang, "leadership.kpi"),
                    formatted(now, kind, lang),
                    previous,
                    delta,
                    color,
                    _help(key, lang, params) + " " + t("leadership.previous_value", lang, value=previous),
                )
            )
    return out


def _help(key: str, lang: str, params: dict) -> str:
    """A card's help: the glossary's definition of its measure (with what this view adds, e.g. the
    workforce counted), or the card's own explanation."""
    if key not in glossary.MEASURES:
        return t(f"leadership.kpi.{key}.help", lang, **params)
    note = f"leadership.kpi.{key}.note"
    return glossary.definition(key, lang) + (" " + t(note, lang, **params) if note in catalogue() else "")


def age_text(overview: Overview, lang: str) -> str:
    """How old the period is, for the fair comparisons' help: "still running" or "N days after its end"."""
    if overview.age_days == 0 and overview.view.period.ends_at > overview.computed_at:
        return t("leadership.age.running", lang)
    return t("leadership.age.days", lang, days=number(overview.age_days, lang))


def provenance_line(overview: Overview, lang: str) -> str:
    """Where the period's reach comes from, and how many contributions wait for a review."""
    share = overview.current.imported_reach_share
    return t(
        "leadership.provenance_line",
        lang,
        share="—" if share is None else percent(share, lang),
        n=number(overview.pending_review, lang),
    )


def emv_formula(overview: Overview, lang: str) -> str:
    """The earned-media formula with the rates in force, as shown under the figures."""
    rates = overview.rates
    return t(
        "leadership.emv_formula",
        lang,
        cpm=money(rates.cpm, lang, decimals=2),
        cpc=money(rates.cpc, lang, decimals=2),
    )
