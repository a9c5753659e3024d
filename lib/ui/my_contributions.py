"""My contributions sections: my figures for a period, logging one, listing, editing and deleting
mine, the CSV import and export, and my points with the leaderboard."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lib.activity import content_library as content
from lib.activity import contribution_import as imports
from lib.activity import contributions as contrib
from lib.activity import recognition
from lib.core.errors import ValidationError
from lib.core.i18n import problem_reason
from lib.core.models import utcnow
from lib.core.permissions import Actor, can
from lib.core.vocab import CONTRIBUTION_KINDS, PLATFORMS
from lib.ui import analytics_import as figure_sections
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, show_error, tr, write
from lib.ui.standings import forget_standings, standings
from lib.ui.widgets import (
    data_table,
    date_format,
    day,
    is_web_link,
    number,
    post_checker_panel,
    vocab,
    vocab_labels,
)


def saved(message: str) -> None:
    """After a change: recount the points, confirm on the next run, and run again."""
    forget_standings()
    flash(message)
    st.rerun()


def seed(form: str, values: dict, overwrite: bool = False) -> None:
    """Put `values` into the form's widgets (through their keys) before they are drawn."""
    for name, value in values.items():
        if overwrite:
            st.session_state[f"{form}_{name}"] = value
        else:
            st.session_state.setdefault(f"{form}_{name}", value)


def contribution_form(form: str, submit: str) -> dict | None:
    """The contribution fields; returns their values when submitted."""
    today = utcnow().date()
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        values = {
            "date": c1.date_input(
                tr("field.contrib.date"),
                format=date_format(),
                key=f"{form}_date",
            ),
            "platform": c2.selectbox(
                tr("field.contrib.platform"), PLATFORMS, format_func=vocab_labels(), key=f"{form}_platform"
            ),
            "kind": c3.selectbox(
                tr("field.contrib.kind"), CONTRIBUTION_KINDS, format_func=vocab_labels(), key=f"{form}_kind"
            ),
        }
        c1, c2 = st.columns([2, 1])
        values["url"] = c1.text_input(tr("field.contrib.url"), placeholder="https://", key=f"{form}_url")
        items = read(content.choices, today, st.session_state.get(f"{form}_content_item_id"))
        values["content_item_id"] = c2.selectbox(
            tr("field.contrib.content_item"),
            list(items),
            index=None,
            placeholder=tr("contrib.no_content"),
            format_func=items.get,
            key=f"{form}_content_item_id",
        )
        st.caption(tr("contrib.figures_help"))
        for column, name in zip(st.columns(len(contrib.FIGURES)), contrib.FIGURES, strict=True):
            values[name] = column.number_input(
                tr(f"field.contrib.{name}"), step=1, value=None, key=f"{form}_{name}"
            )
        c1, c2 = st.columns([1, 3])
        values["minutes_spent"] = c1.number_input(
            tr("field.contrib.minutes_spent"), step=1, value=None, key=f"{form}_minutes_spent"
        )
        values["note"] = c2.text_input(tr("field.contrib.note"), key=f"{form}_note")
        if st.form_submit_button(submit, type="primary"):
            return values
    return None


def blank(today: date) -> dict:
    """The values of an empty contribution form."""
    return {
        "date": today,
        "platform": PLATFORMS[0],
        "kind": CONTRIBUTION_KINDS[0],
        "url": "",
        "note": "",
        "minutes_spent": None,
        "content_item_id": None,
        **dict.fromkeys(contrib.FIGURES),
    }


def my_figures() -> contrib.Filters:
    """The period and filters, and my figures for them; returns the filters for the tabs."""
    today = utcnow().date()
    c1, c2, c3 = st.columns([2, 2, 2])
    period = c1.date_input(
        tr("contrib.period"),
        value=(today - timedelta(days=89), today),
        format=date_format(),
        key="contrib_period",
    )
    start, end = (period[0], period[-1]) if period else (today, today)
    platforms = c2.multiselect(
        tr("field.contrib.platform"),
        PLATFORMS,
        format_func=vocab_labels(),
        key=f"contrib_platforms_{lang()}",
        placeholder=tr("contrib.all_platforms"),
    )
    kinds = c3.multiselect(
        tr("field.contrib.kind"),
        CONTRIBUTION_KINDS,
        format_func=vocab_labels(),
        key=f"contrib_kinds_{lang()}",
        placeholder=tr("contrib.all_kinds"),
    )
    filters = contrib.Filters(start, end, tuple(platforms), tuple(kinds))
    figures = read(contrib.my_figures, filters)

    st.caption(tr("contrib.figures_caption", start=day(start), end=day(end)))
    m = st.columns(6)
    m[0].metric(tr("contrib.count"), number(figures["count"]))
    m[1].metric(tr("contrib.reach"), number(figures["reach"]), help=tr("contrib.reach_help"))
    m[2].metric(tr("contrib.engagement"), number(figures["engagement"]), help=tr("contrib.engagement_help"))
    rate = figures["engagement_rate"]
    m[3].metric(
        tr("contrib.engagement_rate"),
        "—" if rate is None else tr("contrib.percent", n=number(100 * rate, 1)),
        help=tr("contrib.engagement_rate_help"),
    )
    minutes = figures["minutes"]
    m[4].metric(
        tr("contrib.minutes"), "—" if minutes is None else tr("contrib.minutes_value", n=number(minutes))
    )
    m[5].metric(
        tr("contrib.streak"),
        tr("contrib.streak_value", n=figures["streak_weeks"]),
        help=tr("contrib.streak_help", goal=figures["weekly_goal"]),
    )
    st.caption(tr("contrib.this_week", n=figures["this_week"], goal=figures["weekly_goal"]))
    if figures["held"]:
        st.warning(tr("contrib.held", n=figures["held"]), icon=":material/pending_actions:")
    return filters


