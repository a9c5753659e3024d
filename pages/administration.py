"""Administration: accounts, roles, activation and password resets."""

import streamlit as st

from lib.people import accounts as auth
from lib.ui import administration as admin
from lib.ui.shell import guard, read, show_flash, tr

guard("administration")
st.title(tr("page.administration"))
show_flash()
admin.one_time_password()
users = read(auth.list_users)
tab_list, tab_create, tab_manage, tab_audit = st.tabs(
    [tr("admin.users"), tr("admin.create"), tr("admin.manage"), tr("admin.audit")]
)
with tab_list:
    admin.users_tab(users)
with tab_create:
    admin.create_tab()
with tab_manage:
    admin.manage_tab(users)
with tab_audit:
    admin.audit_tab()
