"""Leadership overview sections: the period and scope (kept in the URL, so a view can be
bookmarked and shared), the live key figures and charts, the board report and the value rates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from lib.core import periods
from lib.core.errors import ValidationError
from lib.core.i18n import problem_text
from lib.core.models import utcnow
from lib.insight import leadership as overview
from lib.insight.charts import Section, sections
from lib.insight.kpis import cards, emv_formula, provenance_line
from lib.people import organisation as org
from lib.ui import leadership_overview as sections_ui
from lib.ui.downloads import download_buttons
from lib.ui.run_log import timed_fragment
from lib.ui.shell import flash, fragment_guard, lang, read, tr, write
from lib.ui.widgets import date_format

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
        try:
            go_to(replace(view, preset="custom", period=periods.custom_period(*picked, today)))
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
    scope_name = departments.get(view.department_id) or tr("leadership.company")
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
        format_func=preset_labels.get,
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
        format_func=scope_labels.get,
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
    sections_ui.caption(ov, REFRESH_SECONDS)
    if not ov.has_data:
        st.subheader(tr("leadership.empty_title"))
        st.info(tr("leadership.empty"), icon=":material/lightbulb:")
        return
    sections_ui.report_downloads(ov, scope_name)
    for group, items in cards(ov, lang()).items():
        st.subheader(tr(f"leadership.group.{group}"))
        per_row = 3 if len(items) == 6 else 4
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
    charts = sections_ui.built(ov, "sections", lambda: sections(ov, lang()))
    sections_ui.trends(ov, scope_name)
    show_section(charts[0], st.container(), view, scope_name)
    sections_ui.breakdowns(ov, scope_name)
    for pair in (charts[2:4], charts[4:6]):
        for section, column in zip(pair, st.columns(2, gap="large"), strict=False):
            show_section(section, column, view, scope_name)
    sections_ui.learning(ov, scope_name)
    sections_ui.latest_signals(ov)


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
