"""Participation › Roster: the people in scope, the roster import, and departments and teams."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.core.errors import ValidationError
from lib.core.formatting import to_csv
from lib.core.i18n import label
from lib.people import organisation, roster
from lib.ui.participation.common import PERSON_COLUMNS, Context, cols, table
from lib.ui.shell import flash, lang, read, show_error, tr, write
from lib.ui.widgets import number, plain


def roster_tab(ctx: Context) -> None:
    c1, c2 = st.columns([3, 1])
    search = c1.text_input(tr("participation.roster_search"), key="part_roster_search")
    leavers = c2.toggle(tr("participation.roster_leavers"), key="part_roster_leavers")
    people = read(
        organisation.roster,
        department_id=ctx.scope.department_id,
        team_id=ctx.scope.team_id,
        include_left=leavers,
        search=search,
    )
    st.caption(tr("participation.roster_count", n=number(len(people)), scope=plain(ctx.scope_label)))
    if people.empty:
        st.info(tr("participation.roster_empty"), icon=":material/upload_file:")
    else:
        roles = (
            people["roles"]
            .fillna("")
            .map(lambda rs: ", ".join(label(r, lang()) for r in rs.split(", ") if r))
        )
        table(
            people.assign(roles=roles),
            cols(
                **PERSON_COLUMNS,
                manager="participation.col.manager",
                job_title="participation.col.job_title",
                roles="field.roles",
                active="field.active",
                start_date="participation.col.start_date",
                left_on="participation.col.left_on",
            ),
            "roster",
            "participation.roster",
            ctx.scope_label,
        )
    import_section()
    org_section(ctx)


def import_section() -> None:
    st.subheader(tr("participation.import"))
    st.markdown(tr("participation.import_help"))
    st.warning(tr("participation.import_no_password"), icon=":material/key_off:")
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        tr("participation.template"),
        roster.template(lang()),
        file_name="roster_template.csv",
        mime="text/csv",
        icon=":material/download:",
        key="part_template",
    )
    c2.download_button(
        tr("import.template_excel"),
        roster.template_excel(lang()),
        file_name="roster_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="part_template_xlsx",
    )
    # The whole roster in the import's own columns: export, edit in a spreadsheet, import back.
    c3.download_button(
        tr("participation.roster_export"),
        to_csv(read(roster.export), lang()),
        file_name="roster_export.csv",
        mime="text/csv",
        icon=":material/sync_alt:",
        key="part_roster_export",
    )
    generation = st.session_state.setdefault("part_upload_generation", 0)
    upload = st.file_uploader(tr("participation.upload"), type=["csv"], key=f"part_upload_{generation}")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        checked = read(roster.preview, data)
    except ValidationError as exc:
        show_error(exc)
        return
    if checked.problems:
        st.error(tr("participation.import_refused", n=len(checked.problems)), icon=":material/error:")
        problems = pd.DataFrame(
            {
                "row": [p.row for p in checked.problems],
                "column": [(p.field or "").removeprefix("roster.") for p in checked.problems],
                "reason": [tr(p.key, **p.params) for p in checked.problems],
            }
        )
        table(
            problems,
            cols(
                row="participation.col.row",
                column="participation.col.column",
                reason="participation.col.reason",
            ),
            "roster_problems",
            "roster.problems",
        )
        return
    st.info(
        tr("participation.import_preview", **{a: checked.count(a) for a in roster.ACTIONS}),
        icon=":material/preview:",
    )
    if checked.new_departments or checked.new_teams:
        st.caption(
            tr(
                "participation.import_new_org",
                departments=", ".join(map(plain, checked.new_departments)) or "—",
                teams=", ".join(plain(f"{d} / {t}") for d, t in checked.new_teams) or "—",
            )
        )
    changes = checked.table()
    changes = changes.assign(
        action=changes["action"].map(lambda a: tr(f"participation.action.{a}")),
        changes=changes["changes"].map(lambda cs: ", ".join(tr(f"field.roster.{c}") for c in cs)),
    )
    table(
        changes,
        cols(
            row="participation.col.row",
            action="participation.col.action",
            email="field.email",
            full_name="field.full_name",
            changes="participation.col.changes",
        ),
        "roster_preview",
        "roster.preview",
    )
    if st.button(
        tr("participation.import_commit", n=checked.changing),
        type="primary",
        key="part_import",
        disabled=not checked.changing and not checked.new_departments and not checked.new_teams,
    ):
        ok, done = write(roster.commit, data)
        if ok:
            st.session_state["part_upload_generation"] = generation + 1
            flash(tr("participation.imported", **{a: done.count(a) for a in roster.ACTIONS}))
            st.rerun()


def org_section(ctx: Context) -> None:
    st.subheader(tr("participation.org"))
    if ctx.org.empty:
        st.info(tr("participation.org_empty"), icon=":material/account_tree:")
    else:
        table(
            ctx.org.assign(team=ctx.org["team"].fillna(tr("participation.org_whole_department"))),
            cols(department="field.department", team="field.team", people="participation.col.people"),
            "organisation",
            "participation.organisation",
        )
    org = ctx.org
    teams = {
        int(team_id): f"{department} / {team}"
        for team_id, department, team in zip(org["team_id"], org["department"], org["team"], strict=True)
        if pd.notna(team_id)
    }
    left, right = st.columns(2, gap="large")
    with left:
        name_form(
            "part_new_department",
            organisation.create_department,
            "participation.org_new_department",
            "participation.org_create",
        )
    with right:
        name_form(
            "part_new_team",
            organisation.create_team,
            "participation.org_new_team",
            "participation.org_create",
            ctx.departments,
            "field.department",
        )
    with left:
        name_form(
            "part_rename_department",
            organisation.rename_department,
            "participation.org_new_name",
            "participation.org_rename",
            ctx.departments,
            "participation.org_rename_department",
        )
    with right:
        name_form(
            "part_rename_team",
            organisation.rename_team,
            "participation.org_new_name",
            "participation.org_rename",
            teams,
            "participation.org_rename_team",
        )


def name_form(
    key: str, fn, name_label: str, submit: str, choices: dict | None = None, pick_label: str = ""
) -> None:
    """A form that names something new, or renames (or adds a team to) one of `choices`."""
    with st.form(key):  # cleared once saved, kept when the save fails
        picked = None
        if choices is not None:
            picked = st.selectbox(
                tr(pick_label),
                list(choices),
                format_func=choices.__getitem__,
                index=None,
                placeholder=tr("participation.org_pick"),
                key=f"{key}_pick",
            )
        name = st.text_input(tr(name_label), key=f"{key}_name")
        if st.form_submit_button(tr(submit)):
            if choices is not None and picked is None:
                st.error(tr("participation.org_pick_first"))
            elif write(fn, *([] if choices is None else [picked]), name)[0]:
                for widget in (f"{key}_pick", f"{key}_name"):
                    st.session_state.pop(widget, None)
                flash(tr("participation.org_saved"))
                st.rerun()
