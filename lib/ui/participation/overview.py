"""Participation › Overview: the programme funnel for a period, by group, the leaderboard and the
privacy settings."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.insight import participation
from lib.insight.charts import stage_funnel
from lib.insight.participation import STAGES, stage_help, stage_label
from lib.ui.participation.common import Context, cols, hidden_note, safe_read, table
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.standings import standings
from lib.ui.widgets import date_format, day, number, percent

LEADERBOARD_TOP = 10


def overview_tab(ctx: Context) -> None:
    period = st.date_input(
        tr("participation.period"),
        value=(ctx.today - timedelta(days=29), ctx.today),
        max_value=ctx.today,
        key="part_period",
        format=date_format(),
    )
    if len(period) != 2:
        st.info(tr("participation.period_incomplete"), icon=":material/date_range:")
        return
    f = safe_read(participation.funnel, ctx.scope, *period)
    st.caption(tr("participation.funnel_caption", start=day(period[0]), end=day(period[1])))
    if f.hidden:
        st.info(tr("participation.hidden_scope", n=f.min_group_size), icon=":material/visibility_off:")
        return
    if not f.stages["people"].iloc[0]:
        st.info(tr("participation.empty"), icon=":material/group_add:")
        return
    stage_names = [stage_label(s, lang()) for s in STAGES]
    for column, name, row in zip(st.columns(len(STAGES)), stage_names, f.stages.itertuples(), strict=True):
        share = None if pd.isna(row.share) else tr("participation.of_previous", pct=percent(row.share))
        column.metric(
            name,
            number(row.people),
            share,
            delta_color="off",
            delta_arrow="off",
            help=stage_help(row.stage, lang()),
        )
    chart = stage_funnel(stage_names, f.stages["people"], lang())
    st.plotly_chart(chart, width="stretch", key="part_funnel_chart")
    stages = f.stages.assign(stage=stage_names)
    table(
        stages,
        cols(
            stage="participation.col.stage",
            people="participation.col.people",
            share="participation.col.share_previous",
        ),
        "participation_funnel",
        "participation.funnel",
        ctx.scope_label,
        {"share": "share"},
    )

    st.subheader(tr("participation.by_group", group=ctx.group_word))
    groups = f.groups.assign(group=ctx.group_names(f.groups), note=hidden_note(f.groups, f.min_group_size))
    table(
        groups,
        {"group": ctx.group_label}
        | {s: stage_label(s, lang()) for s in STAGES}
        | cols(note="participation.col.note"),
        "participation_funnel_by_group",
        "participation.funnel_groups",
        ctx.scope_label,
    )
    st.caption(tr("participation.privacy_caption", n=f.min_group_size))
    leaderboard(ctx, *period)
    settings_form()


def leaderboard(ctx: Context, start, end) -> None:
    """The top ambassadors of the period, company-wide; those who opted out stay anonymous."""
    st.subheader(tr("participation.leaderboard"))
    if not st.toggle(tr("participation.leaderboard_show"), key="part_leaderboard"):
        return
    top = standings(start, end).for_person(ctx.who.user_id, LEADERBOARD_TOP)
    top = top[top["rank"] <= LEADERBOARD_TOP]
    if top.empty:
        st.info(tr("participation.leaderboard_empty"), icon=":material/emoji_events:")
        return
    st.caption(tr("participation.leaderboard_caption", n=LEADERBOARD_TOP))
    names = top["name"].fillna(tr("recognition.anonymous"))
    table(
        top.assign(name=names),
        cols(
            rank="recognition.col.rank",
            name="recognition.col.name",
            team="recognition.col.team",
            points="recognition.col.points",
        ),
        "participation_leaderboard",
        "participation.leaderboard",
        f"{start}/{end}",
    )


def settings_form() -> None:
    current = read(participation.settings)
    with st.expander(tr("participation.settings"), icon=":material/tune:"), st.form("part_settings"):
        c1, c2 = st.columns(2)
        minimum = c1.number_input(
            tr("field.participation.min_group_size"),
            min_value=2,
            max_value=100,
            step=1,
            value=current.min_group_size,
            help=tr("participation.min_group_help"),
        )
        days = c2.number_input(
            tr("field.participation.new_joiner_days"),
            min_value=7,
            max_value=365,
            step=1,
            value=current.new_joiner_days,
            help=tr("participation.new_joiner_help"),
        )
        if (
            st.form_submit_button(tr("participation.settings_save"))
            and write(participation.save_settings, int(minimum), int(days))[0]
        ):
            flash(tr("participation.settings_saved"))
            st.rerun()
