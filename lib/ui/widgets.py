"""Small widgets and text helpers shared by several screens: numbers in the interface language,
stored text made safe for markdown, web links, the post checker and the password form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from lib.activity import post_checker
from lib.core import formatting
from lib.core.i18n import label
from lib.core.vocab import PLATFORMS
from lib.people.accounts import change_password
from lib.ui.shell import flash, lang, read, session_began, tr, write


def number(value, decimals: int = 0) -> str:
    """`value` written for the interface language (1,234.5 / 1 234,5); "—" when unknown."""
    return formatting.number(value, lang(), decimals)


def vocab(code) -> str:
    """The label of a vocabulary code in the interface language; "—" for none."""
    return "—" if code is None else label(code, lang())


def vocab_labels() -> Callable[[Any], str]:
    """A widget's `format_func` for vocabulary codes, bound to this run's language.

    Streamlit (and AppTest) may call a widget's `format_func` outside the script run, where the
    session's language is not readable and a lazy `lang()` answers English: the French options
    then hold a value written in English ("'Original post' is not in list")."""
    language = lang()
    return lambda code: "—" if code is None else label(str(code), language)


def labels_of(options: Iterable, write: Callable[[Any], str]) -> Callable[[Any], str]:
    """A `format_func` from labels written now, during the run (see `vocab_labels`)."""
    labels = {option: write(option) for option in options}
    return lambda option: labels.get(option, "—")


def percent(share, decimals: int = 0) -> str:
    """A share (0.9) as a percentage for the interface language: "90%" / «90 %»."""
    return formatting.percent(share, lang(), decimals)


def zone() -> str:
    """The viewer's time zone: the browser's (Streamlit's context), UTC when it is not known."""
    return formatting.zone_name(st.context.timezone)


def day(value) -> str:
    """A date for the interface language: «1 déc. 2026» / "1 Dec 2026"."""
    return formatting.day(value, lang())


def when(moment) -> str:
    """A date-time in the viewer's zone, zone named: «1 déc. 2026, 14:05 (Europe/Paris)»."""
    return formatting.date_time(moment, lang(), zone())


def data_table(
    df: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    column_config: dict | None = None,
    **kwargs,
) -> None:
    """`st.dataframe` whose numbers and dates are written for the interface language («1 234»,
    «1er déc. 2026», date-times in the viewer's zone) while the cells keep their values, so that a
    click on a heading sorts numbers and dates as such. `kinds` as in `formatting.display_table`."""
    df = df.reset_index(drop=True)
    formats: dict = dict(formatting.cell_formats(df, lang(), kinds, zone()))
    st.dataframe(
        df.style.format(formats, na_rep="—") if formats else df,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config=column_config,
        **kwargs,
    )


def kept_tabs(labels: Mapping[str, str], key: str) -> Sequence:
    """`st.tabs` over {code: label} that track the open tab (only it runs: check `.open`) and keep
    it across an action's rerun and a change of language; `st.session_state[key]` holds its code."""
    codes, names = list(labels), list(labels.values())
    widget = f"{key}_{lang()}"  # the tabs send back their label, which changes with the language
    kept = str(st.session_state.get(key))
    if kept in labels:
        st.session_state[widget] = labels[kept]

    def remember() -> None:
        st.session_state[key] = codes[names.index(st.session_state[widget])]

    return st.tabs(names, key=widget, on_change=remember)


def date_format() -> str:
    """`st.date_input`'s `format` for the interface language (DD/MM/YYYY in French)."""
    return formatting.DATE_INPUT_FORMAT.get(lang(), "YYYY-MM-DD")


def plain(text) -> str:
    """Stored text (a name, a title) made safe to embed in markdown: its markup characters are escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", str(text))


def is_web_link(url) -> bool:
    """Whether a stored URL may be offered as a link (http or https only, whatever was stored)."""
    return isinstance(url, str) and url.lower().startswith(("https://", "http://"))


def post_checker_panel(key: str, platform: str = "linkedin") -> None:
    """A draft post and its platform, checked against the posting rules on demand: each finding
    with the guideline it comes from, or a plain "no issue found"."""
    with st.form(f"{key}_form"):
        text = st.text_area(
            tr("checker.draft"), placeholder=tr("checker.placeholder"), height=140, key=f"{key}_text"
        )
        chosen = st.selectbox(
            tr("checker.platform"),
            PLATFORMS,
            index=PLATFORMS.index(platform),
            format_func=vocab_labels(),
            key=f"{key}_platform_{lang()}",
        )
        submitted = st.form_submit_button(tr("checker.check"), icon=":material/fact_check:")
    if not submitted:
        return
    if not text.strip():
        st.info(tr("checker.empty"), icon=":material/info:")
        return
    limit = post_checker.platform_limit(chosen)
    st.caption(
        tr("checker.length", n=number(len(text)))
        if limit is None
        else tr("checker.length_limit", n=number(len(text)), limit=number(limit))
    )
    findings = read(post_checker.check_post, text, chosen)
    if not findings:
        st.success(tr("checker.ok"), icon=":material/check_circle:")
    elif len(findings) > 1:
        st.markdown(f"**{tr('checker.findings', n=len(findings))}**")
    else:
        st.markdown(f"**{tr('checker.finding_one')}**")
    company = read(post_checker.company_name) if findings else None
    for finding in findings:
        lines = [
            post_checker.explain(finding, lang(), plain),
            tr("checker.guideline", ref=post_checker.guideline_text(finding.guideline, lang())),
        ]
        good = post_checker.example(finding.rule, lang(), company)
        if good and finding.guideline.get("policy"):
            lines.append(tr("checker.example", text=plain(good)))
        st.warning("  \n".join(lines), icon=":material/warning:")


def password_change_form(key: str, current_label: str) -> None:
    """The change-password form (current, new, confirmation); on success flashes and reruns."""
    with st.form(key, clear_on_submit=True):
        st.subheader(tr("account.change_password"))
        current = st.text_input(tr(current_label), type="password")
        new = st.text_input(tr("field.new_password"), type="password", help=tr("password.help"))
        confirm = st.text_input(tr("field.password_confirm"), type="password")
        if st.form_submit_button(tr("account.change_password"), type="primary"):
            if new != confirm:
                st.error(tr("password.mismatch"))
            elif write(change_password, current=current, new=new)[0]:
                session_began()  # every other session ends; this one goes on, with a new cookie
                st.session_state["_issue_cookie"] = True
                flash(tr("account.password_changed"))
                st.rerun()
