"""Whom to alert, and how: the contacts HR keeps up to date, shown under the guidelines' `alerts`
section (office hours and out of hours). Stored as the option `policy.alert_contacts`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lib.core import options
from lib.core.errors import Problem, ValidationError
from lib.core.permissions import Actor, require

OPTION = "policy.alert_contacts"
FIELDS = ("office", "out_of_hours")
MAX_LENGTH = 400


def contacts(session: Session) -> dict[str, str]:
    """{"office": text, "out_of_hours": text}; empty strings until HR sets them."""
    stored = options.get(session, OPTION, {}) or {}
    return {field: str(stored.get(field, "")) for field in FIELDS}


def set_contacts(session: Session, actor: Actor, office: str, out_of_hours: str) -> None:
    """Record the alert contacts (HR): both are needed, in plain text of reasonable length."""
    require(actor, "training.configure")
    values = {"office": (office or "").strip(), "out_of_hours": (out_of_hours or "").strip()}
    problems = []
    for field, value in values.items():
        if not value:
            problems.append(Problem("training.alerts.error.missing", f"alerts_{field}"))
        elif len(value) > MAX_LENGTH:
            problems.append(
                Problem("training.alerts.error.long", f"alerts_{field}", params={"max": MAX_LENGTH})
            )
    if problems:
        raise ValidationError(problems)
    options.put(session, actor, OPTION, values)
