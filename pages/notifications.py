"""Notifications (HR): the reminders and digests Porte-voix e-mails by itself."""

import streamlit as st

from lib.ui import notifications as sections
from lib.ui.shell import guard, show_flash, tr

guard("notifications")
st.title(tr("page.notifications"))
show_flash()
sections.status()
settings_tab, preview_tab, log_tab, test_tab = st.tabs(
    [tr("notify.tab.settings"), tr("notify.tab.preview"), tr("notify.tab.log"), tr("notify.tab.test")]
)
with settings_tab:
    sections.settings()
with preview_tab:
    sections.preview()
with log_tab:
    sections.sent_log()
with test_tab:
    sections.test_email()
