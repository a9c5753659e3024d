"""Participation › Completion: modules passed by the scope's people, by group, and who must renew."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from lib.core import formatting as fmt
from lib.insight import participation
from lib.ui.participation.common import PERCENT, Context, cols, hidden_note, safe_read, table
from lib.ui.participation.follow_up import people_list
from lib.ui.shell import lang, tr
from lib.ui.widgets import plain


def completion_tab(ctx: Context) -> None:
    c = safe_read(participation.completion, ctx.scope)
    st.caption(tr("participation.completion_caption"))
    if c.hidden:
        st.info(tr("participation.hidden_scope", n=c.min_group_size), icon=":material/visibility_off:")
    elif not c.by_module["workforce"].iloc[0]:
        st.info(tr("participation.empty"), icon=":material/group_add:")
    else:
        st.subheader(tr("participation.by_module"))
        by_module = c.by_module.assign(
            module=c.by_module["module"].map(ctx.titles), share=(c.by_module["share"] * 100).round(1)
        )
        table(
            by_module,
            cols(
                module="participation.col.module",
                required="participation.col.required",
                passed="participation.col.passed",
                workforce="participation.stage.workforce",
                share="participation.col.share_passed",
            ),
            "completion_by_module",
            "participation.completion_modules",
            ctx.scope_label,
            {"share": PERCENT},
        )
        heatmap(ctx, c)
    st.subheader(tr("participation.renew"))
    st.caption(tr("participation.renew_caption"))
    people_list(
        ctx,
        "renew",
        cols(
            outdated_modules="participation.col.outdated_modules",
            certificate_expires="participation.col.certificate_expires",
            expired="participation.col.expired",
            guidelines_changed="participation.col.guidelines_changed",
        ),
    )


def heatmap(ctx: Context, c) -> None:
    st.subheader(tr("participation.heatmap", group=ctx.group_word))
    groups = c.by_group.assign(group=ctx.group_names(c.by_group))
    modules = list(c.by_module["module"])
    shown = groups[groups["hidden"].isna()]
    pct = "\u202f%" if lang() == "fr" else "%"
    if not shown.empty:
        # Modules down the side (their ctx.titles are long), groups across the top.
        z = (shown[modules].astype("float64").T * 100).round(0)
        figure = px.imshow(
            z.values,
            x=list(shown["group"]),
            y=[ctx.titles[m] for m in modules],
            zmin=0,
            zmax=100,
            aspect="auto",
            color_continuous_scale="Blues",
            labels={
                "x": ctx.group_label,
                "y": tr("participation.col.module"),
                "color": tr("participation.col.share_passed"),
            },
        )
        figure.update_traces(
            texttemplate="%{z:.0f}" + pct, hovertemplate="%{y} · %{x}: %{z:.0f}" + pct + "<extra></extra>"
        )
        figure.update_xaxes(side="top", title=None)
        figure.update_yaxes(title=None)
        figure.update_layout(
            height=120 + 40 * len(modules),
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            coloraxis_colorbar={"ticksuffix": pct, "title": {"side": "right"}},
            separators=fmt.plotly_separators(lang()),
        )
        st.plotly_chart(figure, width="stretch", key="part_heatmap")
    for reason in (participation.SMALL, participation.COMPLEMENT):
        names = groups.loc[groups["hidden"] == reason, "group"]
        if len(names):
            st.caption(
                tr(
                    f"participation.hidden_list.{reason}",
                    n=c.min_group_size,
                    groups=", ".join(map(plain, names)),
                )
            )
    data = groups.assign(
        note=hidden_note(groups, c.min_group_size), **{m: (groups[m] * 100).round(1) for m in modules}
    )
    with st.expander(tr("participation.heatmap_data")):
        labels = {"group": ctx.group_label, "workforce": tr("participation.stage.workforce")}
        labels |= {m: tr("participation.col.module_share", module=ctx.titles[m]) for m in modules}
        table(
            data,
            labels | cols(note="participation.col.note"),
            "completion_by_group",
            "participation.completion_groups",
            ctx.scope_label,
            dict.fromkeys(modules, PERCENT),
        )
