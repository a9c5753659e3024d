"""Leadership overview screen: the period and scope (kept in the URL, so a view can be bookmarked
and shared), the live key figures with the truth about their freshness, the report downloads, the
trends, breakdowns and charts (their plotly figures built once per result and language), what the
signals teach, the latest signals, and the value rates."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TypeVar

import streamlit as st

from lib.core import formatting as fmt
from lib.core import periods
from lib.core.errors import ValidationError
from lib.core.i18n import problem_text
from lib.core.models import utcnow
from lib.insight import board_report as report
from lib.insight import leadership as overview
from lib.insight import report_charts
from lib.insight.charts import Section, latest_table, sections
from lib.insight.kpis import cards, emv_formula, provenance_line
from lib.insight.leadership import Overview
from lib.people import organisation as org
from lib.ui.downloads import download_buttons
from lib.ui.run_log import timed_fragment
from lib.ui.shell import flash, fragment_guard, lang, read, tr, write
from lib.ui.widgets import date_format, zone

REFRESH_SECONDS = 15
COMPANY = 0  # the scope box's "whole company" (a None value would read as "nothing chosen")


def period_key() -> str:
    """Select boxes send back their option's label, so one whose labels are translated gets a key
    per language: switching language then draws a fresh widget instead of sending back an old label."""
    return f"lo_period_{lang()}"


def scope_key() -> str:
    return f"lo_department_{lang()}"


def go_to(new_view: periods.View) -> None:
    st.query_params.from_dict(periods.to_query(new_view))


def on_preset(view: periods.View, today: date) -> None:
    preset = st.session_state[period_key()]
    period = view.period if preset == "custom" else periods.preset_period(preset, today)
    go_to(replace(view, preset=preset, period=period))


def on_dates(view: periods.View, today: date) -> None:
    picked = st.session_state["lo_dates"]
    if len(picked) == 2:
        start, end = picked
        try:
            go_to(replace(view, preset="custom", period=periods.custom_period(start, end, today)))
        except ValidationError as exc:
            st.session_state["lo_dates_problems"] = exc.problems


def view_from_link(today: date, departments: dict[int, str]) -> tuple[periods.View, str]:
    """The view the URL asks for (a bad link falls back to a valid one, explained until another
    view is chosen), and the name of its scope."""
    view, link_problems = periods.from_query(st.query_params.to_dict(), today, departments)
    if link_problems:  # explained until another view is chosen (the URL is corrected at once)
        st.session_state["lo_link_problems"] = (view, link_problems)
        st.query_params.from_dict(periods.to_query(view))
    fallback, problems = st.session_state.get("lo_link_problems", (None, []))
    if fallback == view:
        st.warning(
            tr(
                "leadership.link_fallback",
                problems=" ".join(problem_text(p, lang()) for p in problems),
                view=tr(f"leadership.preset.{view.preset}"),
            ),
            icon=":material/link_off:",
        )
    scope = departments.get(view.department_id) if view.department_id is not None else None
    scope_name = scope or tr("leadership.company")
    return view, scope_name


def view_controls() -> tuple[periods.View, str]:
    """The period and scope boxes; a choice rewrites the URL. Returns the view and its scope's name."""
    today = utcnow().date()
    departments = dict(read(org.departments))
    view, scope_name = view_from_link(today, departments)
    if st.session_state.get("lo_view") != (view, lang()) or "lo_dates" not in st.session_state:
        st.session_state.update(
            {
                "lo_view": (view, lang()),
                period_key(): view.preset,
                scope_key(): view.department_id or COMPANY,
                "lo_dates": (view.period.start, view.period.end),
            }
        )

    preset_labels = {p: tr(f"leadership.preset.{p}") for p in periods.PRESETS}
    scope_labels = {COMPANY: tr("leadership.company"), **departments}
    left, middle, right = st.columns(3)
    left.selectbox(
        tr("leadership.period"),
        periods.PRESETS,
        format_func=preset_labels.__getitem__,
        key=period_key(),
        on_change=on_preset,
        args=(view, today),
    )
    if view.preset == "custom":
        middle.date_input(
            tr("leadership.dates"),
            key="lo_dates",
            max_value=today,
            format=date_format(),
            on_change=on_dates,
            args=(view, today),
        )
        if len(st.session_state["lo_dates"]) < 2:
            middle.caption(tr("leadership.dates_incomplete"))
        for problem in st.session_state.pop("lo_dates_problems", []):
            middle.error(problem_text(problem, lang()))
    right.selectbox(
        tr("leadership.scope"),
        list(scope_labels),
        format_func=scope_labels.__getitem__,
        key=scope_key(),
        on_change=lambda: go_to(replace(view, department_id=st.session_state[scope_key()] or None)),
    )
    return view, scope_name


