"""Content library: share-ready posts to copy and share; HR and communications publish them."""

import streamlit as st

from lib.core.permissions import can
from lib.ui import content_library as library
from lib.ui.shell import guard, show_flash, tr

who = guard("content_library")
st.title(tr("page.content_library"))
st.caption(tr("library.intro"))
show_flash()
editor = can(who, "content.publish")
names = [tr("library.tab_current"), tr("checker.title")] + ([tr("library.tab_manage")] if editor else [])
tabs = st.tabs(names, key="library_tabs", on_change="rerun")
if tabs[0].open:
    with tabs[0]:
        library.current_tab(who)
if tabs[1].open:
    with tabs[1]:
        library.checker_tab()
if editor and tabs[-1].open:
    with tabs[-1]:
        library.manage_tab()
        with st.expander(tr("checker.settings_title"), icon=":material/tune:"):
            library.checker_settings()
