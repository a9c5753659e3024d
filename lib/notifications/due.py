"""What is due to be sent now: one `Due` per message, each named by a key that makes it unique
(the same reminder is never due twice). Every list is one SQL query; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from lib.core.models import (
    Assignment,
    Certification,
    CustomerSignal,
    NotificationOptOut,
    TrainingModule,
    User,
    UserRole,
)
from lib.core.permissions import holders
from lib.notifications.kinds import ANY_TEAM, Choice, choices, signal_contacts
from lib.training.assignments import applies_to, is_learner, passed_current

DIGEST = "overview.digest"  # the action whose holders receive the monthly digest


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    recipient: str
    language: str
    user_id: int | None = None
    params: dict = field(default_factory=dict)


def _person(user: User, key: str, kind: str, **params) -> Due:
    return Due(key, kind, user.email, user.language, user.id, {"name": user.full_name, **params})


def _assignments(session: Session, kind: str, when, today: date) -> list[Due]:
    """Assignments not yet passed at the module's current version, for each active learner they concern."""
    rows = session.execute(
        select(User, Assignment.id, Assignment.module_slug, Assignment.due_on)
        .select_from(Assignment)
        .join(User, applies_to(User.id, User.department_id))
        .join(TrainingModule, TrainingModule.slug == Assignment.module_slug)
        .where(User.is_active, is_learner(User.id), when, ~passed_current(User.id, Assignment.module_slug))
        .order_by(Assignment.id, User.id)
    ).all()
    return [
        _person(
            user,
            f"{kind}:{aid}:{user.id}",
            kind,
            module=slug,
            due_on=due_on.isoformat(),
            days_late=(today - due_on).days,
        )
        for user, aid, slug, due_on in rows
    ]


def _latest_certificates():
    latest = (
        select(Certification.user_id, func.max(Certification.id).label("id"))
        .group_by(Certification.user_id)
        .subquery()
    )
    return (
        select(User, Certification)
        .join(latest, latest.c.id == Certification.id)
        .join(User, User.id == Certification.user_id)
    )


def _certificates(session: Session, choice: Choice, expired: Choice, now: datetime) -> list[Due]:
    out: list[Due] = []
    horizon = now + timedelta(days=max(choice.timing))
    window_start = now - timedelta(days=expired.timing[0])
    query = _latest_certificates().where(
        User.is_active, is_learner(User.id), Certification.expires_at.between(window_start, horizon)
    )
    for user, cert in session.execute(query.order_by(Certification.id)).all():
        until = cert.expires_at.date().isoformat()
        if cert.expires_at <= now:
            if expired.enabled:
                out.append(
                    _person(user, f"certification_expired:{cert.id}", "certification_expired", until=until)
                )
        elif choice.enabled and cert.expires_at <= horizon:
            # The nearest threshold already reached: a first run 5 days before expiry sends the
            # 7-day reminder, not the 30-day one as well.
            days = min(d for d in choice.timing if cert.expires_at <= now + timedelta(days=d))
            out.append(
                _person(
                    user,
                    f"certification_expiring:{cert.id}:{days}",
                    "certification_expiring",
                    until=until,
                    days=(cert.expires_at - now).days,
                )
            )
    return out


def _manager_summaries(session: Session, choice: Choice, today: date) -> list[Due]:
    """Monday-to-Sunday weeks: from the chosen weekday on, each manager whose reports have training
    overdue or due within 7 days gets counts only (no names of others in an e-mail)."""
    if today.weekday() < choice.timing[0]:
        return []
    report, manager = aliased(User), aliased(User)
    week = today.isocalendar()
    overdue = func.sum(case((Assignment.due_on < today, 1), else_=0))
    soon = func.sum(case((Assignment.due_on >= today, 1), else_=0))
    rows = session.execute(
        select(manager, func.count(func.distinct(report.id)), overdue, soon)
        .select_from(Assignment)
        .join(report, applies_to(report.id, report.department_id))
        .join(manager, manager.id == report.manager_id)
        .join(TrainingModule, TrainingModule.slug == Assignment.module_slug)
        .where(
            report.is_active,
            manager.is_active,
            is_learner(report.id),
            Assignment.due_on <= today + timedelta(days=7),
            ~passed_current(report.id, Assignment.module_slug),
        )
        .group_by(manager.id)
        .order_by(manager.id)
    ).all()
    return [
        _person(
            m,
            f"manager_summary:{m.id}:{week.year}-W{week.week:02d}",
            "manager_summary",
            people=people,
            overdue=int(late or 0),
            soon=int(near or 0),
        )
        for m, people, late, near in rows
    ]


