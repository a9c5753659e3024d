"""Account: profile, password change, interface language, sign-out."""

import streamlit as st

from lib.ui import account, notifications
from lib.ui.shell import guard, show_flash, tr
from lib.ui.widgets import password_change_form

guard("account")
st.title(tr("page.account"))
show_flash()
account.profile()
left, right = st.columns(2, gap="large")
with left:
    password_change_form("change_password", "field.current_password")
with right:
    account.language()
    notifications.my_optional_emails()
    account.my_data()
    account.sign_out_section()
