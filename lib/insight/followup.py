"""HR's follow-up lists: who must renew a certification, who is late on an assignment, certified
ambassadors gone quiet, new joiners not enrolled; and reminder e-mails to them.

Each list is one SQL query over the workforce of a scope (lib.insight.participation), as of today.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pandas as pd
from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session

from lib.core.models import (
    Assignment,
    Contribution,
    Department,
    Team,
    TrainingModule,
    User,
    utcnow,
)
from lib.core.permissions import Actor, require
from lib.insight.measures import quiet_since, workforce
from lib.insight.participation import Scope, check_scope, settings, started_training
from lib.training.assignments import applies_to, passed_current
from lib.training.certification import certified_condition, due_to_renew, renewal_frame

MAX_MAILTO = 1800  # characters: longer mail links are cut by some mail programs


def _person_columns():
    return (
        User.id.label("user_id"),
        User.full_name,
        User.email,
        Department.name.label("department"),
        Team.name.label("team"),
    )


def _people(query, scope: Scope, now: datetime):
    """`query` restricted to today's workforce of `scope`, with each person's department and team."""
    return (
        query.outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Team, Team.id == User.team_id)
        .where(workforce(now.date()), scope.condition())
    )


def _frame(session: Session, query) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def overdue(session: Session, scope: Scope, now: datetime) -> pd.DataFrame:
    """One row per person and assigned module past its due date and not passed at its current
    version, with how many days late."""
    today = now.date()
    due = func.min(Assignment.due_on).label("due_on")
    query = (
        _people(
            select(*_person_columns(), Assignment.module_slug.label("module"), due)
            .select_from(Assignment)
            .join(User, applies_to(User.id, User.department_id))
            .join(TrainingModule, TrainingModule.slug == Assignment.module_slug),
            scope,
            now,
        )
        .where(Assignment.due_on < today, ~passed_current(User.id, Assignment.module_slug))
        .group_by(User.id, User.full_name, User.email, Department.name, Team.name, Assignment.module_slug)
        .order_by(due, User.full_name, Assignment.module_slug)
    )
    df = _frame(session, query)
    df["days_late"] = pd.Series([(today - d).days for d in df["due_on"]], dtype="int64")
    return df


def to_renew(session: Session, scope: Scope, now: datetime) -> pd.DataFrame:
    """People of the scope due to renew their certification (the shared definition in
    lib.training.certification, as Training's list), with the reasons."""
    due = due_to_renew(now)
    query = (
        _people(
            select(
                *_person_columns(),
                due.c.outdated_modules,
                due.c.modules_to_pass,
                due.c.certificate_expires,
                due.c.guidelines_changed,
                due.c.expired,
            )
            .select_from(User)
            .join(due, due.c.user_id == User.id),
            scope,
            now,
        )
    ).order_by(User.full_name, User.id)
    return renewal_frame(_frame(session, query))


def inactive_certified(session: Session, scope: Scope, now: datetime) -> pd.DataFrame:
    """Certified ambassadors without a counted contribution in the last ACTIVE_DAYS days, and when
    they last contributed (empty when never)."""
    last = (
        select(func.max(Contribution.occurred_on))
        .where(Contribution.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
        .label("last_contribution")
    )
    query = (
        _people(select(*_person_columns(), last).select_from(User), scope, now)
        .where(certified_condition(User.id, now), quiet_since(now.date()))
        .order_by(last.desc().nulls_last(), User.full_name)
    )
    return _frame(session, query)


def new_joiners(session: Session, scope: Scope, now: datetime) -> pd.DataFrame:
    """People who started within the last `participation.new_joiner_days` days and have not opened
    the training yet."""
    today, days = now.date(), settings(session).new_joiner_days
    query = (
        _people(select(*_person_columns(), User.start_date).select_from(User), scope, now)
        .where(
            User.start_date >= today - timedelta(days=days),
            User.start_date <= today,
            not_(started_training(now)),
        )
        .order_by(User.start_date.desc(), User.full_name)
    )
    df = _frame(session, query)
    df["days_since_start"] = pd.Series([(today - d).days for d in df["start_date"]], dtype="int64")
    return df


LISTS = {"overdue": overdue, "renew": to_renew, "inactive": inactive_certified, "new_joiners": new_joiners}


def follow_up(
    session: Session, actor: Actor, scope: Scope, which: str, now: datetime | None = None
) -> pd.DataFrame:
    """One of the follow-up LISTS for `scope`, as of now (HR or admin)."""
    require(actor, "participation.view")
    check_scope(session, scope)
    return LISTS[which](session, scope, now or utcnow())


def mailto(addresses, subject: str, body: str) -> str | None:
    """A mail link with the addresses in blind copy, or None when too long for mail programs."""
    unique = sorted({a for a in addresses if a})
    if not unique:
        return None
    link = f"mailto:?bcc={quote(','.join(unique), safe='@,')}&subject={quote(subject)}&body={quote(body)}"
    return link if len(link) <= MAX_MAILTO else None
