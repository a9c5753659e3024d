"""Participation › People: find a person and see their file (training, certificates, activity,
signals); HR may assign them modules."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from lib.core.i18n import label
from lib.core.permissions import can
from lib.insight.measures import ACTIVE_DAYS
from lib.insight.person_file import find_people, person_file
from lib.training import assignments
from lib.ui.participation.common import Context, cols, safe_read, table
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.standings import standings
from lib.ui.widgets import date_format, day, number, plain


def people_tab(ctx: Context) -> None:
    text = st.text_input(
        tr("participation.person_search"),
        key="part_search",
        placeholder=tr("participation.person_search_hint"),
    )
    if not text.strip():
        st.info(tr("participation.person_intro"), icon=":material/person_search:")
        return
    left = f" ({tr('participation.left')})"
    found = {
        p["id"]: f"{p['full_name']} · {p['email']}" + ("" if p["is_active"] else left)
        for p in read(find_people, text)
    }
    if not found:
        st.info(tr("participation.person_none"), icon=":material/search_off:")
        return
    picked = st.selectbox(
        tr("participation.person_pick"), list(found), key="part_person", format_func=found.__getitem__
    )
    person(ctx, picked)


def person(ctx: Context, user_id: int) -> None:
    p = safe_read(person_file, user_id)
    me = p.profile
    left = tr("participation.left_on", date=day(me["left_on"])) if me["left_on"] else tr("participation.left")
    shown = {
        k: plain(v) if v else "—"
        for k, v in me.items()
        if k in ("department", "team", "manager", "job_title")
    }
    st.markdown(
        "  \n".join(
            [
                f"**{plain(me['full_name'])}** · {plain(me['email'])} · `{me['username']}`"
                + ("" if me["active"] else f" · {left}"),
                tr(
                    "participation.person_line",
                    department=shown["department"],
                    team=shown["team"],
                    manager=shown["manager"],
                    job=shown["job_title"],
                    start=day(me["start_date"]) if me["start_date"] else "—",
                    roles=", ".join(label(r, lang()) for r in me["roles"]),
                ),
            ]
        )
    )
    required = p.modules[p.modules["required"]]
    points, rank = standings(ctx.today - timedelta(days=ACTIVE_DAYS - 1), ctx.today).of(user_id)
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(
        tr("participation.person_certified"),
        tr("participation.yes") if p.certified else tr("participation.no"),
    )
    c2.metric(
        tr("participation.person_modules"), f"{(required['status'] == 'passed').sum()} / {len(required)}"
    )
    c3.metric(
        tr("participation.person_contributions"),
        number(p.contributions["total"]),
        tr("participation.person_recent", n=p.contributions["recent"], days=ACTIVE_DAYS),
        delta_color="off",
        delta_arrow="off",
    )
    c4.metric(tr("participation.person_signals"), number(p.signal_count))
    c5.metric(
        tr("participation.person_points", days=ACTIVE_DAYS),
        number(points),
        None if rank is None else tr("participation.person_rank", rank=rank),
        delta_color="off",
        delta_arrow="off",
        help=tr("participation.person_points_help"),
    )
    slug = me["username"]
    st.subheader(tr("participation.person_training"))
    modules = p.modules.assign(
        module=p.modules["module"].map(ctx.titles),
        status=p.modules["status"].map(lambda s: tr(f"training.status.{s}")),
    )
    table(
        modules,
        cols(
            module="participation.col.module",
            version="participation.col.version",
            status="participation.col.status",
            passed_at="participation.col.passed_at",
            attempts="participation.col.attempts",
            attempts_to_pass="participation.col.attempts_to_pass",
            best_score="participation.col.best_score",
            due_on="participation.col.due_on",
        ),
        f"training_{slug}",
        "participation.person_training",
        slug,
        {"passed_at": "date"},
        # Fits 1,400 px with the due date in view: the counts in narrow columns (heading in full on hover).
        {c: narrow(c) for c in ("version", "attempts", "attempts_to_pass", "best_score")},
    )
    st.subheader(tr("participation.person_certificates"))
    if p.certificates.empty:
        st.caption(tr("participation.person_no_certificate"))
    else:
        table(
            p.certificates,
            cols(
                issued_at="participation.col.issued_at",
                expires_at="participation.col.expires_at",
                policy_version="participation.col.policy_version",
            ),
            f"certificates_{slug}",
            "participation.person_certificates",
            slug,
        )
    st.subheader(tr("participation.person_activity"))
    if p.platforms.empty:
        st.caption(tr("participation.person_no_contribution"))
    else:
        st.caption(tr("participation.person_last", date=day(p.contributions["last"])))
        table(
            p.platforms.assign(platform=p.platforms["platform"].map(lambda c: label(c, lang()))),
            cols(
                platform="participation.col.platform",
                contributions="participation.col.contributions",
                impressions="participation.col.impressions",
                engagement="participation.col.engagement",
                impressions_imported="participation.col.impressions_imported",
                held="participation.col.held",
            ),
            f"contributions_{slug}",
            "participation.person_contributions",
            slug,
        )
    if not p.imports.empty:
        st.markdown(f"**{tr('analytics.history')}**")
        table(
            p.imports.assign(platform=p.imports["platform"].map(lambda c: label(c, lang()))),
            cols(**{c: f"analytics.col.{c}" for c in p.imports.columns}),
            f"analytics_imports_{slug}",
            "participation.person_imports",
            slug,
        )
    st.subheader(tr("participation.person_signals"))
    if p.signals.empty:
        st.caption(tr("participation.person_no_signal"))
    else:
        signals = p.signals.assign(
            **{
                c: p.signals[c].map(lambda v: label(v, lang()) if v else None)
                for c in ("signal_type", "category", "status", "resolution")
            }
        )
        table(
            signals,
            cols(
                reported_at="participation.col.reported_at",
                signal_type="participation.col.signal_type",
                category="participation.col.category",
                customer_name="participation.col.customer",
                status="participation.col.status",
                resolution="participation.col.resolution",
            ),
            f"signals_{slug}",
            "participation.person_signals",
            slug,
        )
    if can(ctx.who, "training.assign") and me["active"]:
        assign_person(ctx, user_id, me["email"])


def narrow(column: str):
    """A narrow number column whose full heading shows on hover."""
    return st.column_config.NumberColumn(width="small", help=tr(f"participation.col.{column}"))


def assign_person(ctx: Context, user_id: int, email: str) -> None:
    with st.form(f"part_assign_{user_id}"):
        st.markdown(f"**{tr('participation.assign_person')}**")
        c1, c2 = st.columns([3, 1])
        modules = c1.multiselect(
            tr("participation.col.module"),
            list(ctx.titles),
            format_func=ctx.titles.__getitem__,
            placeholder=tr("participation.assign_pick"),
        )
        due_on = c2.date_input(
            tr("participation.col.due_on"),
            value=ctx.today + timedelta(days=30),
            min_value=ctx.today,
            format=date_format(),
        )
        if st.form_submit_button(tr("participation.assign_submit")):
            ok, n = write(
                assignments.create_assignments, modules=modules, scope="user", due_on=due_on, person=email
            )
            if ok:
                flash(tr("participation.assigned", n=n.modules))
                st.rerun()
