"""Training sections for the learner: where I stand, the modules (lessons, quiz, explained
results), the posting guidelines to confirm, and my certificate."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from lib.core.permissions import Actor
from lib.training import academy as training
from lib.training import certificates as certificate
from lib.training.catalogue import load_modules, policy
from lib.ui import training_quiz as quiz_ui
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.widgets import day as ui_day
from lib.ui.widgets import plain

BadgeColor = Literal["gray", "blue", "green", "orange", "red"]
STATUS_STYLE: dict[str, tuple[BadgeColor, str]] = {
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


def module_titles() -> dict[str, str]:
    """{module slug: its title in the interface language}."""
    return {m.slug: m.text("title", lang()) for m in load_modules()}


def day(value) -> str:
    return ui_day(value)


def todo_text(me: training.Overview) -> str:
    parts = []
    if left := me.required - me.count("passed"):
        parts.append(tr("training.todo.modules", n=left, total=me.required))
    if me.must_acknowledge:
        parts.append(tr("training.todo.guidelines"))
    return " ".join(parts)


def header(me: training.Overview) -> None:
    titles = module_titles()
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("training.metric.modules"), f"{me.count('passed')} / {me.required}")
    c2.metric(
        tr("training.metric.guidelines"),
        tr("training.metric.to_confirm")
        if me.must_acknowledge
        else tr("training.metric.confirmed", version=me.policy_version),
    )
    cert, explain = me.certificate, tr("training.metric.certification_help")
    if me.certified and cert is not None:  # certified means a certificate exists
        c3.metric(tr("training.metric.certified_until"), day(cert.expires_at), help=explain)
        st.success(tr("training.cert.valid", date=day(cert.expires_at)), icon=":material/verified:")
    else:
        c3.metric(tr("training.metric.certification"), tr("training.metric.not_certified"), help=explain)
        if cert is not None:
            st.warning(tr("training.cert.renew", todo=todo_text(me)), icon=":material/update:")
        else:
            st.info(tr("training.cert.none", todo=todo_text(me)), icon=":material/school:")
    late = [m for m in me.modules if m.status == "overdue"]
    if late:
        lines = "\n".join(
            f"- **{titles[m.module.slug]}** · {tr('training.due_on', date=day(m.due_on))}" for m in late
        )
        st.error(f"{tr('training.todo.overdue')}\n{lines}", icon=":material/schedule:")


def open_module(me: training.Overview, slug: str) -> None:
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


def catalogue_view(me: training.Overview) -> None:
    titles = module_titles()
    language = lang()
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
            st.markdown(m.text("summary", language))
            st.button(
                tr(f"training.open.{OPEN_LABEL[state.status]}"),
                key=f"open_{m.slug}",
                on_click=open_module,
                args=(me, m.slug),
            )


def lesson_view(state, index: int) -> None:
    language = lang()
    m, lesson = state.module, state.module.lessons[index]
    st.subheader(lesson["title"][language])
    st.caption(tr("training.lesson_n", n=index + 1, total=len(m.lessons)))
    st.markdown(lesson["body"][language])
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
    if (
        right.button(label, key="lesson_read", type="primary", icon=":material/check:")
        and write(training.mark_lesson_read, m.slug, lesson["id"])[0]
    ):
        go("quiz" if last else index + 1)
        st.rerun()


def quiz_view(state) -> None:
    quiz_ui.quiz_view(state, go)


def result_view(state) -> None:
    quiz_ui.result_view(state, go)


def module_view(me: training.Overview, slug: str) -> None:
    titles = module_titles()
    language = lang()
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
                f"{i + 1}. {lesson['title'][language]}",
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


def modules_view(me: training.Overview) -> None:
    titles = module_titles()
    opened = st.session_state.get("training_open")
    if opened in titles:
        module_view(me, opened)
    else:
        catalogue_view(me)


def guidelines_view(me: training.Overview) -> None:
    language = lang()
    pol = policy()
    st.subheader(pol["title"][language])
    st.caption(tr("training.policy.version", version=pol["version"], date=pol.get("effective_date", "")))
    with st.container(height=460, border=True):
        st.markdown(pol["body"][language])
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


def certificate_view(me: training.Overview, who: Actor) -> None:
    language = lang()
    cert = me.certificate
    if not me.certified or cert is None:  # certified means a certificate exists
        st.info(tr("training.certificate.missing", todo=todo_text(me)), icon=":material/workspace_premium:")
        return
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
        read(certificate.certificate_html, language),
        file_name=f"porte-voix-certificate-{who.username}-{day(cert.issued_at)}.html",
        mime="text/html",
        key="certificate_download",
        icon=":material/download:",
        type="primary",
    )
    st.caption(tr("training.certificate.print_hint"))
