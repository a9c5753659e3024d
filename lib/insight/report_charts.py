"""The leadership trends as chart specifications, drawn three ways from one definition: plotly
(the page), SVG (the HTML board report) and fpdf2 vector drawing (the PDF). No browser and no image
renderer is needed; labels, ticks and values are written by lib.core.formatting for the language.

A chart's buckets are the period's own (see `Period.bucket_starts`), labelled on the category axis
with their first day, so no tick falls outside the period. Each chart carries its data table,
typed, for the workbook that goes with the report (one sheet per chart).
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from lib.core import formatting as fmt
from lib.core.i18n import label, t
from lib.core.vocab import PLATFORMS
from lib.insight import glossary
from lib.insight.charts import ACCENT, PLATFORM_COLOURS, SIGNAL_COLOURS, bar_text_positions, plotly_text
from lib.insight.leadership import Overview

GREY, TARGET = "#52606D", "#D55E00"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # stored as a list
    colour: str = ACCENT

    def __post_init__(self) -> None:  # unknown values (None, NaN) become None, the others floats
        clean = [None if v is None or pd.isna(v) else float(v) for v in self.values]
        object.__setattr__(self, "values", clean)


@dataclass(frozen=True)
class Chart:
    """`kind`: "stacked" or "bars" (vertical, over time), "line" (over time), "hbars" (horizontal,
    one bar per category). `unit`: how values are written (count, share, money, hours)."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[Series]
    unit: str = "count"
    reference: tuple[str, float] | None = None  # a horizontal target line: label, value
    note: str = ""
    data: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def empty(self) -> bool:
        return not self.categories or all(v in (None, 0) for s in self.series for v in s.values)


