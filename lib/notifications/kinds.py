"""The kinds of e-mail, their timing, which of them HR switched on, and who switched off the
optional ones. HR's choices are one programme option, `notifications.kinds`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lib.core import audit, options
from lib.core.errors import Problem, ValidationError
from lib.core.models import NotificationOptOut
from lib.core.permissions import Actor, require, require_self_or
from lib.notifications.smtp import EMAIL_RE

EMAIL_MAX = 254


@dataclass(frozen=True)
class Kind:
    code: str
    optional: bool  # people may switch it off on their Account page
    timing: str | None  # the name of its timing setting, if it has one
    default_timing: tuple[int, ...] = ()


KINDS = (
    Kind("training_assigned", False, "assigned_within_days", (7,)),
    Kind("training_due_soon", False, "days_before_due", (7,)),
    Kind("training_overdue", False, "max_days_late", (30,)),
    Kind("manager_summary", True, "weekday", (0,)),
    Kind("certification_expiring", False, "days_before_expiry", (30, 7)),
    Kind("certification_expired", False, "max_days_expired", (30,)),
    Kind("signal_late", False, "max_days_late", (14,)),
    Kind("signal_resolved", True, "max_days_since", (14,)),
    Kind("executive_digest", True, "day_of_month", (1,)),
)
BY_CODE = {k.code: k for k in KINDS}
OPTIONAL = tuple(k.code for k in KINDS if k.optional)
TIMING_LIMITS = {
    "assigned_within_days": (1, 60),
    "days_before_due": (1, 60),
    "max_days_late": (1, 365),
    "weekday": (0, 6),
    "days_before_expiry": (1, 180),
    "max_days_expired": (1, 365),
    "max_days_since": (1, 90),
    "day_of_month": (1, 28),
}
OPTION = "notifications.kinds"
CONTACTS_OPTION = "notifications.signal_contacts"
ANY_TEAM = "*"


@dataclass(frozen=True)
class Choice:
    enabled: bool
    timing: tuple[int, ...]


def choices(session: Session) -> dict[str, Choice]:
    """Every kind with HR's choice, or its default (every kind on) where HR chose nothing."""
    stored = options.get(session, OPTION, {}) or {}
    out = {}
    for kind in KINDS:
        mine = stored.get(kind.code, {})
        timing = tuple(int(v) for v in mine.get("timing", kind.default_timing))
        out[kind.code] = Choice(bool(mine.get("enabled", True)), timing)
    return out


def set_choices(session: Session, actor: Actor, wanted: dict[str, Choice]) -> None:
    """Switch kinds on or off and set their timing (HR or admin); bad values change nothing."""
    require(actor, "notifications.manage")
    problems = []
    for code, choice in wanted.items():
        kind = BY_CODE.get(code)
        if kind is None:
            problems.append(Problem("notify.error.kind", code))
            continue
        low, high = TIMING_LIMITS[kind.timing or ""]
        if not choice.timing or any(not low <= v <= high for v in choice.timing):
            problems.append(Problem("notify.error.timing", code, params={"low": low, "high": high}))
    if problems:
        raise ValidationError(problems)
    value = {
        code: {"enabled": c.enabled, "timing": sorted(set(c.timing), reverse=True)}
        for code, c in wanted.items()
    }
    options.put(session, actor, OPTION, value)


def signal_contacts(session: Session) -> dict[str, list[str]]:
    """The addresses told about a late signal, by owning team (`*`: signals with no team, and any
    team without addresses of its own)."""
    return dict(options.get(session, CONTACTS_OPTION, {}) or {})


def set_signal_contacts(session: Session, actor: Actor, contacts: dict[str, str]) -> None:
    """Set the contacts from one text per team (addresses separated by commas, semicolons or lines)."""
    require(actor, "notifications.manage")
    parsed: dict[str, list[str]] = {}
    problems = []
    for team, text in contacts.items():
        addresses = [a.strip() for a in text.replace(";", ",").replace("\n", ",").split(",") if a.strip()]
        bad = [a for a in addresses if len(a) > EMAIL_MAX or not EMAIL_RE.match(a)]
        if bad:
            problems.append(
                Problem("notify.error.contact", team, params={"team": team, "value": ", ".join(bad)})
            )
        elif addresses:
            parsed[team] = sorted(set(addresses), key=addresses.index)
    if problems:
        raise ValidationError(problems)
    options.put(session, actor, CONTACTS_OPTION, parsed)


def opted_out(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)))


def set_opt_outs(session: Session, actor: Actor, user_id: int, switched_off: set[str]) -> None:
    """A person's own choice of the optional e-mails they do not want (mandatory ones stay on)."""
    require_self_or(actor, user_id, "accounts.manage")
    if unknown := switched_off - set(OPTIONAL):
        raise ValidationError([Problem("notify.error.kind", k) for k in sorted(unknown)])
    session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user_id))
    session.add_all(NotificationOptOut(user_id=user_id, kind=k) for k in sorted(switched_off))
    audit.record(
        session,
        actor,
        "notifications.opt_outs",
        f"user:{user_id}",
        subject=user_id,
        switched_off=sorted(switched_off),
    )