def show_section(section: Section, where, view: periods.View, scope_name: str) -> None:
    with where:
        st.subheader(section.title)
        if section.figure is None:
            st.caption(section.empty)
            return
        st.plotly_chart(section.figure, key=f"lo_chart_{section.key}", config={"displaylogo": False})
        with st.expander(tr("leadership.chart_data")):
            download_buttons(
                section.table,
                f"leadership_{section.key}_{view.period.start}_{view.period.end}",
                f"leadership_{section.key}",
                scope_name,
                key=f"lo_{section.key}",
                deferred=True,
            )


@st.fragment(run_every=REFRESH_SECONDS)
@timed_fragment("leadership_overview")
def live(view: periods.View, scope_name: str) -> None:
    fragment_guard("leadership_overview")  # runs alone every REFRESH_SECONDS: the page's guard did not
    ov = read(overview.overview, view)
    caption(ov, REFRESH_SECONDS)
    if not ov.has_data:
        st.subheader(tr("leadership.empty_title"))
        st.info(tr("leadership.empty"), icon=":material/lightbulb:")
        return
    report_downloads(ov, scope_name)
    for group, items in cards(ov, lang()).items():
        st.subheader(tr(f"leadership.group.{group}"))
        per_row = 3 if len(items) in (5, 6) else 4
        for row in range(0, len(items), per_row):
            for column, card in zip(st.columns(per_row), items[row : row + per_row], strict=False):
                column.metric(
                    card.label,
                    card.value,
                    card.delta,
                    delta_color=card.delta_color,
                    help=card.help,
                    border=True,
                    delta_arrow="off" if card.delta_color == "off" else "auto",
                )
        if group == "reach":
            st.caption(provenance_line(ov, lang()))
        if group == "engagement":
            st.caption(emv_formula(ov, lang()))
        if group == "customers":
            st.caption(tr("leadership.value_note"))
    charts = built(ov, "sections", lambda: sections(ov, lang()))
    trends(ov, scope_name)
    show_section(charts[0], st.container(), view, scope_name)
    breakdowns(ov, scope_name)
    for pair in (charts[2:4], charts[4:6]):
        for section, column in zip(pair, st.columns(2, gap="large"), strict=False):
            show_section(section, column, view, scope_name)
    learning(ov, scope_name)
    latest_signals(ov)


# --- sections of the live part --------------------------------------------------------------

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
    changed = read(lambda session, actor: overview.last_changed(session))
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


def rates_form() -> None:
    """Admin: the cost per thousand impressions and per click behind the earned media value."""
    with st.expander(tr("leadership.rates.title"), icon=":material/tune:"), st.form("lo_rates"):
        current = read(overview.rate_settings)
        st.caption(tr("leadership.rates.intro"))
        cpm = st.number_input(
            tr("leadership.rates.cpm"), min_value=0.0, value=current.cpm, step=0.5, key="lo_cpm"
        )
        cpc = st.number_input(
            tr("leadership.rates.cpc"), min_value=0.0, value=current.cpc, step=0.1, key="lo_cpc"
        )
        if st.form_submit_button(tr("leadership.rates.save")) and write(overview.set_rates, cpm, cpc)[0]:
            flash(tr("leadership.rates.saved"))
            st.rerun()
