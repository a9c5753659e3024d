"""Content library sections: share-ready posts to copy and share; HR and communications publish
them and set the post checker's lists."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from lib.activity import content_library as content
from lib.activity import post_checker
from lib.core.db import session_scope
from lib.core.models import utcnow
from lib.core.permissions import Actor, can
from lib.core.vocab import PLATFORMS
from lib.insight.leadership import data_version
from lib.ui.shell import engine, flash, lang, read, tr, write
from lib.ui.widgets import (
    date_format,
    day,
    is_web_link,
    labels_of,
    number,
    plain,
    post_checker_panel,
    vocab,
    vocab_labels,
)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _share_stats(database: str, version: int, item_ids: tuple[int, ...], _reader: Actor) -> pd.DataFrame:
    with session_scope(engine(), write=False) as session:
        return content.share_stats(session, _reader, item_ids)


def shared_stats(session: Session, actor: Actor, item_ids: tuple[int, ...]) -> pd.DataFrame:
    """The items' share figures, computed once for every reader while the data version (bumped by
    every change to contributions) is unchanged, instead of on each visit of each person."""
    return _share_stats(str(engine().url), data_version(session), item_ids, actor)


def done(message_key: str) -> None:
    flash(tr(message_key))
    st.rerun()


def checker_tab() -> None:
    st.caption(tr("checker.intro"))
    post_checker_panel("library_checker")


# --- current items -------------------------------------------------------------------------


def item_card(item, who: Actor) -> None:
    today = utcnow().date()
    with st.container(border=True):
        st.markdown(f"**{plain(item.title)}**")
        if item.required:
            st.badge(tr("library.required"), icon=":material/priority_high:", color="orange")
        until = tr("library.until", day=day(item.ends_on)) if item.ends_on else tr("library.no_end")
        st.caption(
            " · ".join(
                x
                for x in (
                    plain(item.campaign) if item.campaign else None,
                    ", ".join(vocab(p) for p in item.platforms),
                    until,
                    tr("library.shared_count", n=item.shares, mine=item.my_shares),
                )
                if x
            )
        )
        mine, other = ("text_fr", "text_en") if lang() == "fr" else ("text_en", "text_fr")
        # The post as it will read: ordinary text, not a monospace code block.
        with st.container(border=True):
            st.markdown(plain(getattr(item, mine)).replace("\n", "  \n"))
        with st.expander(tr("library.copy_text"), icon=":material/content_copy:"):
            st.code(getattr(item, mine), language=None, wrap_lines=True)  # for its copy button
        with st.expander(tr("library.other_language")):
            st.markdown(plain(getattr(item, other)).replace("\n", "  \n"))
        c1, c2, _ = st.columns([1, 1, 2])
        if is_web_link(item.url):
            c1.link_button(tr("library.open_link"), item.url, icon=":material/open_in_new:")
        if can(who, "contributions.log") and c2.button(
            tr("library.i_shared"), key=f"library_shared_{item.id}", icon=":material/check:", type="primary"
        ):
            ok, prefill = write(content.share_prefill, item.id, today)
            if ok:
                st.session_state["contribution_prefill"] = prefill
                st.switch_page("pages/my_contributions.py")


def current_tab(who: Actor) -> None:
    """The items on offer today, with a way to log that I shared one."""
    today = utcnow().date()
    editor = can(who, "content.publish")
    platform = st.selectbox(
        tr("field.library.platforms"),
        PLATFORMS,
        index=None,
        format_func=vocab_labels(),
        placeholder=tr("library.all_platforms"),
        key=f"library_platform_{lang()}",
    )
    items = read(content.current_items, today, platform, stats=shared_stats)
    if items.empty:
        st.info(tr("library.empty_editor" if editor else "library.empty"), icon=":material/info:")
    for item in items.itertuples():
        item_card(item, who)


# --- publishing (HR, admin) ----------------------------------------------------------------


def item_form(form: str, values: dict, submit: str) -> dict | None:
    today = utcnow().date()
    campaigns = read(content.campaigns)
    with st.form(form):
        c1, c2 = st.columns([2, 1])
        out = {
            "title": c1.text_input(
                tr("field.library.title"), value=values.get("title", ""), key=f"{form}_title"
            )
        }
        current = values.get("campaign") or None
        out["campaign"] = c2.selectbox(
            tr("field.library.campaign"),
            campaigns,
            accept_new_options=True,
            placeholder=tr("library.campaign_help"),
            key=f"{form}_campaign",
            index=campaigns.index(current) if current in campaigns else None,
        )
        c1, c2 = st.columns(2)
        out["text_en"] = c1.text_area(
            tr("field.library.text_en"), value=values.get("text_en", ""), height=160, key=f"{form}_text_en"
        )
        out["text_fr"] = c2.text_area(
            tr("field.library.text_fr"), value=values.get("text_fr", ""), height=160, key=f"{form}_text_fr"
        )
        out["url"] = st.text_input(
            tr("field.library.url"), value=values.get("url", ""), placeholder="https://", key=f"{form}_url"
        )
        c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
        out["platforms"] = c1.multiselect(
            tr("field.library.platforms"),
            PLATFORMS,
            format_func=vocab_labels(),
            default=values.get("platforms", ["linkedin"]),
            key=f"{form}_platforms_{lang()}",
        )  # per language: no stale label
        out["starts_on"] = c2.date_input(
            tr("field.library.starts_on"),
            value=values.get("starts_on", today),
            format=date_format(),
            key=f"{form}_starts_on",
        )
        out["ends_on"] = c3.date_input(
            tr("field.library.ends_on"),
            value=values.get("ends_on"),
            format=date_format(),
            key=f"{form}_ends_on",
        )
        out["required"] = c4.checkbox(
            tr("field.library.required"),
            value=values.get("required", False),
            help=tr("library.required_help"),
            key=f"{form}_required",
        )
        if st.form_submit_button(submit, type="primary"):
            return out
    return None


def manage_tab() -> None:
    today = utcnow().date()
    items = read(content.all_items, today, stats=shared_stats)
    if items.empty:
        st.info(tr("library.none_yet"), icon=":material/info:")
    else:
        table = items.assign(
            state=items["state"].map(lambda s: tr(f"library.state.{s}")),
            platforms=items["platforms"].map(lambda ps: ", ".join(vocab(p) for p in ps)),
        )[
            [
                "id",
                "title",
                "campaign",
                "state",
                "starts_on",
                "ends_on",
                "required",
                "platforms",
                "shares",
                "sharers",
                "impressions",
                "engagement",
                "clicks",
            ]
        ]
        # Which items performed: shares, people, and the reach and engagement those shares recorded.
        st.caption(tr("library.performance_help"))
        table = table.sort_values("shares", ascending=False)
        for column in ("shares", "sharers", "impressions", "engagement", "clicks"):
            table[column] = table[column].map(number)  # the interface language's separators
        st.dataframe(
            table.rename(columns=lambda c: tr(f"library.col.{c}")),
            hide_index=True,
            width="stretch",
            placeholder="—",
        )
    titles = dict(zip(items["id"], items["title"], strict=True))
    picked = st.selectbox(
        tr("library.pick"),
        [None, *titles],
        key=f"library_pick_{lang()}",
        format_func=labels_of(
            [None, *titles], lambda i: tr("library.new_item") if i is None else f"#{i} · {titles[i]}"
        ),
    )
    if picked is None:
        generation = st.session_state.setdefault("library_form_generation", 0)
        submitted = item_form(f"library_new_{generation}", {}, tr("library.publish"))
        if submitted is not None and write(content.save_item, None, **submitted)[0]:
            st.session_state["library_form_generation"] = generation + 1
            done("library.published")
        return
    submitted = item_form(f"library_edit_{picked}", read(content.get_item, picked), tr("library.save"))
    if submitted is not None and write(content.save_item, picked, **submitted)[0]:
        done("library.saved")
    archived = bool(items.set_index("id").at[picked, "archived"])
    clicked = st.button(
        tr("library.restore" if archived else "library.archive"),
        key="library_archive",
        icon=":material/unarchive:" if archived else ":material/archive:",
    )
    if clicked and write(content.set_archived, picked, not archived)[0]:
        done("library.restored" if archived else "library.archived")


def checker_settings() -> None:
    """HR/admin: the lists the post checker reads at run time, one entry per line."""
    saved = read(post_checker.settings)
    with st.form("checker_settings"):
        values = {
            key: st.text_area(
                tr(f"field.{key}"), value="\n".join(saved[key]), help=tr(f"{key}_help"), key=f"library_{key}"
            ).splitlines()
            for key in post_checker.SETTINGS
        }
        clicked = st.form_submit_button(tr("checker.settings_submit"))
        if clicked and write(post_checker.update_settings, values)[0]:
            done("checker.settings_saved")
