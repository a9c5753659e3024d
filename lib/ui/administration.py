"""Administration sections: the list of accounts, creating one, managing one (roles, activation,
password reset, erasure), the single sign-on settings and the audit trail."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from lib.core import audit
from lib.core.i18n import label
from lib.core.vocab import BASE_ROLE, LANGUAGES, ROLES
from lib.people import accounts as auth
from lib.people import organisation as org
from lib.people import privacy, sign_in_policy
from lib.ui import sso
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.widgets import data_table, date_format, labels_of, number, plain, vocab_labels, zone


def role_label(code: str) -> str:
    return label(code, lang())


def one_time_password() -> None:
    """The temporary password just made (for a new account or a reset), shown once."""
    if "one_time_password" in st.session_state:
        username, password = st.session_state.pop("one_time_password")
        st.success(tr(st.session_state.pop("one_time_message"), username=username))
        st.code(password, language=None)


def _first_page() -> None:
    st.session_state["admin_page"] = 1


def users_tab() -> None:
    """The accounts, searched and paged in the database (ACCOUNTS_PAGE a page)."""
    total, active = read(auth.account_counts)
    st.caption(tr("admin.users_caption", total=total, active=active))
    query = st.text_input(tr("admin.filter"), key="admin_filter", on_change=_first_page)
    size = auth.ACCOUNTS_PAGE
    page = int(st.session_state.get("admin_page", 1))
    shown, found = read(auth.find_accounts, query, offset=(page - 1) * size)
    pages = max(1, -(-found // size))
    if page > pages:  # fewer accounts than when the page was picked
        page = st.session_state["admin_page"] = pages
        shown, found = read(auth.find_accounts, query, offset=(page - 1) * size)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    c1.number_input(tr("admin.page", pages=number(pages)), min_value=1, max_value=pages, key="admin_page")
    c2.caption(tr("admin.found", n=number(found)))
    table = pd.DataFrame(
        {
            tr("field.username"): [u["username"] for u in shown],
            tr("field.full_name"): [u["full_name"] for u in shown],
            tr("field.email"): [u["email"] for u in shown],
            tr("field.roles"): [", ".join(map(role_label, u["roles"])) for u in shown],
            tr("field.department"): [u["department"] or "—" for u in shown],
            tr("admin.status"): [status(u) for u in shown],
            tr("field.created_at"): [u["created_at"] for u in shown],
        }
    )
    # Fits 1,400 px: the account's state in words in one column (three ticks did not fit), the
    # creation as a date (its time is in the audit trail).
    data_table(
        table,
        {tr("field.created_at"): "date"},
        {tr("field.email"): st.column_config.TextColumn(width="medium")},
    )


def status(account: dict) -> str:
    """ "Active", or "Deactivated", with "locked" and "password to change" when they apply."""
    words = [tr("admin.status_active") if account["active"] else tr("admin.status_inactive")]
    words += [tr("field.locked").lower()] if account["locked"] else []
    words += [tr("field.must_change_password").lower()] if account["must_change_password"] else []
    return " · ".join(words)


def create_tab() -> None:
    """The new account's identity, roles and language (the administrator's by default), and where
    the person works: department, team, manager, job title and start date."""
    departments = dict(read(org.departments))
    teams = {
        int(r.team_id): f"{r.department} › {r.team}"
        for r in read(org.organisation).itertuples()
        if pd.notna(r.team_id)
    }
    managers = read(auth.manager_choices)
    with st.form("create_user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        username = c1.text_input(tr("field.username"), key="new_username")
        full_name = c2.text_input(tr("field.full_name"), key="new_full_name")
        email = c1.text_input(tr("field.email"), key="new_email")
        roles = c2.multiselect(tr("field.roles"), ROLES, default=[BASE_ROLE], format_func=vocab_labels())
        language = c1.radio(
            tr("field.language"),
            LANGUAGES,
            index=LANGUAGES.index(lang()),
            format_func={"en": "English", "fr": "Français"}.get,
            horizontal=True,
        )
        st.markdown(f"**{tr('admin.create_profile')}**")
        c1, c2 = st.columns(2)
        department = c1.selectbox(
            tr("field.department"), [None, *departments], format_func=lambda d: departments.get(d, "—")
        )
        team = c2.selectbox(
            tr("field.team"),
            [None, *teams],
            format_func=lambda t: teams.get(t, "—"),
            help=tr("admin.team_help"),
        )
        manager = c1.selectbox(
            tr("field.manager"), [None, *managers], format_func=lambda m: managers.get(m, "—")
        )
        job_title = c2.text_input(tr("field.job_title"), max_chars=200)
        start_date = c1.date_input(tr("field.start_date"), value=None, format=date_format())
        if st.form_submit_button(tr("admin.create_submit"), type="primary"):
            ok, result = write(
                auth.create_user,
                username=username,
                full_name=full_name,
                email=email,
                roles=roles,
                language=language,
                department_id=department,
                team_id=team,
                manager_id=manager,
                job_title=job_title.strip() or None,
                start_date=start_date,
            )
            if ok:
                user, temporary = result
                st.session_state["one_time_password"] = (user.username, temporary)
                st.session_state["one_time_message"] = "admin.created"
                st.rerun()


def ask_first(action: str, user_id: int) -> None:
    """Deactivating and resetting a password act on the second click: the first asks."""
    st.session_state["admin_pending"] = (action, user_id)


def confirmation(target: dict) -> None:
    """The question for the pending action on `target`, with Confirm and Cancel."""
    action, user_id = st.session_state.get("admin_pending", (None, None))
    if user_id != target["id"]:
        return
    with st.container(border=True):
        st.warning(tr(f"admin.confirm_{action}", name=plain(target["full_name"])), icon=":material/help:")
        c1, c2, _ = st.columns([1, 1, 4])
        if c2.button(tr("admin.cancel"), key="admin_cancel"):
            del st.session_state["admin_pending"]
            st.rerun()
        if not c1.button(tr("admin.confirm"), key=f"admin_confirm_{action}", type="primary"):
            return
    del st.session_state["admin_pending"]
    if action == "deactivate":
        if write(auth.set_active, target["id"], False)[0]:
            flash(tr("admin.deactivated"))
            st.rerun()
    else:
        ok, temporary = write(auth.reset_password, target["id"])
        if ok:
            st.session_state["one_time_password"] = (target["username"], temporary)
            st.session_state["one_time_message"] = "admin.reset_done"
            st.rerun()


def manage_tab() -> None:
    """One account, found by a search in the database (the first ACCOUNTS_PAGE matches offered)."""
    query = st.text_input(tr("admin.filter"), key="admin_manage_filter")
    matches, found = read(auth.find_accounts, query)
    by_id = {u["id"]: u for u in matches}
    picked_before = st.session_state.get("admin_pick")
    if picked_before is not None and picked_before not in by_id:  # keep the account being managed
        by_id[picked_before] = read(auth.get_account, picked_before)
    if found > len(matches):
        st.caption(tr("admin.more_found", shown=number(len(matches)), n=number(found)))
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
        if target["active"]:
            c2.button(
                tr("admin.deactivate"), key="deactivate", on_click=ask_first, args=("deactivate", picked)
            )
        elif c2.button(tr("admin.reactivate"), key="reactivate") and write(auth.set_active, picked, True)[0]:
            flash(tr("admin.reactivated"))
            st.rerun()
        c3.button(tr("admin.reset"), key="reset_password", on_click=ask_first, args=("reset", picked))
        confirmation(target)
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


def sso_tab() -> None:
    """The single sign-on settings: SSO required, the break-glass account, accounts on first sign-in."""
    if sso.available():
        st.info(tr("admin.sso_configured", company=sso.company()), icon=":material/badge:")
    else:
        st.warning(tr("admin.sso_not_configured"))
    policy = read(sign_in_policy.settings)
    candidates = dict(read(sign_in_policy.break_glass_candidates))
    choices = [None, *candidates]
    with st.form("sso_settings"):
        required = st.checkbox(
            tr("admin.sso_required"), value=policy.required, help=tr("admin.sso_required_help")
        )
        break_glass = st.selectbox(
            tr("admin.sso_break_glass"),
            choices,
            index=choices.index(policy.break_glass_id) if policy.break_glass_id in choices else 0,
            format_func=lambda i: tr("admin.sso_none") if i is None else candidates[i],
        )
        create_accounts = st.checkbox(tr("admin.sso_create_accounts"), value=policy.create_accounts)
        if (
            st.form_submit_button(tr("admin.sso_save"), type="primary")
            and write(
                sign_in_policy.change,
                required=required,
                break_glass_id=break_glass,
                create_accounts=create_accounts,
            )[0]
        ):
            flash(tr("admin.sso_saved"))
            st.rerun()


def audit_tab() -> None:
    st.caption(tr("admin.audit_caption", zone=zone()))
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
                tr("admin.audit_at", zone=zone()): [e["at"] for e in events],
                tr("admin.audit_actor"): [e["actor"] for e in events],
                tr("admin.audit_action"): [
                    audit.describe(e["action"], e["details"], lang(), e["target"]) for e in events
                ],
            }
        )
        data_table(shown)
        table = pd.DataFrame(
            {
                tr("admin.audit_at", zone=zone()): [e["at"] for e in events],
                tr("admin.audit_actor"): [e["actor"] for e in events],
                "action": [e["action"] for e in events],
                tr("admin.audit_target"): [e["target"] or "" for e in events],
                tr("admin.audit_details"): [
                    json.dumps(e["details"], ensure_ascii=False, default=str) for e in events
                ],
            }
        )
        download_buttons(table, "audit_trail", "audit_trail", scope=action or "all")
