"""Training sections added by issue 13: the drawn quiz, the review of an attempt (score, questions
missed, lessons to re-read, never the answer key), key takeaways, the module's path badge, the
alert contacts under the guidelines, the printable do-and-don't sheet, and HR's choice of the
required modules and of the alert contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import streamlit as st

from lib.training import academy as training
from lib.training import alerts, sheet
from lib.training.assignments import required_modules, set_required_modules
from lib.training.catalogue import Module, load_modules
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.widgets import plain, when

BadgeColor = Literal["violet", "gray"]
PATH_STYLE: dict[str, tuple[BadgeColor, str]] = {
    "core": ("violet", ":material/star:"),
    "recommended": ("gray", ":material/thumb_up:"),
}


def path_badge(state: training.ModuleState) -> None:
    """The module's path (core, recommended, a role's) and whether it is required of this person."""
    m = state.module
    if m.path == "role":
        st.badge(tr(f"training.path.role.{m.role}"), color="orange", icon=":material/badge:")
    else:
        color, icon = PATH_STYLE[m.path]
        st.badge(tr(f"training.path.{m.path}"), color=color, icon=icon)
    if state.required and m.path != "core":
        st.badge(tr("training.path.required"), color="red", icon=":material/priority_high:")


def takeaways_view(module: Module) -> None:
    """The module's key takeaways, shown at the end of its last lesson."""
    items = "\n".join(f"- {text}" for text in module.takeaways(lang()))
    st.info(f"**{tr('training.takeaways')}**\n\n{items}", icon=":material/lightbulb:")


def quiz_view(state: training.ModuleState, go: Callable) -> None:
    """The quiz drawn for this person (the same until sent); options in the order drawn."""
    m, language = state.module, lang()
    ok, quiz = write(training.open_quiz, m.slug)
    if not ok:
        return
    st.subheader(tr("training.quiz.title"))
    st.caption(tr("training.quiz.intro", attempt=quiz.attempt, n=len(quiz.questions), mark=quiz.pass_mark))
    prefix = f"quiz_{m.slug}_{quiz.attempt}"
    with st.form("training_quiz"):
        for n, q in enumerate(quiz.questions, start=1):
            st.markdown(f"**{n}. {q.prompt[language]}**")
            texts = {oid: text[language] for oid, text in q.options}
            if q.kind == "single":
                # one widget per language: a switch cannot send back a label of the other one
                st.radio(
                    q.prompt[language],
                    list(texts),
                    format_func=texts.get,
                    index=None,
                    key=f"{prefix}_{q.id}_{language}",
                    label_visibility="collapsed",
                )
            else:
                for oid, text in texts.items():
                    st.checkbox(text, key=f"{prefix}_{q.id}_{oid}")
            st.divider()
        submitted = st.form_submit_button(tr("training.quiz.submit"), type="primary")
    if submitted:
        answers = {}
        for q in quiz.questions:
            if q.kind == "single":
                choice = st.session_state.get(f"{prefix}_{q.id}_{language}")
                answers[q.id] = [choice] if choice else []
            else:
                answers[q.id] = [
                    oid for oid, _ in q.options if st.session_state.get(f"{prefix}_{q.id}_{oid}")
                ]
        ok, result = write(training.submit_quiz, m.slug, answers)
        if ok:
            if result[1] is not None:
                flash(tr("training.certified_now"))
            go("result")
            st.rerun()


