"""Sections of the leadership overview screen (one function per section): the live caption, the
report downloads, the trends, the breakdowns, what the signals teach, and the latest signals."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import streamlit as st

from lib.core import formatting as fmt
from lib.core.models import utcnow
from lib.insight import board_report as report
from lib.insight import leadership as overview
from lib.insight import report_charts
from lib.insight.charts import latest_table
from lib.insight.leadership import Overview
from lib.ui.downloads import download_buttons
from lib.ui.shell import lang, read, tr, write
from lib.ui.widgets import zone

T = TypeVar("T")
_BUILT: OrderedDict[tuple, tuple[Overview, object]] = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_SIZE = 64


def built(ov: Overview, what: str, build: Callable[[], T]) -> T:
    """What `build` makes of overview `ov` (its plotly figures) in the interface language, made once
    for every session showing that same result (the overview's cache returns one object while the
    data is unchanged) instead of on every run and every refresh of every session."""
    key = (id(ov), lang(), what)
    with _BUILT_LOCK:
        hit = _BUILT.get(key)
        if hit is not None and hit[0] is ov:  # the same object, not a new one at a reused address
            _BUILT.move_to_end(key)
            return hit[1]  # type: ignore[return-value]
    value = build()
    with _BUILT_LOCK:
        _BUILT[key] = (ov, value)
        while len(_BUILT) > BUILT_SIZE:
            _BUILT.popitem(last=False)
    return value


def _with_figures(charts: list[report_charts.Chart]) -> list[tuple[report_charts.Chart, object]]:
    language = lang()
    return [(c, None if c.empty else report_charts.to_plotly(c, language)) for c in charts]


def caption(ov: Overview, seconds: int) -> None:
    """The period, its comparison, and the truth about freshness: when the data last changed and
    when the figures were last checked, in the viewer's zone."""
    period, previous, language, where = ov.view.period, ov.previous, lang(), zone()
    checked: datetime = utcnow()
    changed = read(lambda session, actor: overview.last_changed(session, checked))
    st.caption(
        tr(
            "leadership.caption",
            start=fmt.day(period.start, language),
            end=fmt.day(period.end, language),
            days=fmt.number(period.days, language),
            prev_start=fmt.day(previous.start, language),
            prev_end=fmt.day(previous.end, language),
        )
        + " "
        + tr(
            "leadership.live",
            changed=fmt.date_time(changed, language, where, seconds=True),
            checked=fmt.date_time(checked, language, where, seconds=True),
            seconds=seconds,
        )
    )


def report_downloads(ov: Overview, scope: str) -> None:
    """The board report as PDF and HTML, and its data as an Excel workbook (each download audited)."""
    period, language, where = ov.view.period, lang(), zone()
    stem = f"porte-voix_board_report_{period.start}_{period.end}"

    def audit(fmt_):
        return (report.record_download, scope, str(period.start), str(period.end), fmt_)

    pdf, page, data = st.columns(3)
    pdf.download_button(
        tr("leadership.report.download_pdf"),
        lambda: report.board_report_pdf(ov, language, scope, zone=where),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        help=tr("leadership.report.help"),
        icon=":material/picture_as_pdf:",
        key="lo_report_pdf",
        on_click=write,
        args=audit("pdf"),
    )
    page.download_button(
        tr("leadership.report.download"),
        lambda: report.board_report(ov, language, scope, zone=where),
        file_name=f"{stem}.html",
        mime="text/html",
        help=tr("leadership.report.help"),
        icon=":material/summarize:",
        key="lo_report",
        on_click=write,
        args=audit("html"),
    )
    data.download_button(
        tr("leadership.report.download_data"),
        lambda: report.board_workbook(ov, language, scope, where),
        file_name=f"{stem}_data.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="lo_report_data",
        on_click=write,
        args=audit("xlsx"),
    )


def _chart(chart: report_charts.Chart, figure, scope: str, period) -> None:
    st.markdown(f"**{chart.title}**")
    if chart.empty:
        st.caption(tr("leadership.no_activity"))
        return
    st.plotly_chart(figure, key=f"lo_trend_{chart.key}", config={"displaylogo": False})
    if chart.note:
        st.caption(chart.note)
    with st.expander(tr("leadership.chart_data")):
        download_buttons(
            chart.data,
            f"leadership_{chart.key}_{period.start}_{period.end}",
            f"leadership_{chart.key}",
            scope,
            key=f"lo_trend_{chart.key}",
            deferred=True,
        )


def trends(ov: Overview, scope: str) -> None:
    """The trends over the period, two charts a row."""
    st.subheader(tr("leadership.trends.title"))
    charts = built(ov, "trends", lambda: _with_figures(report_charts.trend_charts(ov, lang())))
    for row in range(0, len(charts), 2):
        for (chart, figure), column in zip(charts[row : row + 2], st.columns(2, gap="large"), strict=False):
            with column:
                _chart(chart, figure, scope, ov.view.period)


def breakdowns(ov: Overview, scope: str) -> None:
    st.subheader(tr("leadership.breakdowns.title"))
    charts = built(ov, "breakdowns", lambda: _with_figures(report_charts.breakdown_charts(ov, lang())))
    for row in range(0, len(charts), 2):
        for (chart, figure), column in zip(charts[row : row + 2], st.columns(2, gap="large"), strict=False):
            with column:
                _chart(chart, figure, scope, ov.view.period)


def learning(ov: Overview, scope: str) -> None:
    """What the signals teach: value by category, the outcomes table and the owning teams."""
    st.subheader(tr("leadership.learning.title"))
    if ov.learning["by_category"].empty:
        st.caption(tr("leadership.no_signals"))
        return
    st.caption(tr("leadership.learning.caption"))
    chart_column, teams_column = st.columns(2, gap="large")
    with chart_column:
        ((chart, figure),) = built(
            ov, "learning", lambda: _with_figures([report_charts.learning_chart(ov, lang())])
        )
        _chart(chart, figure, scope, ov.view.period)
    with teams_column:
        st.markdown(f"**{tr('leadership.learning.by_team')}**")
        st.dataframe(report_charts.teams_table(ov, lang()), hide_index=True, width="stretch")
    st.dataframe(report_charts.learning_table(ov, lang()), hide_index=True, width="stretch")


def latest_signals(ov: Overview) -> None:
    """The latest signals, full width so that every column fits; times in the viewer's zone."""
    st.subheader(tr("leadership.chart.latest"))
    table = latest_table(ov, lang(), zone())
    if len(table):
        st.caption(tr("leadership.times_in", zone=zone()))
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.caption(tr("leadership.no_signals"))