def value_text(value, unit: str, lang: str, short: bool = False) -> str:
    if unit == "share":
        return fmt.percent(value, lang, 0 if short else 1)
    if unit == "money":
        text = fmt.money_short(value, lang)
        return text.replace(",0\u202f", "\u202f").replace(".0k", "k").replace(".0M", "M") if short else text
    if unit == "hours":
        return fmt.hours(value, lang, 0 if short else 1)
    if short and value is not None and abs(value) >= 10_000:
        for above, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(value) >= above:
                return fmt.number(value / above, lang, 1).rstrip("0").rstrip(",.") + suffix
    return fmt.number(value, lang)


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if not top or top <= 0 or math.isnan(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


# --- the charts of the overview ---------------------------------------------------------------


def _bucket_labels(overview: Overview, lang: str) -> tuple[list, list[str]]:
    period = overview.view.period
    starts = period.bucket_starts()
    write = fmt.month if period.bucket == "month" else fmt.day_month
    return starts, [write(d, lang) for d in starts]


def _per_bucket(df: pd.DataFrame, starts: list, column: str) -> list:
    values = df.set_index("bucket")[column] if len(df) else pd.Series(dtype=float)
    found = [values.get(d) for d in starts]
    return [None if v is None or pd.isna(v) else float(v) for v in found]


def _col(key: str, lang: str) -> str:
    return glossary.label(key, lang, "leadership.col")


def trend_charts(overview: Overview, lang: str) -> list[Chart]:
    """The period's trends: reach and engagement by platform, engagement rate, earned value,
    active ambassadors, wins and losses with values, acknowledgement time against the target."""
    starts, labels = _bucket_labels(overview, lang)
    bucket = overview.view.period.bucket
    by = t(f"leadership.bucket.{bucket}", lang)
    trend = overview.trend
    platforms = [p for p in PLATFORMS if p in set(trend["platform"])]
    bucket_col = t(f"leadership.col.{bucket}", lang)
    out = []

    for measure in ("impressions", "engagement"):
        wide = trend.pivot_table(index="bucket", columns="platform", values=measure, aggfunc="sum").fillna(0)
        series = [
            Series(
                label(p, lang),
                [float(wide[p].get(d, 0)) if d in wide.index else 0.0 for d in starts],
                PLATFORM_COLOURS[p],
            )
            for p in platforms
        ]
        data = wide.reindex(starts).fillna(0).astype("int64") if len(wide) else pd.DataFrame(index=starts)
        data = data.rename(columns=lambda p: label(p, lang)).rename_axis(bucket_col).reset_index()
        out.append(
            Chart(
                measure,
                t(f"leadership.trend.{measure}", lang, bucket=by),
                "stacked",
                labels,
                series,
                data=data,
            )
        )

    totals = trend.groupby("bucket")[["impressions", "engagement_known", "clicks"]].sum()
    rate = [
        (totals.loc[d, "engagement_known"] / totals.loc[d, "impressions"])
        if d in totals.index and totals.loc[d, "impressions"]
        else None
        for d in starts
    ]
    out.append(
        Chart(
            "engagement_rate",
            t("leadership.trend.engagement_rate", lang, bucket=by),
            "line",
            labels,
            [Series(glossary.name("engagement_rate", lang), rate)],
            unit="share",
            data=pd.DataFrame({bucket_col: starts, glossary.name("engagement_rate", lang): rate}),
        )
    )
    rates = overview.rates
    emv = [
        float(totals.loc[d, "impressions"] / 1000 * rates.cpm + totals.loc[d, "clicks"] * rates.cpc)
        if d in totals.index
        else 0.0
        for d in starts
    ]
    out.append(
        Chart(
            "emv",
            t("leadership.trend.emv", lang, bucket=by),
            "bars",
            labels,
            [Series(glossary.name("emv", lang), emv, "#009E73")],
            unit="money",
            data=pd.DataFrame({bucket_col: starts, _col("emv_eur", lang): emv}),
        )
    )
    active = _per_bucket(overview.active_trend, starts, "contributors")
    active = [v or 0.0 for v in active]
    out.append(
        Chart(
            "active",
            t("leadership.trend.active", lang, bucket=by),
            "bars",
            labels,
            [Series(glossary.name("contributors", lang), active)],
            data=pd.DataFrame({bucket_col: starts, _col("contributors", lang): active}).astype(
                {_col("contributors", lang): "int64"}
            ),
        )
    )

    signals = overview.signals
    counts, values = {}, {}
    for kind in ("win", "loss"):
        rows = signals[signals["signal_type"] == kind]
        counts[kind] = [v or 0.0 for v in _per_bucket(rows, starts, "signals")]
        values[kind] = [v or 0.0 for v in _per_bucket(rows, starts, "value_eur")]
    out.append(
        Chart(
            "signals",
            t("leadership.trend.signals", lang, bucket=by),
            "bars",
            labels,
            [Series(label(k, lang), counts[k], SIGNAL_COLOURS[k]) for k in ("win", "loss")],
            data=pd.DataFrame({bucket_col: starts, **{label(k, lang): counts[k] for k in counts}}),
        )
    )
    out.append(
        Chart(
            "signal_values",
            t("leadership.trend.signal_values", lang, bucket=by),
            "bars",
            labels,
            [Series(label(k, lang), values[k], SIGNAL_COLOURS[k]) for k in ("win", "loss")],
            unit="money",
            data=pd.DataFrame({bucket_col: starts, **{label(k, lang): values[k] for k in values}}),
        )
    )

    ack = overview.ack_trend
    median = _per_bucket(ack, starts, "median_hours")
    late = _per_bucket(ack, starts, "late_share")
    target = overview.ack_target_hours
    total_late = (
        float((ack["late_share"] * ack["acknowledged"]).sum() / ack["acknowledged"].sum())
        if len(ack)
        else None
    )
    out.append(
        Chart(
            "ack",
            t("leadership.trend.ack", lang, bucket=by),
            "line",
            labels,
            [Series(t("leadership.kpi.median_ack_hours", lang), median)],
            unit="hours",
            reference=(t("leadership.trend.target", lang, target=fmt.hours(target, lang, 0)), target),
            note=t(
                "leadership.trend.late",
                lang,
                share=fmt.percent(total_late, lang),
                target=fmt.hours(target, lang, 0),
            ),
            data=pd.DataFrame(
                {
                    bucket_col: starts,
                    t("leadership.kpi.median_ack_hours", lang): median,
                    _col("late_share", lang): late,
                }
            ),
        )
    )
    return out


def breakdown_charts(overview: Overview, lang: str) -> list[Chart]:
    """Reach, engagement and earned value by platform and by department."""
    rates = overview.rates
    out = []
    for by, frame in (("platform", overview.by_platform), ("department", overview.by_department)):
        names = (
            [label(p, lang) for p in frame["platform"]]
            if by == "platform"
            else [
                n if isinstance(n, str) else t("leadership.no_department", lang) for n in frame["department"]
            ]
        )
        emv = (frame["impressions"] / 1000 * rates.cpm + frame["clicks"] * rates.cpc).astype(float).tolist()
        table = pd.DataFrame(
            {
                _col(by, lang): names,
                _col("impressions", lang): frame["impressions"].astype("int64"),
                _col("engagement", lang): frame["engagement"].astype("int64"),
                _col("emv_eur", lang): emv,
            }
        )
        for measure, values, unit in (
            ("impressions", frame["impressions"].astype(float).tolist(), "count"),
            ("emv", emv, "money"),
        ):
            out.append(
                Chart(
                    f"{by}_{measure}",
                    t(f"leadership.breakdown.{by}.{measure}", lang),
                    "hbars",
                    names,
                    [Series(glossary.name(measure, lang), values)],
                    unit=unit,
                    data=table,
                )
            )
    return out


def learning_chart(overview: Overview, lang: str) -> Chart:
    """Value won and lost by category."""
    df = overview.learning["by_category"]
    # pandas takes any scalar as fill value; pandas-stubs list int, str and dict only.
    per = df.groupby(["category", "signal_type"])["value_eur"].sum().unstack(fill_value=0.0)  # type: ignore[arg-type]
    categories = list(per.index)
    series = [
        Series(
            label(k, lang),
            [float(per[k].get(c, 0.0)) if k in per else 0.0 for c in categories],
            SIGNAL_COLOURS[k],
        )
        for k in ("win", "loss")
    ]
    table = learning_table(overview, lang, typed=True)
    return Chart(
        "learning",
        t("leadership.learning.by_category", lang),
        "hbars",
        [label(c, lang) for c in categories],
        series,
        unit="money",
        data=table,
    )


def learning_table(overview: Overview, lang: str, typed: bool = False) -> pd.DataFrame:
    """Signals by type, category and outcome: count, value, median days to resolution."""
    df = overview.learning["by_category"]
    out = pd.DataFrame(
        {
            _col("signal_type", lang): [label(v, lang) for v in df["signal_type"]],
            _col("category", lang): [label(v, lang) for v in df["category"]],
            _col("outcome", lang): [
                label(v, lang) if v != "open" else t("leadership.outcome.open", lang) for v in df["outcome"]
            ],
            _col("signals", lang): df["signals"].astype("int64"),
            _col("value_eur", lang): df["value_eur"].astype(float),
            _col("median_days", lang): df["median_days"].astype(float),
        }
    )
    if typed:
        return out
    return fmt.display_table(
        out, lang, {_col("value_eur", lang): "money", _col("median_days", lang): "decimal"}
    )


def teams_table(overview: Overview, lang: str, typed: bool = False) -> pd.DataFrame:
    df = overview.learning["by_team"]
    out = pd.DataFrame(
        {
            _col("owner_team", lang): [v or t("leadership.no_team", lang) for v in df["owner_team"]],
            _col("signals", lang): df["signals"].astype("int64"),
            _col("resolved", lang): df["resolved"].astype("int64"),
            _col("value_eur", lang): df["value_eur"].astype(float),
            _col("median_days", lang): df["median_days"].astype(float),
        }
    )
    if typed:
        return out
    return fmt.display_table(
        out, lang, {_col("value_eur", lang): "money", _col("median_days", lang): "decimal"}
    )


def all_charts(overview: Overview, lang: str) -> list[Chart]:
    return [*trend_charts(overview, lang), *breakdown_charts(overview, lang), learning_chart(overview, lang)]


# --- plotly (the page) ------------------------------------------------------------------------


def to_plotly(chart: Chart, lang: str, height: int = 320) -> go.Figure:
    fig = go.Figure()
    categories = plotly_text(chart.categories)  # names of departments, teams, people
    hbars = chart.kind == "hbars"
    for s in chart.series:
        text = [value_text(v, chart.unit, lang, short=True) for v in s.values]
        if chart.kind == "line":
            fig.add_scatter(
                x=categories,
                y=s.values,
                name=s.name,
                mode="lines+markers",
                line_color=s.colour,
                hovertext=text,
                hoverinfo="text+name",
                connectgaps=False,
            )
        elif hbars:
            fig.add_bar(
                y=categories[::-1],
                x=s.values[::-1],
                orientation="h",
                name=s.name,
                marker_color=s.colour,
                text=text[::-1],
                textposition=bar_text_positions(s.values[::-1]),
                cliponaxis=False,
                hoverinfo="text+name",
                hovertext=text[::-1],
            )
        else:
            fig.add_bar(
                x=categories,
                y=s.values,
                name=s.name,
                marker_color=s.colour,
                hovertext=text,
                hoverinfo="text+name",
            )
    if chart.reference:
        name, value = chart.reference
        fig.add_hline(
            y=value, line_dash="dash", line_color=TARGET, annotation_text=name, annotation_position="top left"
        )
    top = max(
        [v for s in chart.series for v in s.values if v is not None]
        + [chart.reference[1] if chart.reference else 0]
    )
    if chart.kind == "stacked":
        top = max(
            [sum(v or 0 for v in vals) for vals in zip(*(s.values for s in chart.series), strict=True)] or [0]
        )
    ticks = nice_ticks(top)
    axis = {
        "tickvals": ticks,
        "ticktext": [value_text(v, chart.unit, lang, short=True) for v in ticks],
        "range": [0, ticks[-1] * 1.02],
    }
    if hbars:
        fig.update_xaxes(**axis)
        fig.update_yaxes(type="category")
    else:
        fig.update_yaxes(**axis)
        fig.update_xaxes(type="category", tickangle=0, nticks=12)
    fig.update_layout(
        height=height if not hbars else max(height, 40 + 28 * len(chart.categories)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=fmt.plotly_separators(lang),
        barmode="stack" if chart.kind == "stacked" else "group",
        legend={"orientation": "h", "y": 1.15, "x": 0},
        showlegend=len(chart.series) > 1,
        font={"size": 13},
    )
    return fig


# --- SVG (the HTML report) -------------------------------------------------------------------


def _geometry(chart: Chart):
    top = 0.0
    if chart.kind == "stacked":
        top = max(
            [sum(v or 0 for v in vals) for vals in zip(*(s.values for s in chart.series), strict=True)] or [0]
        )
    else:
        top = max([v for s in chart.series for v in s.values if v is not None] or [0])
    if chart.reference:
        top = max(top, chart.reference[1])
    return nice_ticks(top)


def to_svg(chart: Chart, lang: str, width: int = 520, height: int = 230) -> str:
    e = html.escape
    ticks = _geometry(chart)
    top = ticks[-1] or 1
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{e(chart.title)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="10">'
        )
    ]
    legend_h = 16 if len(chart.series) > 1 else 0
    if legend_h:
        x: float = 0
        for s in chart.series:
            parts.append(
                f'<rect x="{x}" y="2" width="9" height="9" fill="{s.colour}"/>'
                f'<text x="{x + 12}" y="10">{e(s.name)}</text>'
            )
            x += 18 + 6.2 * len(s.name)
    if chart.kind == "hbars":
        label_w = min(150, 12 + 5.8 * max((len(c) for c in chart.categories), default=4))
        left, right, top_y, bottom = label_w, width - 10, legend_h + 4, height - 16
        n = len(chart.categories)
        band = (bottom - top_y) / max(n, 1)
        bar_h = band * 0.75 / len(chart.series)

        def scale_x(v):
            return left + (right - left) * (v or 0) / top

        for v in ticks:
            x = scale_x(v)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top_y}" x2="{x:.1f}" y2="{bottom}" stroke="#E4E7EB"/>'
                f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" fill="{GREY}">'
                f"{e(value_text(v, chart.unit, lang, short=True))}</text>"
            )
        for i, name in enumerate(chart.categories):
            y0 = top_y + i * band + band * 0.125
            parts.append(f'<text x="{left - 4}" y="{y0 + band * 0.4:.1f}" text-anchor="end">{e(name)}</text>')
            for j, s in enumerate(chart.series):
                v = s.values[i] or 0
                parts.append(
                    f'<rect x="{left}" y="{y0 + j * bar_h:.1f}" width="{scale_x(v) - left:.1f}" '
                    f'height="{bar_h:.1f}" fill="{s.colour}"><title>{e(s.name)}: '
                    f"{e(value_text(v, chart.unit, lang))}</title></rect>"
                )
        parts.append("</svg>")
        return "".join(parts)
    left, right, top_y, bottom = 46, width - 6, legend_h + 6, height - 18

    def scale(v):
        return bottom - (bottom - top_y) * (v or 0) / top

    for v in ticks:
        y = scale(v)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#E4E7EB"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="{GREY}">'
            f"{e(value_text(v, chart.unit, lang, short=True))}</text>"
        )
    n = len(chart.categories)
    band = (right - left) / max(n, 1)
    every = max(1, math.ceil(n / 8))
    for i, name in enumerate(chart.categories):
        if i % every == 0:
            parts.append(
                f'<text x="{left + i * band + band / 2:.1f}" y="{height - 5}" text-anchor="middle" '
                f'fill="{GREY}">{e(name)}</text>'
            )
    if chart.kind == "line":
        for s in chart.series:
            points = [(left + i * band + band / 2, scale(v)) for i, v in enumerate(s.values) if v is not None]
            if points:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"/>')
                parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{s.colour}"/>' for x, y in points]
    else:
        stacked = chart.kind == "stacked"
        base = [0.0] * n
        width_each = band * 0.8 / (1 if stacked else len(chart.series))
        for j, s in enumerate(chart.series):
            for i, v in enumerate(s.values):
                v = v or 0.0
                x = left + i * band + band * 0.1 + (0 if stacked else j * width_each)
                y_top, y_bottom = scale(base[i] + v), scale(base[i])
                if v:
                    parts.append(
                        f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{width_each:.1f}" '
                        f'height="{y_bottom - y_top:.1f}" fill="{s.colour}"><title>{e(chart.categories[i])}'
                        f" · {e(s.name)}: {e(value_text(v, chart.unit, lang))}</title></rect>"
                    )
                if stacked:
                    base[i] += v
    if chart.reference:
        name, value = chart.reference
        y = scale(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3"/><text x="{right}" y="{y - 3:.1f}" text-anchor="end" '
            f'fill="{TARGET}">{e(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- fpdf2 (the PDF report) -------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def draw_pdf(pdf, chart: Chart, lang: str, x: float, y: float, w: float, h: float, text=lambda s: s) -> None:
    """Draw `chart` in the box (millimetres) on an fpdf2 document; `text` adapts strings to the font."""
    ticks = _geometry(chart)
    top = ticks[-1] or 1
    pdf.set_font(size=6.5)
    legend_h = 0.0
    if len(chart.series) > 1:  # the legend, wrapped to the box
        lx, ly = x, y
        for s in chart.series:
            step = 6 + pdf.get_string_width(text(s.name))
            if lx + step > x + w and lx > x:
                lx, ly = x, ly + 3.6
            pdf.set_fill_color(*_rgb(s.colour))
            pdf.rect(lx, ly + 0.6, 2.4, 2.4, style="F")
            pdf.set_text_color(31, 41, 51)
            pdf.text(lx + 3.2, ly + 2.8, text(s.name))
            lx += step
        legend_h = ly - y + 4.5
    pdf.set_draw_color(228, 231, 235)
    pdf.set_line_width(0.15)
    grey = _rgb(GREY)
    if chart.kind == "hbars":
        label_w = min(38.0, 2 + max((pdf.get_string_width(text(c)) for c in chart.categories), default=8))
        left, right, top_y, bottom = x + label_w, x + w - 2, y + legend_h + 1, y + h - 4
        n = len(chart.categories)
        band = (bottom - top_y) / max(n, 1)
        bar_h = band * 0.75 / len(chart.series)

        def scale_x(v):
            return left + (right - left) * (v or 0) / top

        for v in ticks:
            tx = scale_x(v)
            pdf.line(tx, top_y, tx, bottom)
            pdf.set_text_color(*grey)
            label_text = text(value_text(v, chart.unit, lang, short=True))
            pdf.text(tx - pdf.get_string_width(label_text) / 2, y + h - 0.8, label_text)
        for i, name in enumerate(chart.categories):
            y0 = top_y + i * band + band * 0.125
            pdf.set_text_color(31, 41, 51)
            shown = text(name)
            pdf.text(left - 1 - pdf.get_string_width(shown), y0 + band * 0.45, shown)
            for j, s in enumerate(chart.series):
                v = s.values[i] or 0
                if v:
                    pdf.set_fill_color(*_rgb(s.colour))
                    pdf.rect(left, y0 + j * bar_h, scale_x(v) - left, bar_h, style="F")
        return
    left, right, top_y, bottom = x + 12, x + w - 1, y + legend_h + 1.5, y + h - 4.5

    def scale(v):
        return bottom - (bottom - top_y) * (v or 0) / top

    for v in ticks:
        ty = scale(v)
        pdf.line(left, ty, right, ty)
        pdf.set_text_color(*grey)
        label_text = text(value_text(v, chart.unit, lang, short=True))
        pdf.text(left - 1 - pdf.get_string_width(label_text), ty + 1, label_text)
    n = len(chart.categories)
    band = (right - left) / max(n, 1)
    every = max(1, math.ceil(n / 7))
    for i, name in enumerate(chart.categories):
        if i % every == 0:
            shown = text(name)
            pdf.text(left + i * band + band / 2 - pdf.get_string_width(shown) / 2, y + h - 0.8, shown)
    if chart.kind == "line":
        pdf.set_line_width(0.5)
        for s in chart.series:
            pdf.set_draw_color(*_rgb(s.colour))
            pdf.set_fill_color(*_rgb(s.colour))
            points = [(left + i * band + band / 2, scale(v)) for i, v in enumerate(s.values) if v is not None]
            for (x1, y1), (x2, y2) in itertools.pairwise(points):
                pdf.line(x1, y1, x2, y2)
            for px, py in points:
                pdf.circle(px, py, 0.6, style="F")
    else:
        stacked = chart.kind == "stacked"
        base = [0.0] * n
        width_each = band * 0.8 / (1 if stacked else len(chart.series))
        for j, s in enumerate(chart.series):
            pdf.set_fill_color(*_rgb(s.colour))
            for i, v in enumerate(s.values):
                v = v or 0.0
                if v:
                    bx = left + i * band + band * 0.1 + (0 if stacked else j * width_each)
                    y_top, y_bottom = scale(base[i] + v), scale(base[i])
                    pdf.rect(bx, y_top, width_each, y_bottom - y_top, style="F")
                if stacked:
                    base[i] += v
    if chart.reference:
        name, value = chart.reference
        ty = scale(value)
        pdf.set_draw_color(*_rgb(TARGET))
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(left, ty, right, ty)
        pdf.set_dash_pattern()
        pdf.set_text_color(*_rgb(TARGET))
        shown = text(name)
        pdf.text(right - pdf.get_string_width(shown), ty - 0.8, shown)
    pdf.set_text_color(31, 41, 51)
    pdf.set_line_width(0.15)
