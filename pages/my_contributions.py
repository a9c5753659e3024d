"""My contributions: log, list, edit and delete my own; my figures; CSV import and export."""

import streamlit as st

from lib.ui import my_contributions as mine
from lib.ui.shell import guard, show_flash, tr

who = guard("my_contributions")
st.title(tr("page.my_contributions"))
show_flash()
filters = mine.my_figures()
tab_log, tab_list, tab_import, tab_points = st.tabs(
    [tr("contrib.tab_log"), tr("contrib.tab_list"), tr("contrib.tab_import"), tr("recognition.tab")],
    key="contrib_tabs",
    on_change="rerun",
)
if tab_log.open:
    with tab_log:
        mine.log_tab()
if tab_list.open:
    with tab_list:
        mine.list_tab(filters)
if tab_import.open:
    with tab_import:
        mine.import_tab(who)
if tab_points.open:
    with tab_points:
        mine.points_tab(who, filters.start, filters.end)
