"""Leadership figures from the contribution rollups (migrations 0006, 0012: contributions held
for review are not in them): contributors,
activity totals and series, departments, and the top people and teams. Plain SQL, both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import case, distinct, func, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from lib.core.models import ActivityDaily, AmbassadorDay, AmbassadorMonth, Department, Team, User
from lib.core.periods import Period, View
from lib.insight.measures import contributor, workforce

TOP = 10  # people and teams in the rankings


def _person_rows(period: Period):
    """(user_id, department_key, contributions) rows covering `period` exactly: whole months
    from the month rollup, the days at either end from the day rollup."""
    first_month = (
        period.start
        if period.start.day == 1
        else (period.start.replace(day=1) + timedelta(days=32)).replace(day=1)
    )
    after_months = (period.end + timedelta(days=1)).replace(day=1)
    D, M = AmbassadorDay, AmbassadorMonth

    def days(lo, hi):
        return select(D.user_id, D.department_key, D.contributions).where(D.day >= lo, D.day <= hi)

    if first_month >= after_months:
        return days(period.start, period.end).subquery()
    return union_all(
        select(M.user_id, M.department_key, M.contributions).where(
            M.month >= first_month, M.month < after_months
        ),
        days(period.start, first_month - timedelta(days=1)),
        days(after_months, period.end),
    ).subquery()


def _pairs(period: Period):
    """(user_id, department_key, n): each person's contributions in the period, per department."""
    rows = _person_rows(period)
    return select(rows.c.user_id, rows.c.department_key, func.sum(rows.c.contributions).label("n")).group_by(
        rows.c.user_id, rows.c.department_key
    )


def _member_department():
    """A person's department today (0: none), rendered identically wherever it is grouped by."""
    return func.coalesce(User.department_id, literal_column("0"))


def people(session: Session, view: View) -> dict:
    """From one pass over the per-person rollups of the current period: contributors (company-wide
    and per department of the contributions), contributions per department, and the top people and
    teams in scope."""
    pairs = _pairs(view.period).cte("pairs")
    scoped = (
        select(pairs).where(pairs.c.department_key == view.department_id)
        if view.department_id
        else select(pairs)
    ).subquery()

    def kind(name):
        return literal_column(f"'{name}'").label("kind")

    def total(column):
        return func.coalesce(func.sum(column), 0).label("n")

    def ranked(query, order):
        return query.order_by(total(scoped.c.n).desc(), order).limit(TOP).subquery()

    people = ranked(
        select(
            kind("person"),
            scoped.c.user_id.label("key"),
            literal_column("1").label("people"),
            total(scoped.c.n),
        ).group_by(scoped.c.user_id),
        scoped.c.user_id,
    )
    teams = ranked(
        select(
            kind("team"),
            User.team_id.label("key"),
            func.count(distinct(scoped.c.user_id)).label("people"),
            total(scoped.c.n),
        )
        .join(User, User.id == scoped.c.user_id)
        .where(User.team_id.is_not(None))
        .group_by(User.team_id),
        User.team_id,
    )
    query = union_all(
        select(kind("department"), pairs.c.department_key, func.count(), total(pairs.c.n)).group_by(
            pairs.c.department_key
        ),
        select(kind("company"), literal_column("0"), func.count(distinct(pairs.c.user_id)), total(pairs.c.n)),
        select(people),
        select(teams),
    )
    out: dict = {"department": {}, "person": [], "team": []}
    for k, key, count, contributions in session.execute(query):
        if k == "company":
            out["company"] = int(count)
        elif k == "department":
            out[k][key] = (int(count), int(contributions))
        else:
            out[k].append((key, int(count), int(contributions)))
    return out


def contributor_count(people: dict, department_id: int | None) -> dict:
    """Contributors in scope: people with a counted contribution in the period, leavers included,
    in the department they contributed from."""
    if department_id:
        return {"contributors": people["department"].get(department_id, (0, 0))[0]}
    return {"contributors": people.get("company", 0)}


def previous_contributor_count(session: Session, period: Period, department_id: int | None) -> dict:
    pairs = _pairs(period).subquery()
    query = select(func.count(distinct(pairs.c.user_id)))
    if department_id:
        query = query.where(pairs.c.department_key == department_id)
    return {"contributors": session.scalar(query)}