def log_tab() -> None:
    prefill = st.session_state.pop("contribution_prefill", None)
    if prefill:
        st.info(tr("contrib.prefilled"), icon=":material/edit_note:")
    form = f"contrib_new_{lang()}"  # a form per language: no stale translated label stays selected
    if prefill or st.session_state.pop("contrib_new_reset", False):
        seed(form, {**blank(utcnow().date()), **(prefill or {})}, overwrite=True)
    seed(form, blank(utcnow().date()))
    submitted = contribution_form(form, tr("contrib.save_new"))
    if submitted is not None and write(contrib.log_contribution, **submitted)[0]:
        st.session_state["contrib_new_reset"] = True
        saved(tr("contrib.logged"))
    with st.expander(tr("checker.title"), icon=":material/fact_check:", key="contrib_checker_panel"):
        post_checker_panel("contrib_checker")


def list_tab(filters: contrib.Filters) -> None:
    rows, total = read(contrib.list_mine, filters)
    if rows.empty:
        st.info(tr("contrib.empty"), icon=":material/info:")
    else:
        if total > len(rows):
            st.caption(tr("contrib.list_capped", shown=len(rows), total=total))
        shown = figure_sections.provenance(rows).assign(
            platform=rows["platform"].map(vocab),
            kind=rows["kind"].map(vocab),
            url=rows["url"].where(rows["url"].map(is_web_link)),
        )
        names = {c: tr(f"contrib.col.{c}") for c in shown.columns if c != "id"}
        # The date stays in view while the row scrolls; the figures take narrow columns (heading
        # in full on hover), so that the provenance and review columns come close to 1,400 px.
        numbers = (*contrib.FIGURES, "engagements", "engagement", "minutes_spent")
        figures = [c for c in numbers if c in names]
        config = {names[c]: st.column_config.NumberColumn(width="small", help=names[c]) for c in figures}
        data_table(
            shown.drop(columns="id").rename(columns=names),
            column_config=config
            | {
                names["occurred_on"]: st.column_config.Column(pinned=True),
                names["url"]: st.column_config.LinkColumn(names["url"], width="small"),
            },
        )
        by_id = {r.id: r for r in rows.itertuples()}
        labels = contrib.pick_labels(
            [
                (
                    r.id,
                    " · ".join(
                        [
                            day(r.occurred_on),
                            vocab(r.platform),
                            vocab(r.kind),
                            (r.url or r.note or "—")[:60],
                            tr("contrib.pick_figures", n=number(r.impressions)),
                        ]
                    ),
                )
                for r in rows.itertuples()
            ]
        )
        picked = st.selectbox(
            tr("contrib.pick"),
            list(by_id),
            index=None,
            placeholder=tr("contrib.pick_placeholder"),
            format_func=labels.__getitem__,
            key=f"contrib_pick_{lang()}",
        )
        if picked is not None:
            form = f"contrib_edit_{picked}_{lang()}"
            seed(form, read(contrib.get_mine, picked))
            submitted = contribution_form(form, tr("contrib.save_edit"))
            if submitted is not None and write(contrib.update_contribution, picked, **submitted)[0]:
                saved(tr("contrib.updated"))
            confirm = st.checkbox(tr("contrib.confirm_delete"), key=f"contrib_confirm_{picked}")
            clicked = st.button(
                tr("contrib.delete"), disabled=not confirm, key="contrib_delete", icon=":material/delete:"
            )
            if clicked and write(contrib.delete_contribution, picked)[0]:
                saved(tr("contrib.deleted"))


