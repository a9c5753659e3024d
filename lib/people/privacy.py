"""Personal data: a person's own export, and erasure by an administrator.

Erasure anonymises rather than deletes, so every count, sum and trend stays right: the account
row keeps its id but loses every identifier, free texts the person wrote lose their links and
notes, and their name, username and e-mail are scrubbed from texts others wrote about them. The
audit trail holds ids only (see lib.core.audit), so it needs no change.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.errors import invalid
from lib.core.models import (
    Assignment,
    Certification,
    Contribution,
    CustomerSignal,
    LessonProgress,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    SignalEvent,
    User,
    UserRole,
    utcnow,
)
from lib.core.permissions import Actor, require_role
from lib.people.accounts import end_sessions, get_user

# (model, column holding the person's id) for everything a person owns.
OWNED = (
    (Contribution, Contribution.user_id),
    (CustomerSignal, CustomerSignal.reporter_id),
    (SignalEvent, SignalEvent.actor_id),
    (LessonProgress, LessonProgress.user_id),
    (QuizAttempt, QuizAttempt.user_id),
    (ModuleCompletion, ModuleCompletion.user_id),
    (PolicyAcknowledgement, PolicyAcknowledgement.user_id),
    (Certification, Certification.user_id),
    (Assignment, Assignment.user_id),
)
# Free texts and links anyone may have written a person's name or handle into.
FREE_TEXTS = (
    (Contribution, Contribution.note),
    (Contribution, Contribution.url),
    (CustomerSignal, CustomerSignal.description),
    (CustomerSignal, CustomerSignal.customer_name),
    (CustomerSignal, CustomerSignal.url),
    (SignalEvent, SignalEvent.comment),
)
PROFILE = ("username", "email", "full_name", "job_title", "language", "start_date", "created_at")
SCRUBBED = "[erased]"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rows(session: Session, model, column, user_id: int) -> list[dict]:
    names = [c.name for c in model.__table__.columns]
    result = session.execute(select(*model.__table__.columns).where(column == user_id))
    return [{n: _plain(v) for n, v in zip(names, row)} for row in result]


def personal_data(session: Session, actor: Actor) -> dict:
    """Everything stored about the signed-in person, as plain JSON-ready data."""
    user = get_user(session, actor.id)
    data = {"profile": {k: _plain(getattr(user, k)) for k in PROFILE}, "roles": user.roles}
    data["profile"]["department"] = user.department.name if user.department else None
    for model, column in OWNED:
        data[model.__tablename__] = _rows(session, model, column, user.id)
    return data


def personal_data_json(session: Session, actor: Actor) -> bytes:
    return json.dumps(personal_data(session, actor), ensure_ascii=False, indent=2).encode()


def record_export(session: Session, actor: Actor) -> None:
    audit.record(session, actor, "privacy.exported", subject=actor.id)


def erase(session: Session, actor: Actor, user_id: int) -> None:
    """Anonymise a person everywhere (admins only); aggregates are unaffected."""
    require_role(actor, "admin")
    if user_id == actor.id:
        raise invalid("privacy.cannot_erase_self")
    user = get_user(session, user_id)
    if user.anonymised_at is not None:
        raise invalid("privacy.already_erased")
    identifiers = sorted({user.full_name, user.username, user.email} - {""}, key=len, reverse=True)
    for model, column in FREE_TEXTS:
        for ident in identifiers:
            session.execute(
                update(model)
                .where(column.contains(ident, autoescape=True))
                .values({column: func.replace(column, ident, SCRUBBED)})
                .execution_options(synchronize_session=False)
            )
    session.execute(
        update(Contribution)
        .where(Contribution.user_id == user_id)
        .values(url=None, note=None, import_key=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CustomerSignal)
        .where(CustomerSignal.reporter_id == user_id)
        .values(url=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(User)
        .where(User.manager_id == user_id)
        .values(manager_id=None)
        .execution_options(synchronize_session=False)
    )
    tag = f"erased-{user.id}"
    user.username, user.email, user.full_name = tag, f"{tag}@invalid", SCRUBBED
    user.password_hash, user.job_title, user.manager_id = None, None, None
    user.is_active, user.must_change_password, user.leaderboard_opt_out = False, False, True
    user.anonymised_at = utcnow()
    session.execute(
        UserRole.__table__.delete().where(UserRole.user_id == user_id).where(UserRole.role != "employee")
    )
    end_sessions(session, user)
    audit.record(session, actor, "privacy.erased", subject=user.id)
