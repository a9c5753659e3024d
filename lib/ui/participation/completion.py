"""Participation › Completion: modules passed by the scope's people, by group, and who must renew."""

from __future__ import annotations

import streamlit as st

from lib.insight import glossary, participation
from lib.insight.charts import completion_heatmap
from lib.ui.participation.common import Context, cols, hidden_note, safe_read, table
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
        by_module = c.by_module.assign(module=c.by_module["module"].map(ctx.titles))
        table(
            by_module,
            cols(
                module="participation.col.module",
                required="participation.col.required",
                passed="participation.col.passed",
            )
            | {"workforce": glossary.name("workforce", lang())}
            | cols(share="participation.col.share_passed"),
            "completion_by_module",
            "participation.completion_modules",
            ctx.scope_label,
            {"share": "share"},
        )
        heatmap(ctx, c)
    st.subheader(glossary.name("due_to_renew", lang()))
    st.caption(glossary.definition("due_to_renew", lang()))
    people_list(
        ctx,
        "renew",
        cols(
            outdated_modules="participation.col.outdated_modules",
            modules_to_pass="renewal.col.modules_to_pass",
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
    if not shown.empty:
        # Modules down the side (their titles are long), groups across the top.
        shares = (
            shown[modules].T.set_axis(list(shown["group"]), axis=1).set_axis([ctx.titles[m] for m in modules])
        )
        figure = completion_heatmap(
            shares,
            lang(),
            ctx.group_label,
            tr("participation.col.module"),
            tr("participation.col.share_passed"),
        )
        # No tool bar: it would sit on the last groups' names, written across the top.
        st.plotly_chart(figure, width="stretch", key="part_heatmap", config={"displayModeBar": False})
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
    data = groups.assign(note=hidden_note(groups, c.min_group_size))
    with st.expander(tr("participation.heatmap_data")):
        labels = {"group": ctx.group_label, "workforce": glossary.name("workforce", lang())}
        labels |= {m: tr("participation.col.module_share", module=ctx.titles[m]) for m in modules}
        table(
            data,
            labels | cols(note="participation.col.note"),
            "completion_by_group",
            "participation.completion_groups",
            ctx.scope_label,
            dict.fromkeys(modules, "share"),
        )
