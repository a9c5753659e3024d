"""Leadership figures from the customer-signal rollups (migration 0006): wins, losses, their
values in euros, open losses, the median time to acknowledge, and the latest signals."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Float, case, func, select, type_coerce
from sqlalchemy.orm import Session

from lib.core.models import CustomerSignal, Department, SignalAck, SignalDaily
from lib.core.periods import Period, View
from lib.insight.figures_activity import bucket_number, frame, with_buckets

FEED = 8  # latest signals shown


def _in_period(
    column, period_start: date, period_end: date, department_column, department_id: int | None
) -> list:
    conditions = [column.between(period_start, period_end)]
    return conditions + ([department_column == department_id] if department_id else [])


def _in_euros(amount, currency, eur: dict[str, float]):
    """`amount` in `currency`, converted to euros at the rates `eur` (currency: euros; unrounded)."""
    return type_coerce(amount * case(eur, value=currency, else_=1.0), Float)


def signal_totals(session: Session, view: View, previous: Period, eur: dict[str, float]) -> dict[int, dict]:
    """Wins, losses (count, value in euros), open losses and the median hours to acknowledge."""
    G = SignalDaily
    current = case((G.day >= view.period.start, 1), else_=0)
    value = _in_euros(G.value, G.currency, eur)
    query = (
        select(current, G.signal_type, func.sum(G.signals), func.sum(value), func.sum(G.open_signals))
        .where(*_in_period(G.day, previous.start, view.period.end, G.department_key, view.department_id))
        .group_by(current, G.signal_type)
    )
    out: dict[int, dict] = {0: {}, 1: {}}
    for flag, signal_type, count, total, still_open in session.execute(query):
        plural = {"win": "wins", "loss": "losses"}[signal_type]
        out[flag] |= {plural: int(count), f"{signal_type}_value": float(total or 0)}
        if signal_type == "loss":
            out[flag]["open_losses"] = int(still_open)
    for flag, period in ((1, view.period), (0, previous)):
        out[flag]["median_ack_hours"] = _median_ack_hours(session, period, view.department_id)
    return out


def _median_ack_hours(session: Session, period: Period, department_id: int | None) -> float | None:
    """The median hours from report to acknowledgement of the period's acknowledged signals:
    count them, then read the one or two middle values (a bounded sort, no window)."""
    K = SignalAck
    scope = [K.reported_at >= period.starts_at, K.reported_at < period.ends_at]
    scope += [K.department_key == department_id] if department_id else []
    n = session.scalar(select(func.count()).select_from(K).where(*scope))
    if not n:
        return None
    middle = session.scalars(
        select(K.hours).where(*scope).order_by(K.hours).limit(2 - n % 2).offset((n - 1) // 2)
    ).all()
    return sum(middle) / len(middle)


def signal_series(session: Session, view: View, eur: dict[str, float]) -> pd.DataFrame:
    G = SignalDaily
    bucket = bucket_number(G.day, view.period)
    value = _in_euros(G.value, G.currency, eur)
    query = (
        select(
            bucket.label("bucket"),
            G.signal_type,
            func.sum(G.signals).label("signals"),
            func.sum(value).label("value_eur"),
        )
        .where(*_in_period(G.day, view.period.start, view.period.end, G.department_key, view.department_id))
        .group_by(bucket, G.signal_type)
        .order_by(bucket, G.signal_type)
    )
    return with_buckets(frame(session, query, ints=("signals",), floats=("value_eur",)), view.period)


def latest_signals(session: Session, view: View, eur: dict[str, float]) -> pd.DataFrame:
    S = CustomerSignal
    value = _in_euros(S.estimated_value, func.coalesce(S.currency, "EUR"), eur)
    query = (
        select(
            S.reported_at,
            S.signal_type,
            S.category,
            S.customer_name.label("customer"),
            Department.name.label("department"),
            S.status,
            value.label("value_eur"),
        )
        .outerjoin(Department, Department.id == S.department_id)
        .where(S.reported_at >= view.period.starts_at, S.reported_at < view.period.ends_at)
        .where(*([S.department_id == view.department_id] if view.department_id else []))
        .order_by(S.reported_at.desc(), S.id.desc())
        .limit(FEED)
    )
    return frame(session, query, floats=("value_eur",))
