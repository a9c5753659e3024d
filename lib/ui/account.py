"""Account sections: my profile, my interface language, my data and signing out."""

from __future__ import annotations

import streamlit as st

from lib.core.i18n import label
from lib.people import accounts as auth
from lib.people import privacy
from lib.ui.shell import lang, read, sign_out, tr, write
from lib.ui.widgets import plain


def profile() -> None:
    me = read(auth.profile)
    st.subheader(tr("account.profile"))
    lines = [
        f"**{plain(me['full_name'])}** · `{me['username']}` · {plain(me['email'])}",
        tr("account.roles_line", roles=", ".join(label(r, lang()) for r in me["roles"])),
    ]
    if me["department"]:
        lines.append(
            tr("account.department_line", department=plain(me["department"]), team=plain(me["team"] or "—"))
        )
    st.markdown("  \n".join(lines))


def language() -> None:
    st.subheader(tr("account.language"))
    # One language picker, in the sidebar: a second one here would disagree with it.
    st.caption(tr("account.language_where"))


def my_data() -> None:
    st.subheader(tr("privacy.my_data"))
    st.caption(tr("privacy.my_data_help"))
    readable, machine = st.columns(2)
    readable.download_button(
        tr("privacy.download_excel"),
        data=read(privacy.personal_data_excel),
        file_name="porte-voix-my-data.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="my_data_xlsx",
        on_click=write,
        args=(privacy.record_export,),
    )
    machine.download_button(
        tr("privacy.download_json"),
        data=read(privacy.personal_data_json),
        file_name="porte-voix-my-data.json",
        mime="application/json",
        icon=":material/data_object:",
        key="my_data",
        on_click=write,
        args=(privacy.record_export,),
    )


def sign_out_section() -> None:
    st.subheader(tr("account.logout"))
    st.caption(tr("account.logout_help"))
    if st.button(tr("account.logout"), icon=":material/logout:", key="account_logout"):
        sign_out()
        st.rerun()
