"""The shared SQL definitions of who counts: the workforce, the contributor and the active ambassador.

Every screen, the leadership figures, the board report and the follow-up lists build on these (and
on lib/training/certification.py for "certified" and "due to renew"); none writes its own copy.
Each function returns a SQL condition on the person of the query (`User`). Their names and
definitions, as people read them, are the glossary (lib/insight/glossary.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists

from lib.activity.review import counted
from lib.core.models import Contribution, User
from lib.core.periods import Period
from lib.people.workforce import workforce
from lib.training.certification import certified_at

__all__ = ["ACTIVE_DAYS", "active_ambassador", "contributor", "workforce"]

ACTIVE_DAYS = 30  # the follow-up's "gone quiet" window: no contribution within this many days


def contributor(start: date, end: date) -> ColumnElement[bool]:
    """SQL: a contributor from `start` to `end` (both included): at least one counted contribution
    (not held for an HR review) dated within those days."""
    return exists().where(
        Contribution.user_id == User.id,
        Contribution.occurred_on >= start,
        Contribution.occurred_on <= end,
        counted(),
    )


def active_ambassador(period: Period, moment: datetime) -> ColumnElement[bool]:
    """SQL: an active ambassador of `period`: in the workforce on its last day, certified at
    `moment` (its end, or now while it runs: `Period.as_of`) and a contributor within it."""
    return and_(workforce(period.end), certified_at(User.id, moment), contributor(period.start, period.end))


def quiet_since(day: date) -> ColumnElement[bool]:
    """SQL: no counted contribution in the ACTIVE_DAYS days ending on `day`."""
    return ~contributor(day - timedelta(days=ACTIVE_DAYS - 1), day)
