"""The overview's charts: pure functions from small data frames to plotly figures, with one
colour per platform everywhere, and the localised table behind each chart (for CSV exports)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.core.formatting import date_ticks, date_time_short, money, number, percent, plotly_separators
from lib.core.i18n import label, t
from lib.core.vocab import PLATFORMS
from lib.insight import glossary
from lib.insight.leadership import Overview

# Colour-blind-safe (Okabe-Ito), one per platform, the same in every chart.
PLATFORM_COLOURS = {
    "linkedin": "#0072B2",
    "x": "#3A3A3A",
    "facebook": "#56B4E9",
    "instagram": "#CC79A7",
    "youtube": "#D55E00",
    "blog": "#009E73",
    "other": "#B0B0B0",
}
SIGNAL_COLOURS = {"win": "#009E73", "loss": "#D55E00"}
ACCENT, MUTED = "#0072B2", "#A9C6DE"
HEIGHT = 340


@dataclass(frozen=True)
class Section:
    """One chart of the page: its title, figure (None when there is nothing to draw, with the
    reason in `empty`) and the table behind it, with localised headings."""

    key: str
    title: str
    figure: go.Figure | None
    table: pd.DataFrame
    empty: str = ""


# Dates on axes and in tooltips, in the reader's conventions (plotly has no French month names).
DATES = {"en": ("%b %d", "%a %b %d, %Y"), "fr": ("%d/%m", "%a %d/%m/%Y")}


def _layout(fig: go.Figure, lang: str, **extra) -> go.Figure:
    """Sober common layout, with the language's number separators. No template here: the page
    themes charts itself (and a template costs milliseconds per figure on every refresh); the
    board report sets one."""
    fig.update_layout(
        **{
            "height": HEIGHT,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
            "separators": plotly_separators(lang),
            "font": {"size": 13},
            "legend": {"orientation": "h", "y": 1.12, "x": 0, "title": None, "traceorder": "normal"},
            "bargap": 0.15,
            "hoverlabel": {"namelength": -1},
            **extra,
        }
    )
    return fig


def _over_time(fig: go.Figure, lang: str, counts: pd.Series, buckets=(), **where) -> None:
    """Date axis in the reader's conventions, ticks on the buckets' own first days (never before
    the period); whole numbers on the count axis."""
    _, hover = DATES["fr" if lang == "fr" else "en"]
    values, labels = date_ticks(buckets, lang)
    fig.update_xaxes(tickvals=values, ticktext=labels, hoverformat=hover)
    fig.update_yaxes(rangemode="tozero", **({"dtick": 1} if counts.max() <= 5 else {}), **where)


def _columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return df.rename(columns={c: glossary.label(c, lang, "leadership.col") for c in df.columns})


def activity_figure(df: pd.DataFrame, lang: str) -> go.Figure:
    """Contributions per bucket (day or week), stacked by platform."""
    fig = go.Figure()
    for platform in PLATFORMS:
        rows = df[df["platform"] == platform]
        if len(rows):
            fig.add_bar(
                x=rows["bucket"],
                y=rows["contributions"],
                name=label(platform, lang),
                marker_color=PLATFORM_COLOURS[platform],
            )
    _over_time(fig, lang, df.groupby("bucket")["contributions"].sum(), df["bucket"])
    return _layout(fig, lang, barmode="stack", yaxis_title=glossary.name("contributions", lang))


def signals_figure(df: pd.DataFrame, lang: str) -> go.Figure:
    """Wins and losses per bucket: counts above, estimated values in euros below."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for signal_type, colour in SIGNAL_COLOURS.items():
        rows = df[df["signal_type"] == signal_type]
        name = label(signal_type, lang)
        fig.add_bar(
            x=rows["bucket"],
            y=rows["signals"],
            name=name,
            marker_color=colour,
            legendgroup=signal_type,
            row=1,
            col=1,
        )
        fig.add_bar(
            x=rows["bucket"],
            y=rows["value_eur"],
            name=name,
            marker_color=colour,
            legendgroup=signal_type,
            showlegend=False,
            row=2,
            col=1,
        )
    fig.update_yaxes(title_text=t("leadership.col.signals", lang), row=1, col=1)
    fig.update_yaxes(title_text=t("leadership.col.value_eur", lang), row=2, col=1)
    _over_time(fig, lang, df["signals"], df["bucket"], row=1, col=1)
    return _layout(fig, lang, barmode="group", height=HEIGHT + 80)


