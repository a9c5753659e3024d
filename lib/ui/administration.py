"""Administration sections: the list of accounts, creating one, managing one (roles, activation,
password reset, erasure) and the audit trail."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from lib.core import audit
from lib.core.i18n import label
from lib.core.vocab import BASE_ROLE, ROLES
from lib.people import accounts as auth
from lib.people import organisation as org
from lib.people import privacy
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.widgets import date_format, labels_of, plain, vocab_labels


def role_label(code: str) -> str:
    return label(code, lang())


def one_time_password() -> None:
    """The temporary password just made (for a new account or a reset), shown once."""
    if "one_time_password" in st.session_state:
        username, password = st.session_state.pop("one_time_password")
        st.success(tr(st.session_state.pop("one_time_message"), username=username))
        st.code(password, language=None)


def users_tab(users: list[dict]) -> None:
    st.caption(tr("admin.users_caption", total=len(users), active=sum(u["active"] for u in users)))
    query = st.text_input(tr("admin.filter"), key="admin_filter").strip().lower()
    shown = [
        u
        for u in users
        if not query or any(query in (u[k] or "").lower() for k in ("username", "full_name", "email"))
    ]
    table = pd.DataFrame(
        {
            tr("field.username"): [u["username"] for u in shown],
            tr("field.full_name"): [u["full_name"] for u in shown],
            tr("field.email"): [u["email"] for u in shown],
            tr("field.roles"): [", ".join(map(role_label, u["roles"])) for u in shown],
            tr("field.department"): [u["department"] or "—" for u in shown],
            tr("field.active"): [u["active"] for u in shown],
            tr("field.must_change_password"): [u["must_change_password"] for u in shown],
            tr("field.locked"): [u["locked"] for u in shown],
            tr("field.created_at"): [u["created_at"] for u in shown],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def create_tab() -> None:
    with st.form("create_user", clear_on_submit=False):
        departments = dict(read(org.departments))
        c1, c2 = st.columns(2)
        username = c1.text_input(tr("field.username"), key="new_username")
        full_name = c2.text_input(tr("field.full_name"), key="new_full_name")
        email = c1.text_input(tr("field.email"), key="new_email")
        department = c2.selectbox(
            tr("field.department"), [None, *departments], format_func=lambda d: departments.get(d, "—")
        )
        roles = c1.multiselect(tr("field.roles"), ROLES, default=[BASE_ROLE], format_func=vocab_labels())
        language = c2.radio(
            tr("field.language"),
            ["en", "fr"],
            format_func={"en": "English", "fr": "Français"}.get,
            horizontal=True,
        )
        if st.form_submit_button(tr("admin.create_submit"), type="primary"):
            ok, result = write(
                auth.create_user,
                username=username,
                full_name=full_name,
                email=email,
                roles=roles,
                language=language,
                department_id=department,
            )
            if ok:
                user, temporary = result
                st.session_state["one_time_password"] = (user.username, temporary)
                st.session_state["one_time_message"] = "admin.created"
                st.rerun()


def manage_tab(users: list[dict]) -> None:
    by_id = {u["id"]: u for u in users}
    picked = st.selectbox(
        tr("admin.pick_user"),
        list(by_id),
        format_func=lambda i: f"{by_id[i]['full_name']} ({by_id[i]['username']})",
        key="admin_pick",
    )
    if picked is not None:
        target = by_id[picked]
        status = tr("admin.status_active") if target["active"] else tr("admin.status_inactive")
        st.markdown(f"**{plain(target['full_name'])}** · {plain(target['email'])} · {status}")
        new_roles = st.multiselect(
            tr("field.roles"),
            ROLES,
            default=target["roles"],
            format_func=vocab_labels(),
            key=f"roles_{picked}_{lang()}",  # labels are translated: one widget per language
        )
        c1, c2, c3 = st.columns(3)
        if (
            c1.button(tr("admin.save_roles"), key="save_roles", type="primary")
            and write(auth.set_roles, picked, new_roles)[0]
        ):
            flash(tr("admin.roles_saved"))
            st.rerun()
        toggle = tr("admin.deactivate") if target["active"] else tr("admin.reactivate")
        if c2.button(toggle, key="toggle_active") and write(auth.set_active, picked, not target["active"])[0]:
            flash(tr("admin.deactivated") if target["active"] else tr("admin.reactivated"))
            st.rerun()
        if c3.button(tr("admin.reset"), key="reset_password"):
            ok, temporary = write(auth.reset_password, picked)
            if ok:
                st.session_state["one_time_password"] = (target["username"], temporary)
                st.session_state["one_time_message"] = "admin.reset_done"
                st.rerun()
        with st.expander(tr("privacy.erase_title"), icon=":material/delete_forever:"):
            st.warning(tr("privacy.erase_help"))
            typed = st.text_input(
                tr("privacy.erase_confirm", username=target["username"]), key="erase_confirm"
            )
            if (
                st.button(
                    tr("privacy.erase"), key="erase", type="primary", disabled=typed != target["username"]
                )
                and write(privacy.erase, picked)[0]
            ):
                flash(tr("privacy.erased"))
                st.rerun()


def audit_tab() -> None:
    st.caption(tr("admin.audit_caption"))
    c1, c2, c3 = st.columns([2, 2, 3])
    actions = read(audit.actions)
    action = c1.selectbox(
        tr("admin.audit_action"),
        [None, *actions],
        format_func=labels_of([None, *actions], lambda a: a or tr("admin.audit_any")),
        key=f"audit_action_{lang()}",
    )
    who_filter = c2.text_input(tr("admin.audit_actor"), key="audit_actor")
    period = c3.date_input(tr("admin.audit_period"), value=[], format=date_format(), key="audit_period")
    start, end = [*period, None, None][:2]
    events = read(audit.browse, action=action, who=who_filter, start=start, end=end or start)
    if not events:
        st.info(tr("admin.audit_empty"))
    else:
        # Each event as a sentence in the interface language; the download keeps the codes and
        # details for anyone who processes the trail.
        shown = pd.DataFrame(
            {
                tr("admin.audit_at"): [e["at"] for e in events],
                tr("admin.audit_actor"): [e["actor"] for e in events],
                tr("admin.audit_action"): [
                    audit.describe(e["action"], e["details"], lang(), e["target"]) for e in events
                ],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        table = pd.DataFrame(
            {
                tr("admin.audit_at"): [e["at"] for e in events],
                tr("admin.audit_actor"): [e["actor"] for e in events],
                "action": [e["action"] for e in events],
                tr("admin.audit_target"): [e["target"] or "" for e in events],
                tr("admin.audit_details"): [
                    json.dumps(e["details"], ensure_ascii=False, default=str) for e in events
                ],
            }
        )
        download_buttons(table, "audit_trail", "audit_trail", scope=action or "all")
