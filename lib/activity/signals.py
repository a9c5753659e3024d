"""Customer signals: the wins and losses ambassadors surface, followed up to a resolution.

A signal moves new → acknowledged → in progress → resolved (won, lost or closed without outcome)
along `TRANSITIONS` only. Its owner (a person) or HR/admin move it; every change and comment is
kept in `signal_events`. An edit based on a stale read is refused (optimistic `version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from lib.core import audit, options
from lib.core.db import fetch
from lib.core.errors import Conflict, NotFound, PermissionDenied, invalid
from lib.core.fields import Checker
from lib.core.i18n import t
from lib.core.models import CustomerSignal, SignalEvent, User, utcnow
from lib.core.permissions import Actor, can, require
from lib.core.vocab import (
    CURRENCIES,
    LOSS_CATEGORIES,
    PLATFORMS,
    SIGNAL_OUTCOMES,
    SIGNAL_TYPES,
    WIN_CATEGORIES,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged",),
    "acknowledged": ("in_progress", "resolved"),
    "in_progress": ("resolved",),
    "resolved": (),
}
CATEGORIES = {"win": WIN_CATEGORIES, "loss": LOSS_CATEGORIES}
VIEWS = ("mine", "assigned", "all")
ACK_HOURS = 24  # default of option signals.ack_hours
TEAMS = ["Sales", "Support", "HR", "Marketing", "Communications"]  # default of option signals.teams
MAX_TEXT = 4000
PAGE_SIZE = 200  # rows of a queue shown at once; the page says how many match and pages through them


def ack_hours(session: Session, actor: Actor | None = None) -> int:
    """The target time to acknowledge a new signal, in hours (option signals.ack_hours)."""
    return int(options.get(session, "signals.ack_hours", ACK_HOURS))


def teams(session: Session, actor: Actor | None = None) -> list[str]:
    """The teams a signal can be handed to (option signals.teams)."""
    return list(options.get(session, "signals.teams", TEAMS))


def team_label(name: str | None, lang: str) -> str | None:
    """A team's name for the interface: the default teams are translated; HR's own names are shown
    as typed."""
    if name in TEAMS:
        return t(f"signals.team.{name}", lang)
    return name


def outcomes(signal_type: str) -> tuple[str, ...]:
    """The outcomes a signal of this type can be resolved with (a loss cannot be "won")."""
    return SIGNAL_OUTCOMES[signal_type]


def is_late(ack_due_at, acknowledged_at) -> bool:
    """Acknowledged after its target time."""
    return acknowledged_at is not None and ack_due_at is not None and acknowledged_at > ack_due_at


def _late_condition():
    s = CustomerSignal
    return and_(s.acknowledged_at.is_not(None), s.acknowledged_at > s.ack_due_at)


def report_signal(session: Session, actor: Actor, **values) -> CustomerSignal:
    """Record a win or a loss; it is due for acknowledgement within `signals.ack_hours`."""
    require(actor, "signals.report")
    ck = Checker()
    signal_type = ck.choice("signals.signal_type", values.get("signal_type"), SIGNAL_TYPES)
    category = values.get("category")
    if signal_type and category not in CATEGORIES[signal_type]:
        ck.fail("signals.bad_category", "signals.category")
    value = ck.amount("signals.estimated_value", values.get("estimated_value"))
    currency = values.get("currency") or None
    if currency is not None and currency not in CURRENCIES:
        ck.fail("activity.unknown_value", "signals.currency", value=currency)
    elif value is not None and currency is None:
        ck.fail("signals.currency_needed", "signals.currency")
    platform = values.get("platform") or None
    if platform is not None and platform not in PLATFORMS:
        ck.fail("activity.unknown_value", "signals.platform", value=platform)
    owner_team = values.get("owner_team") or None
    if owner_team is not None and owner_team not in teams(session):
        ck.fail("activity.unknown_value", "signals.owner_team", value=owner_team)
    signal = CustomerSignal(
        reporter_id=actor.id,
        signal_type=signal_type,
        category=category,
        customer_name=ck.required_text("signals.customer_name", values.get("customer_name"), 200),
        platform=platform,
        url=ck.url("signals.url", values.get("url")),
        estimated_value=value,
        currency=currency if value is not None else None,
        description=ck.required_text("signals.description", values.get("description"), MAX_TEXT),
        owner_team=owner_team,
    )
    ck.raise_if_any()
    now = utcnow()
    reporter = fetch(session, User, actor.user_id, "error.user_not_found")
    signal.department_id = reporter.department_id
    signal.status, signal.reported_at = "new", now
    signal.ack_due_at = now + timedelta(hours=ack_hours(session))
    session.add(signal)
    session.flush()
    session.add(SignalEvent(signal_id=signal.id, actor_id=actor.id, to_status="new", at=now))
    audit.record(
        session, actor, "signal.reported", str(signal.id), signal_type=signal_type, category=category
    )
    return signal


# --- reading ----------------------------------------------------------------------------


def _get(session: Session, signal_id: int) -> CustomerSignal:
    signal = session.get(CustomerSignal, signal_id)
    if signal is None:
        raise NotFound("signals.not_found")
    return signal


def _may_see(actor: Actor, signal: CustomerSignal) -> bool:
    return actor.id in (signal.reporter_id, signal.owner_id) or can(actor, "signals.view_all")


def _may_move(actor: Actor, signal: CustomerSignal) -> bool:
    return actor.id == signal.owner_id or can(actor, "signals.triage")


def _visible(session: Session, actor: Actor, signal_id: int) -> CustomerSignal:
    signal = _get(session, signal_id)
    if not _may_see(actor, signal):
        raise PermissionDenied("signals.not_visible")
    return signal


def overdue_condition(now):
    """SQL: not yet acknowledged although the target time has passed."""
    return and_(CustomerSignal.status == "new", CustomerSignal.ack_due_at < now)


@dataclass(frozen=True)
class SignalFilters:
    view: str = "mine"
    signal_type: str | None = None
    statuses: tuple[str, ...] = ()
    overdue_only: bool = False
    unassigned_only: bool = False  # neither a person nor a team owns it yet


def _view_condition(actor: Actor, view: str):
    s = CustomerSignal
    if view == "mine":
        return s.reporter_id == actor.id
    if view == "assigned":
        return s.owner_id == actor.id
    if view == "all":
        require(actor, "signals.view_all")
        return true()
    raise invalid("activity.unknown_value", "signals.view", value=view)


def _conditions(actor: Actor, f: SignalFilters, now) -> list:
    s = CustomerSignal
    conditions = [_view_condition(actor, f.view)]
    if f.signal_type:
        conditions.append(s.signal_type == f.signal_type)
    if f.statuses:
        conditions.append(s.status.in_(f.statuses))
    if f.overdue_only:
        conditions.append(overdue_condition(now))
    if f.unassigned_only:
        conditions.append(and_(s.owner_id.is_(None), s.owner_team.is_(None)))
    return conditions


def _query(conditions: list, now):
    s = CustomerSignal
    reporter, owner = aliased(User), aliased(User)
    return (
        select(
            s.id,
            s.reported_at,
            s.signal_type,
            s.category,
            s.customer_name,
            s.status,
            s.resolution,
            owner.full_name.label("owner"),
            s.owner_team,
            reporter.full_name.label("reporter"),
            s.ack_due_at,
            s.acknowledged_at,
            case((overdue_condition(now), True), else_=False).label("overdue"),
            case((_late_condition(), True), else_=False).label("late"),
            s.estimated_value,
            s.currency,
        )
        .join(reporter, reporter.id == s.reporter_id)
        .outerjoin(owner, owner.id == s.owner_id)
        .where(*conditions)
        .order_by(s.reported_at.desc(), s.id.desc())
    )


def _frame(session: Session, query) -> pd.DataFrame:
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    df["estimated_value"] = df["estimated_value"].astype("Float64")
    for flag in ("overdue", "late"):
        df[flag] = df[flag].astype(bool)
    return df


def list_signals(
    session: Session, actor: Actor, f: SignalFilters, page: int = 0, page_size: int = PAGE_SIZE
) -> tuple[pd.DataFrame, int, int]:
    """One page (0-based) of a view's signals, newest first; how many match; how many are overdue."""
    require(actor, "signals.report")
    now = utcnow()
    conditions = _conditions(actor, f, now)
    total, overdue = session.execute(
        select(func.count(), func.count(case((overdue_condition(now), 1))))
        .select_from(CustomerSignal)
        .where(*conditions)
    ).one()
    page = max(0, min(int(page), max(total - 1, 0) // page_size))
    query = _query(conditions, now).limit(page_size).offset(page * page_size)
    return _frame(session, query), total, overdue


def export_signals(session: Session, actor: Actor, f: SignalFilters) -> pd.DataFrame:
    """Every signal of a view matching the filters (no paging), for the queue's download."""
    require(actor, "signals.report")
    now = utcnow()
    query = _query(_conditions(actor, f, now), now).add_columns(
        CustomerSignal.platform, CustomerSignal.url, CustomerSignal.resolved_at
    )
    return _frame(session, query)


def signal_detail(session: Session, actor: Actor, signal_id: int) -> dict:
    """A signal, its thread (oldest first) and what the actor may do with it."""
    signal = _visible(session, actor, signal_id)
    by, owner = aliased(User), aliased(User)
    events = session.execute(
        select(
            SignalEvent.at,
            by.full_name.label("by"),
            SignalEvent.from_status,
            SignalEvent.to_status,
            SignalEvent.comment,
            owner.full_name.label("owner"),
            SignalEvent.owner_team,
            case(
                (
                    and_(SignalEvent.to_status == "acknowledged", SignalEvent.at > signal.ack_due_at),
                    True,
                ),
                else_=False,
            ).label("late"),
        )
        .outerjoin(by, by.id == SignalEvent.actor_id)
        .outerjoin(owner, owner.id == SignalEvent.owner_id)
        .where(SignalEvent.signal_id == signal_id)
        .order_by(SignalEvent.at, SignalEvent.id)
    ).all()

    def name(user_id):
        return session.get(User, user_id).full_name if user_id else None

    may_move = _may_move(actor, signal)
    return {
        **{c.key: getattr(signal, c.key) for c in CustomerSignal.__table__.columns},
        "reporter": name(signal.reporter_id),
        "owner": name(signal.owner_id),
        "overdue": signal.status == "new" and signal.ack_due_at < utcnow(),
        "late": is_late(signal.ack_due_at, signal.acknowledged_at),
        "events": [{**e._asdict(), "late": bool(e.late)} for e in events],
        "next_statuses": list(TRANSITIONS[signal.status]) if may_move else [],
        "outcomes": list(outcomes(signal.signal_type)),
        "may_assign": may_move,
    }


def owner_candidates(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the people who can sign in and so can own a signal."""
    require(actor, "signals.report")
    return [
        (user_id, name)
        for user_id, name in session.execute(
            select(User.id, User.full_name)
            .where(User.is_active, User.password_hash.is_not(None))
            .order_by(User.full_name)
        )
    ]


# --- changing ---------------------------------------------------------------------------


def _current(session: Session, actor: Actor, signal_id: int, version: int) -> CustomerSignal:
    """The signal to change, refused if the actor may not move it or read a stale version."""
    signal = _get(session, signal_id)
    if not _may_move(actor, signal):
        raise PermissionDenied("signals.cannot_move")
    if signal.version != version:
        raise Conflict("signals.conflict")
    return signal


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("signals.conflict") from None


def move(
    session: Session,
    actor: Actor,
    signal_id: int,
    version: int,
    to_status: str,
    resolution: str | None = None,
    comment: str | None = None,
) -> CustomerSignal:
    """Move a signal to its next status (with a resolution when resolving) and record it."""
    signal = _current(session, actor, signal_id, version)
    ck = Checker()
    if to_status not in TRANSITIONS[signal.status]:
        ck.fail("signals.bad_transition", "signals.status")
    if to_status == "resolved" and resolution not in outcomes(signal.signal_type):
        ck.fail(f"signals.resolution_needed_{signal.signal_type}", "signals.resolution")
    comment = ck.optional_text("signals.comment", comment, MAX_TEXT)
    ck.raise_if_any()
    now = utcnow()
    before = signal.status
    signal.status = to_status
    if to_status == "acknowledged":
        signal.acknowledged_at = now
    if to_status == "resolved":
        signal.resolution, signal.resolved_at = resolution, now
    _flush(session)
    session.add(
        SignalEvent(
            signal_id=signal.id,
            actor_id=actor.id,
            from_status=before,
            to_status=to_status,
            comment=comment,
            at=now,
        )
    )
    audit.record(
        session,
        actor,
        "signal.moved",
        str(signal.id),
        before=before,
        after=to_status,
        resolution=signal.resolution,
    )
    return signal


def assign(
    session: Session,
    actor: Actor,
    signal_id: int,
    version: int,
    owner_id: int | None = None,
    owner_team: str | None = None,
) -> CustomerSignal:
    """Give the signal an owner: a person, a team, or both (HR/admin, or the current owner)."""
    signal = _current(session, actor, signal_id, version)
    ck = Checker()
    if owner_id is None and not owner_team:
        ck.fail("signals.owner_needed", "signals.owner")
    if owner_id is not None and not session.scalar(
        select(func.count()).where(User.id == owner_id, User.is_active, User.password_hash.is_not(None))
    ):
        ck.fail("signals.bad_owner", "signals.owner")
    if owner_team and owner_team not in teams(session):
        ck.fail("activity.unknown_value", "signals.owner_team", value=owner_team)
    ck.raise_if_any()
    before = (signal.owner_id, signal.owner_team)
    signal.owner_id, signal.owner_team = owner_id, owner_team or None
    _flush(session)
    session.add(
        SignalEvent(
            signal_id=signal.id,
            actor_id=actor.id,
            owner_id=signal.owner_id,
            owner_team=signal.owner_team,
            at=utcnow(),
        )
    )
    audit.record(
        session, actor, "signal.assigned", str(signal.id), before=list(before), after=[owner_id, owner_team]
    )
    return signal


def add_comment(session: Session, actor: Actor, signal_id: int, text: str) -> None:
    """A comment on the thread, by anyone who can see the signal."""
    signal = _visible(session, actor, signal_id)
    ck = Checker()
    text = ck.required_text("signals.comment", text, MAX_TEXT)
    ck.raise_if_any()
    session.add(SignalEvent(signal_id=signal.id, actor_id=actor.id, comment=text, at=utcnow()))


def update_settings(session: Session, actor: Actor, ack_hours_value, team_names: list[str]) -> None:
    """HR/admin: the target time to acknowledge (1 to 720 hours) and the teams signals go to."""
    require(actor, "signals.triage")
    ck = Checker()
    hours = ck.count("signals.ack_hours", ack_hours_value, 720)
    if hours is not None and hours < 1:
        ck.fail("signals.ack_hours_min", "signals.ack_hours")
    names = [" ".join(n.split()) for n in team_names if n and n.strip()]
    if not names:
        ck.fail("activity.required", "signals.teams")
    seen: dict[str, str] = {}
    for name in names:
        if len(name) > 64:
            ck.fail("activity.too_long", "signals.teams", n=64)
        if name.casefold() in seen and seen[name.casefold()] != name:
            ck.fail("signals.team_twice", "signals.teams", first=seen[name.casefold()], second=name)
        seen.setdefault(name.casefold(), name)
    ck.raise_if_any()
    options.put(session, actor, "signals.ack_hours", hours)
    options.put(session, actor, "signals.teams", list(dict.fromkeys(names)))