def activity_totals(session: Session, view: View, previous: Period) -> dict[int, dict]:
    A = ActivityDaily
    current = case((A.day >= view.period.start, 1), else_=0)
    columns = (
        "contributions",
        "impressions",
        "impressions_known",
        "engagement_known",
        "reactions",
        "comments",
        "shares",
        "clicks",
        "engagements",
        "impressions_imported",
    )
    query = select(current, *(func.sum(getattr(A, c)) for c in columns)).where(
        A.day.between(previous.start, view.period.end)
    )
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    return {
        row[0]: dict(zip(columns, map(int, row[1:]), strict=True))
        for row in session.execute(query.group_by(current))
    }


def activity_series(session: Session, view: View) -> pd.DataFrame:
    A = ActivityDaily
    bucket = bucket_number(A.day, view.period)
    query = (
        select(
            bucket.label("bucket"),
            A.platform,
            func.sum(A.contributions).label("contributions"),
            func.sum(A.impressions).label("impressions"),
            func.sum(A.reactions + A.comments + A.shares + A.engagements).label("engagement"),
        )
        .where(A.day.between(view.period.start, view.period.end))
        .group_by(bucket, A.platform)
        .order_by(bucket, A.platform)
    )
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    return with_buckets(
        frame(session, query, ints=("contributions", "impressions", "engagement")), view.period
    )


def bucket_number(column, period: Period, on_dates: bool = True):
    """SQL: the number of the period's bucket holding `column` (a date, or a date-time when
    `on_dates` is False), 0 for the first."""
    starts = period.bucket_starts()
    if len(starts) == 1:
        return literal(0)
    bounds = starts[1:] if on_dates else [datetime.combine(s, datetime.min.time()) for s in starts[1:]]
    return case(*((column < bound, i) for i, bound in enumerate(bounds)), else_=len(starts) - 1)


def with_buckets(df: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Replace the bucket number by the bucket's first day."""
    starts = period.bucket_starts()
    df = df.copy()
    df["bucket"] = [starts[int(n)] for n in df["bucket"]]
    return df


def frame(session: Session, query, ints=(), floats=()) -> pd.DataFrame:
    result = session.execute(query)
    df = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in ints:
        df[column] = df[column].astype("int64")
    for column in floats:
        df[column] = df[column].astype("float64")
    return df


def departments(session: Session, view: View, people: dict) -> pd.DataFrame:
    """Every department (key 0: none) with its workforce on the period's last day, how many of them
    are contributors in the period, and the contributions recorded in it."""
    key, period = _member_department(), view.period
    is_contributor = case((contributor(period.start, period.end), 1), else_=0)
    heads: dict[int, tuple[int, int]] = {
        k: (int(n), int(c))
        for k, n, c in session.execute(
            select(key, func.count(), func.sum(is_contributor)).where(workforce(period.end)).group_by(key)
        )
    }
    names = dict(session.execute(select(Department.id, Department.name)).all())
    keys = sorted(
        set(heads) | set(people["department"]) | set(names), key=lambda k: (k == 0, names.get(k, ""))
    )
    rows = []
    for k in keys:
        contributions = people["department"].get(k, (0, 0))[1]
        n, members = heads.get(k, (0, 0))
        if n or contributions:
            rows.append((k or None, names.get(k), n, members, contributions))
    return pd.DataFrame(
        rows, columns=["department_id", "department", "workforce", "contributors", "contributions"]
    )


def top_people(session: Session, people: dict) -> pd.DataFrame:
    ranked = people["person"]
    found = {
        uid: (None if opted_out else name, dept)
        for uid, name, opted_out, dept in session.execute(
            select(User.id, User.full_name, User.leaderboard_opt_out, Department.name)
            .outerjoin(Department, Department.id == User.department_id)
            .where(User.id.in_([r[0] for r in ranked]))
        )
    }
    return pd.DataFrame(
        [(*found[uid], n) for uid, _, n in ranked], columns=["name", "department", "contributions"]
    ).astype({"contributions": "int64"})


def top_teams(session: Session, people: dict, day: date) -> pd.DataFrame:
    """The top teams with their headcount (the workforce on `day`) and contributors."""
    ranked = people["team"]
    ids = [r[0] for r in ranked]
    names = {
        tid: (team, dept)
        for tid, team, dept in session.execute(
            select(Team.id, Team.name, Department.name)
            .join(Department, Department.id == Team.department_id)
            .where(Team.id.in_(ids))
        )
    }
    heads = dict(
        session.execute(
            select(User.team_id, func.count())
            .where(workforce(day), User.team_id.in_(ids))
            .group_by(User.team_id)
        ).all()
    )
    return pd.DataFrame(
        [(*names[tid], heads.get(tid, 0), active, n) for tid, active, n in ranked],
        columns=["team", "department", "headcount", "contributors", "contributions"],
    ).astype({"headcount": "int64", "contributors": "int64", "contributions": "int64"})
