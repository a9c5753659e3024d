"""Participation › Follow-up: who is late, inactive or new, and a reminder to them by e-mail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.core.permissions import can
from lib.core.screens import allowed
from lib.insight import followup, participation
from lib.insight.measures import ACTIVE_DAYS
from lib.ui.participation.common import PERSON_COLUMNS, Context, cols, safe_read, table
from lib.ui.shell import read, tr
from lib.ui.widgets import day


def people_list(ctx: Context, which: str, extra: dict[str, str]) -> pd.DataFrame:
    df = safe_read(followup.follow_up, ctx.scope, which)
    if df.empty:
        st.success(tr(f"participation.list_empty.{which}"), icon=":material/task_alt:")
    else:
        if "module" in df:
            df = df.assign(module=df["module"].map(ctx.titles))
        st.caption(tr("participation.list_count", n=len(df)))
        table(
            df,
            cols(**PERSON_COLUMNS) | extra,
            f"participation_{which}",
            f"participation.{which}",
            ctx.scope_label,
            {"certificate_expires": "date"},
            {"email": None},  # in the downloads and the reminder below; the screen keeps to the width
        )
    return df


def follow_up_tab(ctx: Context) -> None:
    st.caption(tr("participation.follow_up_caption", date=day(ctx.today)))
    lists = {}
    st.subheader(tr("participation.overdue"))
    lists["overdue"] = people_list(
        ctx,
        "overdue",
        cols(
            module="participation.col.module",
            due_on="participation.col.due_on",
            days_late="participation.col.days_late",
        ),
    )
    st.subheader(tr("participation.inactive", days=ACTIVE_DAYS))
    lists["inactive"] = people_list(
        ctx, "inactive", cols(last_contribution="participation.col.last_contribution")
    )
    st.subheader(tr("participation.new_joiners"))
    st.caption(tr("participation.new_joiners_caption", days=read(participation.settings).new_joiner_days))
    lists["new_joiners"] = people_list(
        ctx,
        "new_joiners",
        cols(
            start_date="participation.col.start_date", days_since_start="participation.col.days_since_start"
        ),
    )
    reminders(lists)
    st.subheader(tr("participation.assign"))
    if can(ctx.who, "training.assign") and allowed("training", ctx.who.roles):
        st.page_link(
            "pages/training.py", label=tr("participation.assign_link"), icon=":material/assignment_add:"
        )
        st.caption(tr("participation.assign_caption"))
    else:
        st.caption(tr("participation.assign_hr_only"))


def reminders(lists: dict[str, pd.DataFrame]) -> None:
    st.subheader(tr("participation.reminder"))
    names = {w: tr(f"participation.list.{w}", n=df["email"].nunique()) for w, df in lists.items()}
    which = st.radio(
        tr("participation.reminder_list"),
        list(names),
        horizontal=True,
        key="part_reminder",
        format_func=names.get,
    )
    addresses = sorted(set(lists[which]["email"]))
    if not addresses:
        st.caption(tr("participation.reminder_empty"))
        return
    link = followup.mailto(
        addresses, tr(f"participation.mail_subject.{which}"), tr(f"participation.mail_body.{which}")
    )
    if link:
        st.link_button(tr("participation.reminder_open", n=len(addresses)), link, icon=":material/mail:")
    else:
        st.caption(tr("participation.reminder_too_long", n=len(addresses)))
    st.caption(tr("participation.reminder_copy"))
    st.code(", ".join(addresses), language=None, wrap_lines=True)
