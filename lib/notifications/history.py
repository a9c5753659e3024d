"""What was sent: the log HR reads (filtered, exported) and a person's own optional-e-mail choices."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.core.models import Notification, User
from lib.core.permissions import Actor, require
from lib.notifications.kinds import OPTIONAL, opted_out

STATUSES = ("sent", "failed", "sending")
LOG_LIMIT = 5000


def log(
    session: Session, actor: Actor, *, kinds: list[str], statuses: list[str], start: date, end: date
) -> pd.DataFrame:
    """Messages created from `start` to `end` (included), newest first (HR or admin); at most LOG_LIMIT."""
    require(actor, "notifications.manage")
    query = (
        select(
            Notification.created_at.label("created"),
            Notification.kind,
            func.coalesce(User.full_name, Notification.recipient).label("recipient"),
            Notification.language,
            Notification.subject,
            Notification.status,
            Notification.attempts,
            Notification.sent_at.label("sent"),
            Notification.last_error.label("error"),
        )
        .outerjoin(User, User.id == Notification.user_id)
        .where(
            Notification.created_at >= datetime.combine(start, time()),
            Notification.created_at < datetime.combine(end + timedelta(days=1), time()),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(LOG_LIMIT)
    )
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    if statuses:
        query = query.where(Notification.status.in_(statuses))
    return pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))


def recent_failures(session: Session, actor: Actor, now: datetime, days: int = 7) -> int:
    """Messages that failed in the last `days` days and are still not sent (HR or admin)."""
    require(actor, "notifications.manage")
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.status == "failed", Notification.updated_at >= now - timedelta(days=days))
        )
        or 0
    )


def my_switched_off(session: Session, actor: Actor) -> list[str]:
    """The optional e-mails the signed-in person switched off."""
    if actor.id is None:
        return []
    return [k for k in OPTIONAL if k in opted_out(session, actor.id)]