def import_tab(who: Actor) -> None:
    figure_sections.import_section(who)
    st.divider()
    st.subheader(tr("contrib.import_title"))
    st.markdown(
        tr("contrib.import_help", platforms=", ".join(PLATFORMS), kinds=", ".join(CONTRIBUTION_KINDS))
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        tr("contrib.template"),
        imports.template(lang()),
        file_name="contributions_template.csv",
        mime="text/csv",
        icon=":material/download:",
        key="contrib_template",
    )
    c2.download_button(
        tr("import.template_excel"),
        imports.template_excel(lang()),
        file_name="contributions_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="contrib_template_xlsx",
    )
    generation = st.session_state.setdefault("contrib_upload_generation", 0)
    upload = st.file_uploader(tr("contrib.upload"), type=["csv"], key=f"contrib_upload_{generation}")
    if upload is not None:
        data = upload.getvalue()
        try:
            checked = read(imports.preview, data)
        except ValidationError as exc:
            show_error(exc)
            checked = None
        if checked is not None and checked.problems:
            st.error(tr("contrib.import_refused", n=len(checked.problems)), icon=":material/error:")
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("contrib.col.row"): [p.row for p in checked.problems],
                        tr("contrib.col.column"): [
                            (p.field or "").removeprefix("contrib.") for p in checked.problems
                        ],
                        tr("contrib.col.reason"): [problem_reason(p, lang()) for p in checked.problems],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        elif checked is not None:
            new = checked.count("new")
            st.info(
                tr(
                    "contrib.import_preview",
                    new=new,
                    existing=checked.count("existing"),
                    repeated=checked.count("repeated"),
                ),
                icon=":material/preview:",
            )
            table = checked.table()
            table = table.assign(
                status=table["status"].map(lambda s: tr(f"contrib.status.{s}")),
                platform=table["platform"].map(vocab),
                kind=table["kind"].map(vocab),
            )
            table = table.rename(columns={c: tr(f"contrib.col.{c}") for c in table.columns})
            data_table(table)
            if st.button(
                tr("contrib.import_commit", n=new),
                type="primary",
                disabled=new == 0,
                key="contrib_import",
            ):
                ok, result = write(imports.commit, data)
                if ok:
                    st.session_state["contrib_upload_generation"] = generation + 1
                    saved(tr("contrib.imported", created=result.created, skipped=result.skipped))

    st.subheader(tr("contrib.export_title"))
    st.caption(tr("contrib.export_help"))
    if st.button(tr("contrib.export_prepare"), key="contrib_export", icon=":material/table_view:"):
        st.session_state["contrib_export_ready"] = True
    if st.session_state.get("contrib_export_ready"):
        download_buttons(
            read(contrib.export_mine),
            "my_contributions",
            "contributions",
            who.username,
            key="contrib_export_file",
            deferred=True,
        )


def save_opt_out() -> None:
    if write(recognition.set_opt_out, st.session_state["recognition_opt_out"])[0]:
        forget_standings()


def rules_form() -> None:
    """HR/admin: the point rules and the weekly goal."""
    current = read(recognition.settings)
    with st.form("recognition_rules"):
        columns = st.columns(4)
        values = {
            key: columns[i % 4].number_input(
                tr(f"field.recognition.{key}"), min_value=0, step=1, value=value, key=f"recognition_{key}"
            )
            for i, (key, value) in enumerate(current["rules"].items())
        }
        goal = st.number_input(
            tr("field.recognition.weekly_goal"),
            min_value=1,
            step=1,
            value=current["weekly_goal"],
            key="recognition_weekly_goal",
        )
        clicked = st.form_submit_button(tr("recognition.save_rules"))
        if clicked and write(recognition.update_rules, values, goal)[0]:
            saved(tr("recognition.rules_saved"))


def points_tab(who: Actor, start: date, end: date) -> None:
    board = standings(start, end)
    my_points, my_rank = board.of(who.user_id)
    st.caption(tr("recognition.caption", start=day(start), end=day(end)))
    c1, c2, c3 = st.columns([1, 1, 2])
    c1.metric(tr("recognition.my_points"), number(my_points))
    c2.metric(tr("recognition.my_rank"), "—" if my_rank is None else f"#{my_rank}")
    st.session_state["recognition_opt_out"] = read(recognition.opted_out)
    c3.toggle(
        tr("recognition.opt_out"),
        key="recognition_opt_out",
        on_change=save_opt_out,
        help=tr("recognition.opt_out_help"),
    )
    people = board.for_person(who.user_id)
    if people.empty:
        st.info(tr("recognition.empty"), icon=":material/info:")
    else:
        left, right = st.columns(2)
        left.markdown(f"**{tr('recognition.people')}**")
        names = people["name"].fillna(tr("recognition.anonymous"))
        names = names.where(~people["is_me"], names + " " + tr("recognition.you"))

        def heading(c):
            return tr(f"recognition.col.{c}")

        left.dataframe(
            people.assign(name=names).drop(columns="is_me").rename(columns=heading),
            hide_index=True,
            width="stretch",
            placeholder="—",
        )
        right.markdown(f"**{tr('recognition.teams')}**")
        if board.teams.empty:
            right.caption(tr("recognition.no_teams"))
        else:
            right.dataframe(
                board.teams.head(recognition.TOP).rename(columns=heading),
                hide_index=True,
                width="stretch",
            )
    with st.expander(tr("recognition.how"), icon=":material/help:"):
        st.markdown(tr("recognition.rules_text", **read(recognition.rules)))
    if can(who, "recognition.configure"):
        with st.expander(tr("recognition.settings_title"), icon=":material/tune:"):
            rules_form()
