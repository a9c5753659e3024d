"""Append-only audit trail. There is deliberately no function to update or delete events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lib.access import Actor
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
