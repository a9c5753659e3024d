"""Programme options editable at run time (targets, rates, point rules...), stored in `settings`.

Each module owns its options and their defaults: `get(session, "signals.ack_hours", 24)`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.models import Setting
from lib.core.permissions import Actor, require


def get(session: Session, key: str, default):
    row = session.get(Setting, key)
    return default if row is None else row.value


def store(session: Session, key: str, value):
    """Write an option, returning its previous value. No permission check and no audit: for the
    modules whose own functions check who may change their options and audit the change."""
    row = session.get(Setting, key)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return before


def put(session: Session, actor: Actor, key: str, value) -> None:
    """Change an option (HR or admin); the change is audited."""
    require(actor, "options.edit")
    before = store(session, key, value)
    audit.record(session, actor, "option.changed", key, before=before, after=value)