def result_view(state: training.ModuleState, go: Callable) -> None:
    """The last attempt: score, each question right or wrong, the lessons to re-read."""
    m, language = state.module, lang()
    review = read(training.attempt_review, state.last_attempt_id)
    if review is None:
        st.info(tr("training.review.unavailable"))
    else:
        st.caption(tr("training.review.attempt", n=review.number))
        (st.success if review.passed else st.error)(
            tr(
                "training.result.passed" if review.passed else "training.result.failed",
                score=review.score,
                mark=review.pass_mark,
                right=review.right,
                total=len(review.items),
            )
        )
        st.caption(tr("training.result.when", when=when(review.submitted_at)))
        if review.wrong_lessons:
            st.markdown(f"**{tr('training.review.lessons_to_reread')}**")
            for i in review.wrong_lessons:
                st.button(
                    f"{i + 1}. {m.lessons[i]['title'][language]}",
                    key=f"reread_{i}",
                    icon=":material/menu_book:",
                    on_click=go,
                    args=(i,),
                )
        st.caption(tr("training.review.legend"))
        for n, item in enumerate(review.items, start=1):
            with st.container(border=True):
                st.markdown(f"**{n}. {item.prompt[language]}**")
                if item.right:
                    st.badge(tr("training.review.right"), color="green", icon=":material/check:")
                    st.caption(item.explanation[language])
                else:
                    st.badge(tr("training.review.wrong"), color="red", icon=":material/close:")
                    st.caption(
                        tr(
                            "training.review.reread",
                            n=item.lesson_index + 1,
                            title=item.lesson_title[language],
                        )
                    )
    st.button(
        tr("training.retry"),
        key="training_retry",
        type="primary",
        icon=":material/replay:",
        on_click=go,
        args=("quiz",),
    )


def alert_contacts_view() -> None:
    """The contacts HR set, right under the guidelines (section "Know whom to alert")."""
    contacts = read(lambda session, _actor: alerts.contacts(session))
    lines = [
        f"- **{tr(f'training.alerts.{field}')}**{tr('training.alerts.colon')}"
        f"{plain(contacts[field]) if contacts[field] else tr('training.alerts.unset')}"
        for field in alerts.FIELDS
    ]
    st.warning(f"**{tr('training.alerts.title')}**\n\n" + "\n".join(lines), icon=":material/campaign:")


def sheet_download() -> None:
    """The printable one-page do-and-don't sheet, in the interface language."""
    language = lang()
    st.download_button(
        tr("training.sheet.download"),
        read(lambda session, _actor: sheet.sheet_html(session, language)),
        file_name=f"porte-voix-do-and-dont-{language}.html",
        mime="text/html",
        key=f"sheet_download_{language}",
        icon=":material/print:",
    )
    st.caption(tr("training.sheet.caption"))


def required_form() -> None:
    """HR: which modules everyone must pass (certification follows)."""
    language, current = lang(), read(required_modules)
    titles = {m.slug: m.text("title", language) for m in load_modules()}
    st.subheader(tr("training.hr.required"))
    st.caption(tr("training.hr.required_help"))
    chosen = st.multiselect(
        tr("field.training_required"),
        list(titles),
        default=[slug for slug in titles if slug in current],
        format_func=lambda slug: titles[slug],
        key=f"required_modules_{language}",
    )
    if (
        st.button(tr("training.hr.required_save"), key="required_save")
        and write(set_required_modules, chosen)[0]
    ):
        flash(tr("training.hr.required_saved"))
        st.rerun()


def alert_contacts_form() -> None:
    """HR: the alert contacts shown in the guidelines and on the sheet."""
    contacts = read(lambda session, _actor: alerts.contacts(session))
    st.subheader(tr("training.alerts.edit"))
    st.caption(tr("training.alerts.edit_help"))
    with st.form("alert_contacts"):
        office = st.text_area(
            tr("field.alerts_office"), value=contacts["office"], max_chars=alerts.MAX_LENGTH
        )
        out_of_hours = st.text_area(
            tr("field.alerts_out_of_hours"), value=contacts["out_of_hours"], max_chars=alerts.MAX_LENGTH
        )
        saved = st.form_submit_button(tr("training.alerts.save"))
    if saved and write(alerts.set_contacts, office, out_of_hours)[0]:
        flash(tr("training.alerts.saved"))
        st.rerun()
