"""Participation (HR, admin): the programme funnel, module completion, follow-up lists and
reminders, one person's file, and the roster with its import and departments and teams."""

import streamlit as st

from lib.ui import analytics_import as figure_sections
from lib.ui.participation import completion, follow_up, overview, person, roster
from lib.ui.participation.common import scope_picker
from lib.ui.shell import guard, show_flash, tr

who = guard("participation")
st.title(tr("page.participation"))
show_flash()
ctx = scope_picker(who)
TABS = {
    "overview": overview.overview_tab,
    "completion": completion.completion_tab,
    "follow_up": follow_up.follow_up_tab,
    "people": person.people_tab,
    "roster": roster.roster_tab,
    "review": lambda ctx: figure_sections.review_section(),
}
for tab, view in zip(
    st.tabs([tr(f"participation.tab.{t}") for t in TABS], key="part_tab", on_change="rerun"),
    TABS.values(),
    strict=True,
):
    if tab.open:
        with tab:
            view(ctx)
