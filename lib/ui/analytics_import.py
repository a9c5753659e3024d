"""Sections for platform figures: the analytics import (My contributions › Import and export),
the HR review queue, and the provenance and review columns of a contribution list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.activity import analytics_import as imports
from lib.activity import review
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.i18n import label
from lib.core.permissions import Actor, can
from lib.ui.shell import flash, lang, read, show_error, tr, write
from lib.ui.standings import forget_standings
from lib.ui.widgets import data_table, day, number, when, zone

SHOWN = (
    "status",
    "occurred_on",
    "url",
    "impressions",
    "engagements",
    "reactions",
    "comments",
    "shares",
    "clicks",
)


def reasons_text(codes: str | list | None) -> str:
    """Review reason codes as one sentence in the interface language."""
    if isinstance(codes, str):
        items = codes.split(",")
    elif isinstance(codes, list | tuple):
        items = list(codes)
    else:  # None or a missing value (NaN) in a column where some rows have reasons
        items = []
    return "; ".join(tr(f"review.reason.{c}") for c in items if c)


def import_section(who: Actor) -> None:
    """Upload a LinkedIn or X analytics export, preview what it changes, then import it. HR and
    administrators may name the person whose export it is."""
    title = "analytics.title_for" if can(who, "analytics.import_for_others") else "analytics.title"
    st.subheader(tr(title))
    st.markdown(tr("analytics.help"))
    username = None
    if can(who, "analytics.import_for_others"):
        username = (
            st.text_input(tr("analytics.person"), value=who.username, key="analytics_user").strip() or None
        )
    generation = st.session_state.setdefault("analytics_generation", 0)
    upload = st.file_uploader(
        tr("analytics.upload"), type=["xlsx", "csv"], key=f"analytics_upload_{generation}"
    )
    if upload is None:
        _history(username)
        return
    data, name = upload.getvalue(), upload.name
    try:
        plan = read(imports.preview, data, name, username)
    except (ValidationError, NotFound, PermissionDenied) as exc:
        show_error(exc)
        return
    if not plan.changes:
        st.info(tr("analytics.nothing"), icon=":material/done_all:")
        return
    st.info(
        tr(
            "analytics.preview",
            platform=label(plan.export.platform, lang()),
            create=plan.count("create"),
            update=plan.count("update"),
            unchanged=plan.count("unchanged"),
            days=len(plan.new_days) + len(plan.changed_days),
            held=plan.held,
        ),
        icon=":material/preview:",
    )
    table = pd.DataFrame(plan.rows)
    table = table.assign(
        status=table["status"].map(lambda s: tr(f"analytics.status.{s}")),
        reasons=table["reasons"].map(reasons_text),
    )[[*SHOWN, "reasons"]]
    data_table(
        table.rename(columns={c: tr(f"analytics.col.{c}") for c in table.columns}),
        column_config={tr("analytics.col.url"): st.column_config.LinkColumn(tr("analytics.col.url"))},
    )
    if st.button(tr("analytics.commit"), type="primary", key="analytics_commit", icon=":material/upload:"):
        ok, done = write(imports.apply, data, name, username)
        if ok:
            st.session_state["analytics_generation"] = generation + 1
            forget_standings()
            flash(
                tr(
                    "analytics.done",
                    create=done.count("create"),
                    update=done.count("update"),
                    days=len(done.new_days) + len(done.changed_days),
                )
            )
            st.rerun()


def _history(username: str | None) -> None:
    try:
        past = read(imports.history, username)
    except (NotFound, PermissionDenied) as exc:
        show_error(exc)
        return
    if not past:
        return
    st.markdown(f"**{tr('analytics.history')}**")
    df = pd.DataFrame(past).drop(columns="id")
    df = df.assign(
        platform=df["platform"].map(lambda c: label(c, lang())),
    )
    data_table(
        df.rename(columns={c: tr(f"analytics.col.{c}", zone=zone()) for c in df.columns}),
        {tr("analytics.col.imported_at", zone=zone()): "datetime"},
    )


def provenance(rows: pd.DataFrame) -> pd.DataFrame:
    """A contribution list's provenance and review columns, in words: where the figures come
    from (typed, which export and when, corrected by HR) and the review status with its reasons."""

    def source(r) -> str:
        if r.figures_source == "imported" and isinstance(r.source_file, str):
            return tr("provenance.imported_from", file=r.source_file, at=when(r.figures_at))
        return tr(f"provenance.{r.figures_source}")

    return rows.assign(
        figures_source=[source(r) for r in rows.itertuples()],
        review=rows["review"].map(lambda s: tr(f"review.{s}")),
        review_reasons=rows["review_reasons"].map(lambda c: reasons_text(c) or None),
    ).drop(columns=["source_file", "figures_at"])


def review_section() -> None:
    """HR: the contributions held for review, and a decision on one of them."""
    st.subheader(tr("review.title"))
    st.caption(tr("review.help"))
    queue = read(review.queue)
    if queue.empty:
        st.info(tr("review.empty"), icon=":material/verified:")
        return
    st.warning(tr("review.waiting", n=len(queue)), icon=":material/pending_actions:")
    shown = queue.assign(
        platform=queue["platform"].map(lambda c: label(c, lang())),
        kind=queue["kind"].map(lambda c: label(c, lang())),
        reasons=queue["review_reasons"].map(reasons_text),
        figures_source=queue["figures_source"].map(lambda s: tr(f"provenance.{s}")),
    )
    columns = {
        "person": "review.col.person",
        "department": "review.col.department",
        "occurred_on": "contrib.col.occurred_on",
        "platform": "contrib.col.platform",
        "kind": "contrib.col.kind",
        "url": "contrib.col.url",
        "impressions": "contrib.col.impressions",
        "usual_reach": "review.col.usual_reach",
        "engagements": "contrib.col.engagements",
        "reactions": "contrib.col.reactions",
        "clicks": "contrib.col.clicks",
        "reasons": "review.col.reasons",
        "figures_source": "review.col.figures_source",
    }
    data_table(
        shown[list(columns)].rename(columns={c: tr(k) for c, k in columns.items()}),
        {tr("review.col.usual_reach"): "count"},
    )
    labels = {
        int(r.id): f"{r.person} · {day(r.occurred_on)} · {r.platform} · {number(r.impressions)} · {r.reasons}"
        for r in shown.itertuples()
    }
    picked = st.selectbox(
        tr("review.pick"),
        list(labels),
        format_func=labels.__getitem__,
        index=None,
        key=f"review_pick_{lang()}",
    )
    if picked is None:
        return
    row = queue.set_index("id").loc[picked]
    with st.form(f"review_{picked}"):
        note = st.text_area(tr("field.review.note"), key=f"review_note_{picked}")
        cols = st.columns(4)
        figures = {}
        for column, name in zip(cols, ("impressions", "engagements", "reactions", "clicks"), strict=True):
            current = row[name]
            figures[name] = column.number_input(
                tr(f"contrib.col.{name}"),
                value=None if pd.isna(current) else int(current),
                step=1,
                key=f"review_{name}_{picked}",
            )
        a, c, r = st.columns(3)
        decision = None
        if a.form_submit_button(tr("review.approve"), type="primary"):
            decision = "approve"
        if c.form_submit_button(tr("review.correct")):
            decision = "correct"
        if r.form_submit_button(tr("review.reject")):
            decision = "reject"
    if decision is not None:
        changed = {k: v for k, v in figures.items() if not (v is None and pd.isna(row[k])) and v != row[k]}
        ok, _ = write(
            review.decide, picked, decision, note=note, figures=changed if decision == "correct" else None
        )
        if ok:
            forget_standings()
            flash(tr(f"review.done.{decision}"))
            st.rerun()
