"""Training: modules (lessons, quiz, explanations), posting guidelines, certificate; HR assignments."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.core.models import utcnow
from lib.people import organisation as org
from lib.training import academy as training
from lib.training import assignments
from lib.training import certificates as certificate
from lib.training.catalogue import load_modules, policy
from lib.ui import date_format, download_buttons, flash, guard, lang, plain, read, show_flash, tr, write
from lib.ui import day as ui_day
from lib.ui import training_quiz as quiz_ui

STATUS_STYLE = {
    "not_started": ("gray", ":material/radio_button_unchecked:"),
    "in_progress": ("blue", ":material/pending:"),
    "passed": ("green", ":material/check_circle:"),
    "outdated": ("orange", ":material/update:"),
    "overdue": ("red", ":material/schedule:"),
}
OPEN_LABEL = {
    "not_started": "start",
    "in_progress": "resume",
    "passed": "review",
    "outdated": "retake",
    "overdue": "resume",
}

who = guard("training")
L = lang()
st.title(tr("page.training"))
show_flash()
me = read(training.overview)
titles = {m.slug: m.text("title", L) for m in load_modules()}


def day(value) -> str:
    return ui_day(value)


def todo_text() -> str:
    parts = []
    if left := me.required - me.count("passed"):
        parts.append(tr("training.todo.modules", n=left, total=me.required))
    if me.must_acknowledge:
        parts.append(tr("training.todo.guidelines"))
    return " ".join(parts)


def header() -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("training.metric.modules"), f"{me.count('passed')} / {me.required}")
    c2.metric(
        tr("training.metric.guidelines"),
        tr("training.metric.to_confirm")
        if me.must_acknowledge
        else tr("training.metric.confirmed", version=me.policy_version),
    )
    cert, explain = me.certificate, tr("training.metric.certification_help")
    if me.certified:
        c3.metric(tr("training.metric.certified_until"), day(cert.expires_at), help=explain)
        st.success(tr("training.cert.valid", date=day(cert.expires_at)), icon=":material/verified:")
    else:
        c3.metric(tr("training.metric.certification"), tr("training.metric.not_certified"), help=explain)
        if cert is not None:
            st.warning(tr("training.cert.renew", todo=todo_text()), icon=":material/update:")
        else:
            st.info(tr("training.cert.none", todo=todo_text()), icon=":material/school:")
    late = [m for m in me.modules if m.status == "overdue"]
    if late:
        lines = "\n".join(
            f"- **{titles[m.module.slug]}** · {tr('training.due_on', date=day(m.due_on))}" for m in late
        )
        st.error(f"{tr('training.todo.overdue')}\n{lines}", icon=":material/schedule:")


def open_module(slug: str) -> None:
    state = me.state(slug)
    st.session_state["training_open"] = slug
    st.session_state["training_step"] = (
        state.next_lesson if not state.all_read else "result" if state.last_attempt_id else "quiz"
    )
    clear_quiz()


def go(step) -> None:
    st.session_state["training_step"] = step


def clear_quiz() -> None:
    for key in [k for k in st.session_state if str(k).startswith("quiz_")]:
        del st.session_state[key]


def retry() -> None:
    """A fresh quiz form (no answers kept from the last attempt)."""
    go("quiz")
    clear_quiz()


def catalogue_view() -> None:
    st.caption(tr("training.catalogue_caption"))
    for i, state in enumerate(me.modules):
        if i % 2 == 0:
            columns = st.columns(2)
        m = state.module
        color, icon = STATUS_STYLE[state.status]
        with columns[i % 2].container(border=True, height="stretch"):
            st.markdown(f"**{m.data['order']}. {titles[m.slug]}**")
            st.badge(tr(f"training.status.{state.status}"), color=color, icon=icon)
            quiz_ui.path_badge(state)
            facts = [
                tr("training.minutes", n=m.data["duration_minutes"]),
                tr("training.lessons_read", read=state.lessons_read, total=len(m.lessons)),
            ]
            if state.best_score is not None:
                facts.append(tr("training.best_score", score=state.best_score))
            if state.due_on:
                facts.append(tr("training.due_on", date=day(state.due_on)))
            st.caption(" · ".join(facts))
            st.markdown(m.text("summary", L))
            st.button(
                tr(f"training.open.{OPEN_LABEL[state.status]}"),
                key=f"open_{m.slug}",
                on_click=open_module,
                args=(m.slug,),
            )


def lesson_view(state, index: int) -> None:
    m, lesson = state.module, state.module.lessons[index]
    st.subheader(lesson["title"][L])
    st.caption(tr("training.lesson_n", n=index + 1, total=len(m.lessons)))
    st.markdown(lesson["body"][L])
    last = index == len(m.lessons) - 1
    if last:
        quiz_ui.takeaways_view(m)
    left, right = st.columns(2)
    if index > 0:
        left.button(
            tr("training.previous"),
            key="lesson_previous",
            icon=":material/arrow_back:",
            on_click=go,
            args=(index - 1,),
        )
    done = lesson["id"] in state.read
    label = tr(f"training.{'next' if done else 'read'}_{'quiz' if last else 'lesson'}")
    if right.button(label, key="lesson_read", type="primary", icon=":material/check:"):
        if write(training.mark_lesson_read, m.slug, lesson["id"])[0]:
            go("quiz" if last else index + 1)
            st.rerun()


def quiz_view(state) -> None:
    quiz_ui.quiz_view(state, go)


def result_view(state) -> None:
    quiz_ui.result_view(state, go)


def module_view(slug: str) -> None:
    state = me.state(slug)
    m = state.module
    st.button(
        tr("training.back"),
        key="training_back",
        icon=":material/arrow_back:",
        on_click=lambda: st.session_state.pop("training_open", None),
    )
    st.header(titles[slug])
    st.progress(
        state.lessons_read / len(m.lessons),
        text=tr("training.lessons_read", read=state.lessons_read, total=len(m.lessons)),
    )
    step = st.session_state.get("training_step", state.next_lesson)
    nav, body = st.columns([1, 3], gap="large")
    with nav:
        for i, lesson in enumerate(m.lessons):
            done = lesson["id"] in state.read
            st.button(
                f"{i + 1}. {lesson['title'][L]}",
                key=f"lesson_{i}",
                width="stretch",
                wrap=True,
                on_click=go,
                args=(i,),
                type="primary" if step == i else "secondary",
                icon=":material/check_circle:" if done else ":material/radio_button_unchecked:",
            )
        st.button(
            tr("training.quiz.title"),
            key="lesson_quiz",
            width="stretch",
            icon=":material/quiz:",
            disabled=not state.all_read,
            help=None if state.all_read else tr("training.quiz.locked"),
            on_click=go,
            args=("result" if state.last_attempt_id else "quiz",),
            type="primary" if step in ("quiz", "result") else "secondary",
        )
    with body:
        if isinstance(step, int):
            lesson_view(state, step)
        elif not state.all_read:
            st.info(tr("training.quiz.locked"))
        elif step == "result" and state.last_attempt_id:
            result_view(state)
        else:
            quiz_view(state)


def modules_view() -> None:
    opened = st.session_state.get("training_open")
    if opened in titles:
        module_view(opened)
    else:
        catalogue_view()


def guidelines_view() -> None:
    pol = policy()
    st.subheader(pol["title"][L])
    st.caption(tr("training.policy.version", version=pol["version"], date=pol.get("effective_date", "")))
    with st.container(height=460, border=True):
        st.markdown(pol["body"][L])
    quiz_ui.alert_contacts_view()
    quiz_ui.sheet_download()
    if not me.must_acknowledge:
        st.success(
            tr("training.policy.done", version=me.policy_version, date=day(me.acknowledged_at)),
            icon=":material/task_alt:",
        )
        return
    if me.acknowledged_at is not None:
        st.warning(tr("training.policy.reconfirm"), icon=":material/update:")
    confirmed = st.checkbox(tr("training.policy.checkbox"), key="policy_confirm")
    if st.button(tr("training.policy.submit"), key="policy_submit", type="primary"):
        ok, cert = write(training.acknowledge_policy, pol["version"], confirmed)
        if ok:
            flash(tr("training.certified_now") if cert else tr("training.policy.thanks"))
            st.rerun()


def certificate_view() -> None:
    if not me.certified:
        st.info(tr("training.certificate.missing", todo=todo_text()), icon=":material/workspace_premium:")
        return
    cert = me.certificate
    st.markdown(
        tr(
            "training.certificate.details",
            name=plain(me.full_name),
            n=len(cert.modules),
            issued=day(cert.issued_at),
            expires=day(cert.expires_at),
            version=cert.policy_version,
        )
    )
    st.download_button(
        tr("training.certificate.download"),
        read(certificate.certificate_html, L),
        file_name=f"porte-voix-certificate-{who.username}-{day(cert.issued_at)}.html",
        mime="text/html",
        key="certificate_download",
        icon=":material/download:",
        type="primary",
    )
    st.caption(tr("training.certificate.print_hint"))


def assign_form() -> None:
    st.subheader(tr("training.hr.assign"))
    c1, c2 = st.columns(2)
    modules = c1.multiselect(
        tr("training.hr.modules"),
        list(titles),
        format_func=titles.get,
        key=f"assign_modules_{L}",
        placeholder=tr("training.hr.pick_modules"),
    )
    due_on = c2.date_input(
        tr("training.hr.due_on"),
        value=utcnow().date() + timedelta(days=30),
        min_value=utcnow().date(),
        key="assign_due",
        format=date_format(),
    )
    scope = c1.radio(
        tr("training.hr.scope"),
        assignments.SCOPES,
        horizontal=True,
        key=f"assign_scope_{L}",
        format_func=lambda s: tr(f"training.scope.{s}"),
    )
    department, person = None, ""
    if scope == "department":
        names = dict(read(org.departments))
        department = c2.selectbox(
            tr("field.department"),
            list(names),
            format_func=names.get,
            index=None,
            key="assign_department",
            placeholder=tr("training.hr.pick_department"),
        )
    elif scope == "user":
        person = c2.text_input(
            tr("training.hr.person"), key="assign_person", help=tr("training.hr.person_help")
        )
    if st.button(tr("training.hr.assign_submit"), key="assign_submit", type="primary"):
        ok, n = write(
            assignments.create_assignments,
            modules=modules,
            scope=scope,
            due_on=due_on,
            department_id=department,
            person=person,
        )
        if ok:
            flash(tr("training.hr.assigned", n=n))
            st.rerun()


def scope_text(row) -> str:
    label = tr(f"training.scope.{row.scope}")
    return f"{label}: {row.target}" if row.target else label


def people_list(section: str, df: pd.DataFrame, columns: dict) -> None:
    """An HR list of people (name, username, department, then `columns`), its empty state, its exports."""
    if df.empty:
        st.success(tr(f"training.hr.no_{section}"), icon=":material/task_alt:")
        return
    table = pd.DataFrame(
        {
            tr("field.full_name"): df["full_name"],
            tr("field.username"): df["username"],
            tr("field.department"): df["department"].fillna("—"),
            **columns,
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    # The files are built on every run once shown (an Excel file of 10,000 rows takes about a second).
    if st.toggle(tr("training.hr.export"), key=f"{section}_export_on"):
        download_buttons(table, f"training-{section}", f"training.{section}", key=f"{section}_export")


def hr_view() -> None:
    hr = read(assignments.hr_view)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(tr("training.hr.learners"), hr.learners)
    pct = round(100 * hr.certified / hr.learners) if hr.learners else 0
    c2.metric(tr("training.hr.certified"), hr.certified, help=tr("training.hr.certified_help", pct=pct))
    c3.metric(tr("training.hr.overdue_people"), hr.overdue["username"].nunique())
    c4.metric(tr("training.hr.recertify_people"), len(hr.recertify))
    assign_form()

    st.subheader(tr("training.hr.assignments"))
    if hr.assignments.empty:
        st.info(tr("training.hr.no_assignments"), icon=":material/assignment:")
    else:
        a = hr.assignments
        st.dataframe(
            pd.DataFrame(
                {
                    tr("training.col.module"): a["module"].map(titles),
                    tr("training.col.for"): [scope_text(r) for r in a.itertuples()],
                    tr("training.col.due_on"): a["due_on"],
                    tr("training.col.people"): a["people"],
                    tr("training.col.passed"): a["passed"],
                    tr("training.col.late"): a["late"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        labels = {r.id: f"{titles[r.module]} · {scope_text(r)} · {day(r.due_on)}" for r in a.itertuples()}
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        picked = c1.selectbox(
            tr("training.hr.withdraw_pick"),
            list(labels),
            format_func=labels.get,
            key=f"withdraw_pick_{L}",
            index=None,
            placeholder=tr("training.hr.pick_assignment"),
        )
        if c2.button(tr("training.hr.withdraw"), key="withdraw_submit", disabled=picked is None):
            if write(assignments.cancel_assignment, picked)[0]:
                flash(tr("training.hr.withdrawn"))
                st.rerun()

    st.subheader(tr("training.hr.overdue"))
    o = hr.overdue
    people_list(
        "overdue",
        o,
        {
            tr("training.col.module"): o["module"].map(titles),
            tr("training.col.due_on"): o["due_on"],
            tr("training.col.days_late"): o["days_late"],
        },
    )
    st.subheader(tr("training.hr.recertify"))
    st.caption(tr("training.hr.recertify_caption"))
    r = hr.recertify
    people_list(
        "recertify",
        r,
        {
            tr("training.col.outdated_modules"): r["outdated_modules"],
            tr("training.col.guidelines_changed"): r["guidelines_changed"],
            tr("training.col.expired"): r["expired"],
            tr("training.col.expires_at"): [day(e) if pd.notna(e) else "—" for e in r["expires_at"]],
        },
    )

    quiz_ui.required_form()
    quiz_ui.alert_contacts_form()
    st.subheader(tr("training.hr.settings"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    months = c1.number_input(
        tr("training.hr.months"),
        min_value=1,
        max_value=certificate.MAX_MONTHS,
        step=1,
        value=hr.months,
        key="cert_months",
        help=tr("training.hr.months_help"),
    )
    if c2.button(tr("training.hr.save"), key="cert_months_save"):
        if write(certificate.set_certification_months, int(months))[0]:
            flash(tr("training.hr.months_saved", n=int(months)))
            st.rerun()


header()
names = [tr("training.tab.modules"), tr("training.tab.guidelines"), tr("training.tab.certificate")]
if who.has("hr"):
    names.append(tr("training.tab.hr"))
views = [modules_view, guidelines_view, certificate_view, hr_view]
# Keyed and tracked, the selected tab survives reruns; only the open one is computed.
for tab, view in zip(st.tabs(names, key="training_tab", on_change="rerun"), views):
    if tab.open:
        with tab:
            view()
