"""Personal data: a person's own export, and erasure by an administrator.

Erasure anonymises rather than deletes, so every count, sum and trend stays right: the account
row keeps its id but loses every identifier, free texts the person wrote lose their links and
notes, and their name, username and e-mail are scrubbed from texts others wrote about them. The
audit trail refers to people by id; where an event's target or details name the person (an export's
scope, a sign-in recorded before unknown usernames stopped being kept), erasure scrubs them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from lib.core import audit
from lib.core.errors import invalid
from lib.core.formatting import to_excel
from lib.core.i18n import label, t
from lib.core.models import (
    Assignment,
    AuditEvent,
    Certification,
    Contribution,
    CustomerSignal,
    LessonProgress,
    ModuleCompletion,
    Notification,
    PolicyAcknowledgement,
    QuizAttempt,
    QuizDraw,
    SignalEvent,
    User,
    UserRole,
    utcnow,
)
from lib.core.permissions import Actor, require
from lib.core.vocab import BASE_ROLE
from lib.insight.participation import settings as participation_settings
from lib.people.accounts import end_sessions, get_user

# What a person's export holds, one sheet (or JSON list) per kind: (kind, model, owner column, columns).
# Internal ids, import hashes and password hashes are left out; codes stay codes in the JSON and are
# labelled in the workbook.
OWNED = (
    (
        "contributions",
        Contribution,
        Contribution.user_id,
        (
            "occurred_on",
            "platform",
            "kind",
            "url",
            "impressions",
            "reactions",
            "comments",
            "shares",
            "clicks",
            "minutes_spent",
            "note",
            "created_at",
        ),
    ),
    (
        "signals",
        CustomerSignal,
        CustomerSignal.reporter_id,
        (
            "reported_at",
            "signal_type",
            "category",
            "customer_name",
            "platform",
            "url",
            "estimated_value",
            "currency",
            "description",
            "status",
            "resolution",
            "owner_team",
            "acknowledged_at",
            "resolved_at",
        ),
    ),
    ("signal_comments", SignalEvent, SignalEvent.actor_id, ("at", "from_status", "to_status", "comment")),
    (
        "lessons",
        LessonProgress,
        LessonProgress.user_id,
        ("module_slug", "module_version", "lesson_id", "completed_at"),
    ),
    (
        "quiz_attempts",
        QuizAttempt,
        QuizAttempt.user_id,
        ("module_slug", "module_version", "score_pct", "passed", "submitted_at"),
    ),
    (
        "open_quizzes",
        QuizDraw,
        QuizDraw.user_id,
        ("module_slug", "module_version", "drawn_at"),
    ),
    (
        "modules_passed",
        ModuleCompletion,
        ModuleCompletion.user_id,
        ("module_slug", "module_version", "passed_at"),
    ),
    (
        "policy_acknowledgements",
        PolicyAcknowledgement,
        PolicyAcknowledgement.user_id,
        ("policy_version", "acknowledged_at"),
    ),
    (
        "certificates",
        Certification,
        Certification.user_id,
        ("policy_version", "issued_at", "expires_at"),
    ),
    ("assignments", Assignment, Assignment.user_id, ("module_slug", "due_on", "created_at")),
)
# The audit events that are the person's sign-in record.
SIGN_IN_ACTIONS = ("login.success", "login.failed", "logout")
# Columns whose values are vocabulary codes, labelled in the workbook.
CODED = ("platform", "kind", "signal_type", "category", "status", "resolution", "from_status", "to_status")
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


def _rows(session: Session, model, owner, user_id: int, columns: tuple[str, ...]) -> list[dict]:
    table = model.__table__
    result = session.execute(select(*(table.c[c] for c in columns)).where(owner == user_id))
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in result]


def _audit(session: Session, user_id: int, sign_ins: bool) -> list[dict]:
    """The person's own audit events (done by them or about them), or only their sign-in record."""
    kind = AuditEvent.action.in_(SIGN_IN_ACTIONS)
    about = aliased(User)
    query = (
        select(
            AuditEvent.at,
            AuditEvent.action,
            func.coalesce(about.username, AuditEvent.target).label("target"),
            AuditEvent.details,
        )
        .outerjoin(about, about.id == AuditEvent.subject_id)
        .where(or_(AuditEvent.actor_id == user_id, AuditEvent.subject_id == user_id))
        .where(kind if sign_ins else ~kind)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {"at": _plain(at), "action": action, "target": target, "details": details or {}}
        for at, action, target, details in session.execute(query)
    ]


