"""Trends and breakdowns of the leadership overview, from the rollups (migration 0006) and the
signals table: series by day, week or month aligned on the period's own bounds (see
`Period.bucket_starts`), breakdowns by platform and department, what the signals teach
(category, outcome, value, time to resolution, owning teams), and the fair comparison of figures
that depend on age (open losses, resolution rate at the same age).

Sums and counts run in SQL, grouped by a bucket number computed in SQL from the period's bucket
bounds; only medians (not portable in SQL) are taken in Python over the period's rows.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from lib.core.models import ActivityDaily, AmbassadorDay, CustomerSignal, Department, SignalAck
from lib.core.periods import Period, View
from lib.insight.figures_activity import bucket_number, frame, with_buckets
from lib.insight.figures_signals import _in_euros


def activity_trend(session: Session, view: View) -> pd.DataFrame:
    """Per bucket and platform: contributions, impressions, engagement, the engagement of the
    contributions whose reach is known (for the rate), and clicks (for earned value)."""
    A, period = ActivityDaily, view.period
    bucket = bucket_number(A.day, period)
    query = (
        select(
            bucket.label("bucket"),
            A.platform,
            func.sum(A.contributions).label("contributions"),
            func.sum(A.impressions).label("impressions"),
            func.sum(A.reactions + A.comments + A.shares + A.engagements).label("engagement"),
            func.sum(A.engagement_known).label("engagement_known"),
            func.sum(A.clicks).label("clicks"),
        )
        .where(A.day.between(period.start, period.end))
        .group_by(bucket, A.platform)
        .order_by(bucket, A.platform)
    )
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    ints = ("contributions", "impressions", "engagement", "engagement_known", "clicks")
    return with_buckets(frame(session, query, ints=ints), period)


def active_trend(session: Session, view: View) -> pd.DataFrame:
    """Per bucket: contributors in it (people with at least one counted contribution, in scope)."""
    D, period = AmbassadorDay, view.period
    bucket = bucket_number(D.day, period)
    query = (
        select(bucket.label("bucket"), func.count(distinct(D.user_id)).label("contributors"))
        .where(D.day.between(period.start, period.end), D.contributions > 0)
        .group_by(bucket)
        .order_by(bucket)
    )
    if view.department_id:
        query = query.where(D.department_key == view.department_id)
    return with_buckets(frame(session, query, ints=("contributors",)), period)


def ack_trend(session: Session, view: View, target_hours: float) -> pd.DataFrame:
    """Per bucket of report: acknowledged signals, the median hours to acknowledge, and the share
    acknowledged after the target."""
    K, period = SignalAck, view.period
    query = select(K.reported_at, K.hours).where(
        K.reported_at >= period.starts_at, K.reported_at < period.ends_at
    )
    if view.department_id:
        query = query.where(K.department_key == view.department_id)
    rows = pd.DataFrame(session.execute(query).all(), columns=["reported_at", "hours"])
    columns = ["bucket", "acknowledged", "median_hours", "late_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["bucket"] = [period.bucket_of(t.date()) for t in pd.to_datetime(rows["reported_at"])]
    rows["late"] = rows["hours"] > target_hours
    out = rows.groupby("bucket").agg(
        acknowledged=("hours", "size"), median_hours=("hours", "median"), late_share=("late", "mean")
    )
    return out.reset_index()[columns].astype({"acknowledged": "int64"})


def breakdown(session: Session, view: View, by: str) -> pd.DataFrame:
    """Reach, engagement and clicks of the period by platform or by department (key 0: none)."""
    A, period = ActivityDaily, view.period
    key = A.platform if by == "platform" else A.department_key
    query = (
        select(
            key.label(by),
            func.sum(A.contributions).label("contributions"),
            func.sum(A.impressions).label("impressions"),
            func.sum(A.reactions + A.comments + A.shares + A.engagements).label("engagement"),
            func.sum(A.clicks).label("clicks"),
        )
        .where(A.day.between(period.start, period.end))
        .group_by(key)
    )
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    df = frame(session, query, ints=("contributions", "impressions", "engagement", "clicks"))
    if by == "department":
        names = dict(session.execute(select(Department.id, Department.name)).all())
        df["department"] = [names.get(k) for k in df["department"]]
    return df.sort_values("impressions", ascending=False, ignore_index=True)


def _resolution_days(rows: pd.DataFrame) -> pd.Series:
    return (
        pd.to_datetime(rows["resolved_at"]) - pd.to_datetime(rows["reported_at"])
    ).dt.total_seconds() / 86400


def learning(session: Session, view: View, eur: dict[str, float]) -> dict[str, pd.DataFrame]:
    """What the period's signals teach: by type, category and outcome (count, value in euros,
    resolved, median days to resolution), and by owning team."""
    S, period = CustomerSignal, view.period
    value = _in_euros(S.estimated_value, func.coalesce(S.currency, "EUR"), eur)
    query = select(
        S.signal_type,
        S.category,
        S.status,
        S.resolution,
        S.owner_team,
        value.label("value_eur"),
        S.reported_at,
        S.resolved_at,
    ).where(S.reported_at >= period.starts_at, S.reported_at < period.ends_at)
    if view.department_id:
        query = query.where(S.department_id == view.department_id)
    rows = frame(session, query, floats=("value_eur",))
    rows["outcome"] = [
        (r if r else "resolved") if s == "resolved" else "open"
        for s, r in zip(rows["status"], rows["resolution"], strict=True)
    ]
    rows["days"] = _resolution_days(rows).where(rows["status"] == "resolved")
    by_category = (
        rows.groupby(["signal_type", "category", "outcome"], dropna=False)
        .agg(signals=("status", "size"), value_eur=("value_eur", "sum"), median_days=("days", "median"))
        .reset_index()
        .astype({"signals": "int64"})
    )
    teams = (
        rows.assign(owner_team=rows["owner_team"].fillna(""), resolved=rows["status"] == "resolved")
        .groupby("owner_team")
        .agg(
            signals=("status", "size"),
            resolved=("resolved", "sum"),
            value_eur=("value_eur", "sum"),
            median_days=("days", "median"),
        )
        .reset_index()
        .astype({"signals": "int64", "resolved": "int64"})
        .sort_values("signals", ascending=False, ignore_index=True)
    )
    return {"by_category": by_category, "by_team": teams}


def at_same_age(session: Session, view: View, previous: Period, now: datetime) -> dict[int, dict]:
    """Signals reported, resolved, and open losses of both periods, the previous one read as it
    stood when it was as old as the current one is now: the same time after its end (or, for a
    period still running, the same time into it), so its signals had no longer to be resolved."""
    S = CustomerSignal
    age = now - view.period.ends_at
    out: dict[int, dict] = {}
    for flag, period, cutoff in ((1, view.period, now), (0, previous, previous.ends_at + age)):
        # resolved by then (a resolution without its time counts as resolved in time: unknowable)
        resolved_by = and_(S.status == "resolved", or_(S.resolved_at.is_(None), S.resolved_at < cutoff))
        query = select(
            func.count(),
            func.sum(case((resolved_by, 1), else_=0)),
            func.sum(case((and_(S.signal_type == "loss", or_(~resolved_by)), 1), else_=0)),
        ).where(S.reported_at >= period.starts_at, S.reported_at < min(period.ends_at, cutoff))
        if view.department_id:
            query = query.where(S.department_id == view.department_id)
        total, resolved, open_losses = session.execute(query).one()
        out[flag] = {
            "signals": int(total or 0),
            "resolved": int(resolved or 0),
            "open_losses": int(open_losses or 0),
            "age_days": max(age.days, 0),
        }
    return out