def plotly_text(values) -> list:
    """Text for plotly labels, ticks and hover: plotly renders a subset of HTML in them (<a href>,
    <b>, <br>...), so stored text (a person's, team's or department's name) has its markup escaped;
    plotly shows the entities as the characters typed."""
    return [v if v is None else html.escape(str(v), quote=False) for v in values]


def bar_text_positions(values) -> list[str]:
    """Where a bar's label goes: inside when it fits, and outside an empty bar, so that a zero is
    written rather than left blank (plotly's "auto" hides the label of a zero-length bar)."""
    return ["outside" if not v or pd.isna(v) else "auto" for v in values]


def departments_figure(df: pd.DataFrame, lang: str, highlight: int | None = None) -> go.Figure:
    """Per department: the participation rate (contributors of its workforce), and contributions per head."""
    df = df.sort_values("per_head")
    colours = [ACCENT if highlight in (None, d) else MUTED for d in df["department_id"]]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=(t("leadership.chart.participation_rate", lang), t("leadership.chart.per_head", lang)),
    )
    fig.add_bar(
        y=plotly_text(df["department"]),
        x=df["participation_rate"] * 100,
        orientation="h",
        marker_color=colours,
        text=[percent(v, lang, 0) for v in df["participation_rate"]],
        textposition=bar_text_positions(df["participation_rate"]),
        cliponaxis=False,
        row=1,
        col=1,
    )
    fig.add_bar(
        y=plotly_text(df["department"]),
        x=df["per_head"],
        orientation="h",
        marker_color=colours,
        text=[number(v, lang, 1) for v in df["per_head"]],
        textposition=bar_text_positions(df["per_head"]),
        cliponaxis=False,
        row=1,
        col=2,
    )
    fig.update_annotations(font_size=13)
    return _layout(fig, lang, showlegend=False, height=max(HEIGHT, 60 + 34 * len(df)))


def funnel_figure(df: pd.DataFrame, lang: str) -> go.Figure:
    first = df["people"].iloc[0] or None
    text = [f"{number(v, lang)} · {percent(v / first if first else None, lang, 0)}" for v in df["people"]]
    fig = go.Figure(go.Funnel(y=df["stage"], x=df["people"], text=text, textinfo="text", marker_color=ACCENT))
    return _layout(fig, lang)


def stage_funnel(names: list[str], people: pd.Series, lang: str) -> go.Figure:
    """Participation's funnel: a bar per stage (`names`, in order) with its number of people and its
    share of the stage before, written for the language."""
    previous = [people.iloc[0], *people[:-1]]
    fig = go.Figure(
        go.Funnel(
            y=names,
            x=people,
            text=[
                f"{number(v, lang)} · {percent(v / p if p else None, lang, 0)}"
                for v, p in zip(people, previous, strict=True)
            ],
            textinfo="text",
            textposition=bar_text_positions(people),
            marker={"color": "#3b6e9e"},
            connector={"line": {"color": "#cbd5e1"}},
        )
    )
    fig.update_layout(
        height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, separators=plotly_separators(lang)
    )
    return fig


def completion_heatmap(
    shares: pd.DataFrame, lang: str, x_title: str, y_title: str, colour_title: str
) -> go.Figure:
    """Module completion by group: `shares` has a row per module (its title as index, down the side,
    as titles are long) and a column per group (across the top); a cell is the share, 0 to 1, of the
    group's people who passed the module, shown as a whole percentage."""
    pct = "\u202f%" if lang == "fr" else "%"
    z = (shares.astype("float64") * 100).round(0)
    fig = px.imshow(
        z.values,
        x=list(shares.columns),
        y=list(shares.index),
        zmin=0,
        zmax=100,
        aspect="auto",
        color_continuous_scale="Blues",
        labels={"x": x_title, "y": y_title, "color": colour_title},
    )
    fig.update_traces(
        texttemplate="%{z:.0f}" + pct, hovertemplate="%{y} · %{x}: %{z:.0f}" + pct + "<extra></extra>"
    )
    fig.update_xaxes(side="top", title=None)
    fig.update_yaxes(title=None)
    fig.update_layout(
        height=120 + 40 * len(shares),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        coloraxis_colorbar={"ticksuffix": pct, "title": {"side": "right"}},
        separators=plotly_separators(lang),
    )
    return fig