def personal_data(session: Session, actor: Actor) -> dict:
    """Everything stored about the signed-in person, as plain JSON-ready data, one list per kind."""
    user = get_user(session, actor.user_id)
    profile = {k: _plain(getattr(user, k)) for k in PROFILE}
    profile["department"] = user.department.name if user.department else None
    profile["team"] = user.team.name if user.team else None
    profile["manager"] = get_user(session, user.manager_id).full_name if user.manager_id else None
    profile["roles"] = ", ".join(user.roles)
    data: dict = {"profile": profile}
    for kind, model, owner, columns in OWNED:
        data[kind] = _rows(session, model, owner, user.id, columns)
    data["sign_ins"] = _audit(session, user.id, sign_ins=True)
    data["audit"] = _audit(session, user.id, sign_ins=False)
    return data


def personal_data_json(session: Session, actor: Actor) -> bytes:
    """The machine-readable export: one JSON object, a list of records per kind."""
    return json.dumps(personal_data(session, actor), ensure_ascii=False, indent=2).encode()


def _labelled(kind: str, rows: list[dict], lang: str) -> pd.DataFrame:
    if kind in ("audit", "sign_ins"):
        rows = [
            {"at": r["at"], "event": audit.describe(r["action"], r["details"], lang, r["target"])}
            for r in rows
        ]
    df = pd.DataFrame(rows)
    for column in df.columns:
        if column in CODED:
            df[column] = df[column].map(lambda v: label(v, lang) if isinstance(v, str) else v)
        elif column.endswith(("_at", "_on")) or column in ("at", "due_on", "start_date"):
            df[column] = pd.to_datetime(df[column], format="ISO8601")
    return df.rename(columns={c: t(f"privacy.col.{c}", lang) for c in df.columns})


def personal_data_excel(session: Session, actor: Actor) -> bytes:
    """The readable export: a workbook with one sheet per kind, columns labelled in the person's
    language (an empty kind keeps its sheet, with its headers)."""
    user = get_user(session, actor.user_id)
    lang = user.language
    data = personal_data(session, actor)
    profile = pd.DataFrame(
        {
            t("privacy.col.field", lang): [t(f"privacy.col.{k}", lang) for k in data["profile"]],
            t("privacy.col.value", lang): [v if v is not None else "" for v in data["profile"].values()],
        }
    )
    sheets = {t("privacy.sheet.profile", lang): profile}
    headers = {kind: columns for kind, _, _, columns in OWNED}
    headers.update({"sign_ins": ("at", "event"), "audit": ("at", "event")})
    for kind, columns in headers.items():
        rows = data[kind]
        df = (
            _labelled(kind, rows, lang)
            if rows
            else pd.DataFrame(columns=[t(f"privacy.col.{c}", lang) for c in columns])
        )
        sheets[t(f"privacy.sheet.{kind}", lang)] = df
    return to_excel(sheets, lang)


def record_export(session: Session, actor: Actor) -> None:
    audit.record(session, actor, "privacy.exported", subject=actor.id)


def _group_size(session: Session, column, value) -> int:
    """People (not erased) who share this department or team, the person included."""
    return session.execute(
        select(func.count()).select_from(User).where(column == value, User.anonymised_at.is_(None))
    ).scalar_one()


def _coarsen(session: Session, user: User) -> None:
    """Clear what could single the person out once their name is gone: the start date always; the team
    and the department when fewer than the minimum group size (participation.min_group_size) share
    it. Figures do not move: contributions and signals carry their own department, and the leaving
    date is kept, so the person still counts in the workforce of the periods before they left
    (lib.people.workforce) and in none after."""
    minimum = participation_settings(session).min_group_size
    user.start_date = None
    if user.team_id is not None and _group_size(session, User.team_id, user.team_id) < minimum:
        user.team_id = None
    if (
        user.department_id is not None
        and _group_size(session, User.department_id, user.department_id) < minimum
    ):
        user.department_id, user.team_id = None, None


def erase(session: Session, actor: Actor, user_id: int) -> None:
    """Anonymise a person everywhere (admins only); aggregates are unaffected."""
    require(actor, "privacy.erase")
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
        update(Notification)
        .where(Notification.user_id == user_id)
        .values(recipient=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(User)
        .where(User.manager_id == user_id)
        .values(manager_id=None)
        .execution_options(synchronize_session=False)
    )
    audit.scrub(session, identifiers, SCRUBBED)  # e.g. the username as an export's scope
    tag = f"erased-{user.id}"
    user.username, user.email, user.full_name = tag, f"{tag}@invalid", SCRUBBED
    user.password_hash, user.job_title, user.manager_id = None, None, None
    _coarsen(session, user)
    if user.is_active:  # erased while still on the roster: they leave today
        user.left_on = utcnow().date()
    user.is_active, user.must_change_password, user.leaderboard_opt_out = False, False, True
    user.anonymised_at = utcnow()
    session.execute(
        delete(UserRole)
        .where(UserRole.user_id == user_id, UserRole.role != BASE_ROLE)
        .execution_options(synchronize_session=False)  # a plain DELETE, as on the table
    )
    end_sessions(session, user)
    audit.record(session, actor, "privacy.erased", subject=user.id)
