"""Append-only audit trail. There is deliberately no function to update or delete events, with one
exception the law requires: `scrub`, which erasure uses to replace an erased person's identifiers
wherever an event names them (its action, time, actor and subject ids stay as recorded)."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from lib.core import logs
from lib.core.i18n import catalogue, label, t
from lib.core.models import AuditEvent, User
from lib.core.permissions import Actor, require

SECRET_WORDS = ("password", "cookie", "token", "secret")
_LOG = logs.get("audit")
# audited actions an operator should notice
WARNINGS = {"login.failed", "login.sso_refused", "login.refused_sso_only"}
UNLOGGED_TARGET = {"login.failed"}  # what was typed as a user name may be a mistyped password


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
    fields = {
        **clean,
        "actor_id": actor.id if actor else None,
        "actor": None if actor and actor.id else (actor.username if actor else "anonymous"),
        "subject_id": subject,
        "target": None if action in UNLOGGED_TARGET else target,
    }
    level = logging.WARNING if action in WARNINGS else logging.INFO
    logs.on_commit(session, _LOG, level, action, **{k: v for k, v in fields.items() if v is not None})


def scrub(session: Session, identifiers: list[str], replacement: str) -> int:
    """Replace `identifiers` (an erased person's username, e-mail, name; any case) with `replacement`
    in the target and details of every event that holds one (export scopes, sign-ins recorded before
    unknown usernames stopped being kept...). Returns how many events changed. For erasure only."""
    identifiers = sorted({i for i in identifiers if i}, key=len, reverse=True)
    if not identifiers:
        return 0
    pattern = re.compile("|".join(re.escape(i) for i in identifiers), re.IGNORECASE)
    # Candidates found in SQL by the identifiers' ASCII runs ("milie", "zorglub"): JSON text may hold
    # "Émilie" as typed or as \u00c9milie, and SQL lower() may not fold non-ASCII letters.
    runs = {run.lower() for i in identifiers for run in re.findall(r"[A-Za-z0-9@._'+-]{3,}", i)}
    texts = (func.lower(AuditEvent.target), func.lower(cast(AuditEvent.details, Text)))
    matches = [text.contains(run, autoescape=True) for run in sorted(runs) for text in texts]
    if not matches:
        return 0
    events = session.scalars(select(AuditEvent).where(or_(*matches))).all()

    def clean(value):
        if isinstance(value, str):
            return pattern.sub(replacement, value)
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    for event in events:
        event.target, event.details = clean(event.target), clean(event.details)
    return len(events)


def actions(session: Session, actor: Actor) -> list[str]:
    """The distinct kinds of event recorded so far (for the filter)."""
    require(actor, "audit.view")
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
    require(actor, "audit.view")
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
