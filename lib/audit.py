"""Append-only audit trail. There is deliberately no function to update or delete events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.access import Actor, require_role
from lib.models import AuditEvent

SECRET_WORDS = ("password", "cookie", "token", "secret")


def record(session: Session, actor: Actor | None, action: str, target: str | None = None, **details):
    """Add one event to the trail, in the caller's transaction. Secrets are never stored."""
    clean = {k: v for k, v in details.items() if not any(w in k.lower() for w in SECRET_WORDS)}
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor=actor.username if actor else "anonymous",
            action=action,
            target=target,
            details=clean,
        )
    )


def actions(session: Session, actor: Actor) -> list[str]:
    """The distinct kinds of event recorded so far (for the filter)."""
    require_role(actor, "admin")
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def browse(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    who: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 500,
) -> list[dict]:
    """The latest events matching the filters, newest first (admins only)."""
    require_role(actor, "admin")
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(AuditEvent.actor.contains(who.strip().lower(), autoescape=True))
    if start:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min))
    if end:
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min))
    return [
        {"at": e.at, "actor": e.actor, "action": e.action, "target": e.target, "details": e.details}
        for e in session.scalars(query)
    ]
