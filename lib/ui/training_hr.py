"""Training sections for HR: assigning modules, the assignments, who is late or must renew, and
how long a certificate lasts."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.core.models import utcnow
from lib.insight import glossary
from lib.people import organisation as org
from lib.training import assignments
from lib.training import certificates as certificate
from lib.ui import training_quiz as quiz_ui
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.training import day, module_titles
from lib.ui.widgets import data_table, date_format, labels_of, number


def assign_form() -> None:
    titles = module_titles()
    language = lang()
    st.subheader(tr("training.hr.assign"))
    c1, c2 = st.columns(2)
    modules = c1.multiselect(
        tr("training.hr.modules"),
        list(titles),
        format_func=titles.__getitem__,
        key=f"assign_modules_{language}",
        placeholder=tr("training.hr.pick_modules"),
    )
    due_on = c2.date_input(
        tr("training.hr.due_on"),
        value=utcnow().date() + timedelta(days=30),
        min_value=utcnow().date(),
        key="assign_due",
        format=date_format(),
    )
    scope = c1.radio(
        tr("training.hr.scope"),
        assignments.SCOPES,
        horizontal=True,
        key=f"assign_scope_{language}",
        format_func=labels_of(assignments.SCOPES, lambda s: tr(f"training.scope.{s}")),
    )
    department, person = None, ""
    if scope == "department":
        names = dict(read(org.departments))
        department = c2.selectbox(
            tr("field.department"),
            list(names),
            format_func=names.__getitem__,
            index=None,
            key="assign_department",
            placeholder=tr("training.hr.pick_department"),
        )
    elif scope == "user":
        person = c2.text_input(
            tr("training.hr.person"), key="assign_person", help=tr("training.hr.person_help")
        )
    if st.button(tr("training.hr.assign_submit"), key="assign_submit", type="primary"):
        ok, n = write(
            assignments.create_assignments,
            modules=modules,
            scope=scope,
            due_on=due_on,
            department_id=department,
            person=person,
        )
        if ok:
            # A fresh form for the next assignment: the modules just assigned must not ride along.
            for key in (f"assign_modules_{language}", "assign_department", "assign_person"):
                st.session_state.pop(key, None)
            flash(tr("training.hr.assigned", modules=n.modules, people=number(n.people)))
            st.rerun()


def scope_text(row) -> str:
    label = tr(f"training.scope.{row.scope}")
    return f"{label}: {row.target}" if row.target else label


def people_list(section: str, df: pd.DataFrame, columns: dict) -> None:
    """An HR list of people (name, username, department, then `columns`), its empty state, its exports."""
    if df.empty:
        st.success(tr(f"training.hr.no_{section}"), icon=":material/task_alt:")
        return
    table = pd.DataFrame(
        {
            tr("field.full_name"): df["full_name"],
            tr("field.username"): df["username"],
            tr("field.department"): df["department"].fillna("—"),
            **columns,
        }
    )
    data_table(table)
    # The files are built on every run once shown (an Excel file of 10,000 rows takes about a second).
    if st.toggle(tr("training.hr.export"), key=f"{section}_export_on"):
        download_buttons(table, f"training-{section}", f"training.{section}", key=f"{section}_export")


def hr_view() -> None:
    titles = module_titles()
    language = lang()
    hr = read(assignments.hr_view)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        glossary.name("workforce", language), hr.workforce, help=glossary.definition("workforce", language)
    )
    pct = round(100 * hr.certified / hr.workforce) if hr.workforce else 0
    c2.metric(
        glossary.name("certified", language),
        hr.certified,
        help=tr("training.hr.certified_help", pct=pct) + " " + glossary.definition("certified", language),
    )
    c3.metric(tr("training.hr.overdue_people"), hr.overdue["username"].nunique())
    c4.metric(glossary.name("due_to_renew", language), len(hr.recertify))
    assign_form()

    st.subheader(tr("training.hr.assignments"))
    if hr.assignments.empty:
        st.info(tr("training.hr.no_assignments"), icon=":material/assignment:")
    else:
        a = hr.assignments
        data_table(
            pd.DataFrame(
                {
                    tr("training.col.module"): a["module"].map(titles),
                    tr("training.col.for"): [scope_text(r) for r in a.itertuples()],
                    tr("training.col.due_on"): a["due_on"],
                    tr("training.col.people"): a["people"],
                    tr("training.col.passed"): a["passed"],
                    tr("training.col.late"): a["late"],
                }
            ),
            {tr("training.col.due_on"): "date"},
        )
        labels = {r.id: f"{titles[r.module]} · {scope_text(r)} · {day(r.due_on)}" for r in a.itertuples()}
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        picked = c1.selectbox(
            tr("training.hr.withdraw_pick"),
            list(labels),
            format_func=labels.__getitem__,
            key=f"withdraw_pick_{language}",
            index=None,
            placeholder=tr("training.hr.pick_assignment"),
        )
        if (
            c2.button(tr("training.hr.withdraw"), key="withdraw_submit", disabled=picked is None)
            and write(assignments.cancel_assignment, picked)[0]
        ):
            flash(tr("training.hr.withdrawn"))
            st.rerun()

    st.subheader(tr("training.hr.overdue"))
    o = hr.overdue
    people_list(
        "overdue",
        o,
        {
            tr("training.col.module"): o["module"].map(titles),
            tr("training.col.due_on"): o["due_on"],
            tr("training.col.days_late"): o["days_late"],
        },
    )
    st.subheader(glossary.name("due_to_renew", language))
    st.caption(glossary.definition("due_to_renew", language))
    r = hr.recertify
    people_list(
        "recertify",
        r,
        {
            tr("training.col.outdated_modules"): r["outdated_modules"],
            tr("renewal.col.modules_to_pass"): r["modules_to_pass"],
            tr("training.col.guidelines_changed"): r["guidelines_changed"],
            tr("training.col.expired"): r["expired"],
            tr("training.col.expires_at"): r["expires_at"].map(lambda e: e.date() if pd.notna(e) else None),
        },
    )

    quiz_ui.required_form()
    quiz_ui.alert_contacts_form()
    st.subheader(tr("training.hr.settings"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    months = c1.number_input(
        tr("training.hr.months"),
        min_value=1,
        max_value=certificate.MAX_MONTHS,
        step=1,
        value=hr.months,
        key="cert_months",
        help=tr("training.hr.months_help"),
    )
    if (
        c2.button(tr("training.hr.save"), key="cert_months_save")
        and write(certificate.set_certification_months, int(months))[0]
    ):
        flash(tr("training.hr.months_saved", n=int(months)))
        st.rerun()
