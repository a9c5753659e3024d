"""Customer signals: report a win or a loss, follow it to a resolution, handle the ones I own."""

import streamlit as st

from lib.core.permissions import can
from lib.ui import customer_signals as sections
from lib.ui.shell import guard, show_flash, tr

who = guard("customer_signals")
st.title(tr("page.customer_signals"))
st.caption(tr("signals.intro"))
show_flash()
views = ["mine", "assigned"] + (["all"] if can(who, "signals.view_all") else [])
names = [tr("signals.tab_report")] + [tr(f"signals.tab_{v}") for v in views]
if can(who, "signals.triage"):
    names.append(tr("signals.tab_settings"))
tabs = st.tabs(names, key="signals_tabs", on_change="rerun")
if tabs[0].open:
    with tabs[0]:
        sections.report_form()
for view, tab in zip(views, tabs[1:], strict=False):
    if tab.open:
        with tab:
            sections.signal_list(view)
if can(who, "signals.triage") and tabs[-1].open:
    with tabs[-1]:
        sections.settings_panel()