def _signals_late(session: Session, choice: Choice, now: datetime) -> list[Due]:
    contacts = signal_contacts(session)
    languages: dict[str, str] = (
        dict(session.execute(select(func.lower(User.email), User.language)).all()) if contacts else {}
    )
    rows = session.scalars(
        select(CustomerSignal)
        .where(
            CustomerSignal.status == "new",
            CustomerSignal.ack_due_at < now,
            CustomerSignal.ack_due_at >= now - timedelta(days=choice.timing[0]),
        )
        .order_by(CustomerSignal.id)
    ).all()
    out = []
    for signal in rows:
        for address in contacts.get(signal.owner_team or "", []) or contacts.get(ANY_TEAM, []):
            out.append(
                Due(
                    f"signal_late:{signal.id}:{address.lower()}",
                    "signal_late",
                    address,
                    languages.get(address.lower(), "fr"),
                    None,
                    {
                        "signal": signal.id,
                        "type": signal.signal_type,
                        "category": signal.category,
                        "customer": signal.customer_name,
                        "team": signal.owner_team or "",
                        "hours_late": int((now - signal.ack_due_at).total_seconds() // 3600),
                    },
                )
            )
    return out


def _signals_resolved(session: Session, choice: Choice, now: datetime) -> list[Due]:
    rows = session.execute(
        select(User, CustomerSignal)
        .join(User, User.id == CustomerSignal.reporter_id)
        .where(
            User.is_active,
            CustomerSignal.status == "resolved",
            CustomerSignal.resolved_at >= now - timedelta(days=choice.timing[0]),
        )
        .order_by(CustomerSignal.id)
    ).all()
    return [
        _person(
            user,
            f"signal_resolved:{s.id}",
            "signal_resolved",
            signal=s.id,
            type=s.signal_type,
            customer=s.customer_name,
            resolution=s.resolution or "",
        )
        for user, s in rows
    ]


def _digests(session: Session, choice: Choice, today: date) -> list[Due]:
    """From the chosen day of each month on, executives get last month's board report."""
    if today.day < choice.timing[0]:
        return []
    last_month_end = today.replace(day=1) - timedelta(days=1)
    month = last_month_end.strftime("%Y-%m")
    users = session.scalars(
        select(User)
        .where(
            User.is_active, User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(holders(DIGEST))))
        )
        .order_by(User.id)
    ).all()
    return [
        _person(
            u,
            f"executive_digest:{u.id}:{month}",
            "executive_digest",
            month=month,
            start=last_month_end.replace(day=1).isoformat(),
            end=last_month_end.isoformat(),
        )
        for u in users
    ]


def due_now(session: Session, now: datetime) -> list[Due]:
    """Every message due at `now` (UTC) for the kinds HR switched on, less the optional kinds that
    their recipient switched off."""
    chosen = choices(session)
    today = now.date()
    out: list[Due] = []

    def on(kind: str) -> bool:
        return chosen[kind].enabled

    if on("training_assigned"):
        since = now - timedelta(days=chosen["training_assigned"].timing[0])
        out += _assignments(session, "training_assigned", Assignment.created_at >= since, today)
    if on("training_due_soon"):
        horizon = today + timedelta(days=chosen["training_due_soon"].timing[0])
        out += _assignments(
            session,
            "training_due_soon",
            and_(Assignment.due_on >= today, Assignment.due_on <= horizon),
            today,
        )
    if on("training_overdue"):
        oldest = today - timedelta(days=chosen["training_overdue"].timing[0])
        out += _assignments(
            session, "training_overdue", and_(Assignment.due_on < today, Assignment.due_on >= oldest), today
        )
    if on("certification_expiring") or on("certification_expired"):
        out += _certificates(session, chosen["certification_expiring"], chosen["certification_expired"], now)
    if on("manager_summary"):
        out += _manager_summaries(session, chosen["manager_summary"], today)
    if on("signal_late"):
        out += _signals_late(session, chosen["signal_late"], now)
    if on("signal_resolved"):
        out += _signals_resolved(session, chosen["signal_resolved"], now)
    if on("executive_digest"):
        out += _digests(session, chosen["executive_digest"], today)
    return _without_opt_outs(session, out)


def _without_opt_outs(session: Session, due: list[Due]) -> list[Due]:
    off = {
        (row.user_id, row.kind)
        for row in session.execute(select(NotificationOptOut.user_id, NotificationOptOut.kind))
    }
    return [d for d in due if (d.user_id, d.kind) not in off]
