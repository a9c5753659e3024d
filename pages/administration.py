"""Administration: accounts, roles, activation, password resets, single sign-on and the audit trail."""

import streamlit as st

from lib.ui import administration as admin
from lib.ui.shell import guard, show_flash, tr
from lib.ui.widgets import kept_tabs

guard("administration")
st.title(tr("page.administration"))
show_flash()
admin.one_time_password()
# Keyed tabs that track the open one: an action's rerun stays on the tab it was made from.
TABS = {
    "users": admin.users_tab,
    "create": admin.create_tab,
    "manage": admin.manage_tab,
    "sso": admin.sso_tab,
    "audit": admin.audit_tab,
}
for tab, view in zip(kept_tabs({t: tr(f"admin.{t}") for t in TABS}, "admin_tab"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            view()
