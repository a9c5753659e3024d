"""Append-only audit trail. There is deliberately no function to update or delete events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from lib.core.i18n import catalogue, label, t
from lib.core.models import AuditEvent, User
from lib.core.permissions import Actor, require_role

SECRET_WORDS = ("password", "cookie", "token", "secret")


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    target: str | None = None,
    *,
    subject: int | None = None,
    **details,
):
    """Add one event to the trail, in the caller's transaction.

    `subject` is the id of the person the event is about; `target` names anything else (never a
    person's name or e-mail). Secrets are never stored.
    """
    clean = {k: v for k, v in details.items() if not any(w in k.lower() for w in SECRET_WORDS)}
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor=None if actor and actor.id else (actor.username if actor else "anonymous"),
            action=action,
            subject_id=subject,
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
    by, about = aliased(User), aliased(User)
    actor_name = func.coalesce(by.username, AuditEvent.actor)
    query = (
        select(
            AuditEvent.at,
            actor_name,
            AuditEvent.action,
            about.username,
            AuditEvent.target,
            AuditEvent.details,
        )
        .outerjoin(by, by.id == AuditEvent.actor_id)
        .outerjoin(about, about.id == AuditEvent.subject_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(actor_name.contains(who.strip().lower(), autoescape=True))
    if start:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min))
    if end:
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min))
    return [
        {"at": at, "actor": name, "action": act, "target": subject or target, "details": details}
        for at, name, act, subject, target, details in session.execute(query)
    ]


class _Blank(dict):
    """Format parameters where a detail the event lacks reads as "—" instead of failing."""

    def __missing__(self, key: str) -> str:
        return "—"


def _value(value, lang: str) -> str:
    """A detail as a person reads it: codes labelled, lists joined, nothing as "—"."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no", lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, lang) for v in value) or "—"
    if isinstance(value, str) and f"vocab.{value}" in catalogue():
        return label(value, lang)
    return str(value)


def describe(action: str, details: dict | None, lang: str, target: str | None = None) -> str:
    """One audit event as a sentence in `lang` ("Roles of emma changed from Employee to Employee, HR.");
    an action without a sentence of its own is named plainly, with its details."""
    details = details or {}
    params = _Blank({k: _value(v, lang) for k, v in details.items()})
    params["target"] = target or "—"
    key = f"audit.event.{action}"
    if key in catalogue():
        return t(key, lang).format_map(params)
    extra = "; ".join(f"{k}: {params[k]}" for k in details)
    return t("audit.event.other", lang).format_map(
        _Blank(action=action, target=target or "—", details=extra or "—")
    )