def ranking_figure(names: pd.Series, values: pd.Series, lang: str) -> go.Figure:
    """A horizontal bar per row, the first at the top."""
    fig = go.Figure(
        go.Bar(
            x=values[::-1],
            y=plotly_text(names[::-1]),
            orientation="h",
            marker_color=ACCENT,
            text=[number(v, lang) for v in values[::-1]],
            textposition=bar_text_positions(values[::-1]),
            cliponaxis=False,
        )
    )
    return _layout(fig, lang, xaxis_title=glossary.name("contributions", lang))


def _ranked(names: pd.Series) -> pd.Series:
    return pd.Series([f"{i}. {n}" for i, n in enumerate(names, start=1)], dtype=object)


def sections(overview: Overview, lang: str) -> list[Section]:
    """Every chart of the overview, in page order."""
    bucket = overview.view.period.bucket
    by = t(f"leadership.bucket.{bucket}", lang)
    out = []

    activity = overview.activity.assign(platform=overview.activity["platform"].map(lambda p: label(p, lang)))
    out.append(
        Section(
            "activity",
            t("leadership.chart.activity", lang, bucket=by),
            activity_figure(overview.activity, lang) if len(activity) else None,
            _columns(activity.rename(columns={"bucket": bucket}), lang),
            t("leadership.no_activity", lang),
        )
    )

    signals = overview.signals.assign(
        signal_type=overview.signals["signal_type"].map(lambda s: label(s, lang))
    )
    out.append(
        Section(
            "signals",
            t("leadership.chart.signals", lang, bucket=by),
            signals_figure(overview.signals, lang) if len(signals) else None,
            _columns(signals.rename(columns={"bucket": bucket}), lang),
            t("leadership.no_signals", lang),
        )
    )

    departments = overview.departments.assign(
        department=overview.departments["department"].fillna(t("leadership.no_department", lang)),
    )
    staffed = departments[departments["workforce"] > 0].assign(
        participation_rate=lambda d: d["contributors"] / d["workforce"],
        per_head=lambda d: d["contributions"] / d["workforce"],
    )
    out.append(
        Section(
            "departments",
            t("leadership.chart.departments", lang),
            departments_figure(staffed, lang, overview.view.department_id) if len(staffed) else None,
            _columns(
                staffed.drop(columns=["department_id"]).round({"participation_rate": 4, "per_head": 2}), lang
            ),
            t("leadership.no_workforce", lang),
        )
    )

    funnel = overview.funnel.assign(
        stage=overview.funnel["stage"].map(lambda s: glossary.label(s, lang, "leadership.stage"))
    )
    out.append(
        Section(
            "funnel",
            t("leadership.chart.funnel", lang),
            funnel_figure(funnel, lang) if overview.funnel["people"].iloc[0] else None,
            _columns(funnel, lang),
            t("leadership.no_workforce", lang),
        )
    )

    people = overview.top_people.assign(
        name=overview.top_people["name"].fillna(t("leadership.anonymous", lang))
    )
    out.append(
        Section(
            "top_people",
            t("leadership.chart.top_people", lang),
            ranking_figure(_ranked(people["name"]), people["contributions"], lang) if len(people) else None,
            _columns(people.assign(department=people["department"].fillna("—")), lang),
            t("leadership.no_ranking", lang),
        )
    )

    teams = overview.top_teams
    out.append(
        Section(
            "top_teams",
            t("leadership.chart.top_teams", lang),
            ranking_figure(_ranked(teams["team"] + " · " + teams["department"]), teams["contributions"], lang)
            if len(teams)
            else None,
            _columns(teams, lang),
            t("leadership.no_ranking", lang),
        )
    )
    return out


def latest_table(overview: Overview, lang: str, zone: str | None = None) -> pd.DataFrame:
    """The latest signals of the period, localised for reading (times in the viewer's zone), newest first."""
    df = overview.latest_signals
    return _columns(
        df.assign(
            reported_at=[date_time_short(v, lang, zone) for v in df["reported_at"]],
            signal_type=df["signal_type"].map(lambda v: label(v, lang)),
            category=df["category"].map(lambda v: label(v, lang)),
            status=df["status"].map(lambda v: label(v, lang)),
            department=df["department"].fillna("—"),
            value_eur=[money(v, lang) for v in df["value_eur"]],
        ),
        lang,
    )
