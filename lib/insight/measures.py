"""The shared SQL definitions of who counts: the workforce and the active ambassador.

Every screen, the leadership figures and the follow-up lists build on these (and on
lib/training/certification.py for "certified" and "due to renew"); none writes its own copy.
Each function returns a SQL condition on the person of the query (`User`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists

from lib.activity import review
from lib.core.models import Contribution, User, UserRole
from lib.core.vocab import BASE_ROLE

ACTIVE_DAYS = 30  # an active ambassador contributed within this many days


def workforce() -> ColumnElement[bool]:
    """SQL: the person is in the workforce: an active account holding the base (employee) role."""
    return and_(User.is_active, exists().where(UserRole.user_id == User.id, UserRole.role == BASE_ROLE))


def active_on(day: date) -> ColumnElement[bool]:
    """SQL: an active ambassador on `day`: a counted contribution (not held for review, not
    rejected: lib.activity.review) dated within the ACTIVE_DAYS days ending then."""
    return exists().where(
        Contribution.user_id == User.id,
        Contribution.occurred_on <= day,
        Contribution.occurred_on > day - timedelta(days=ACTIVE_DAYS),
        review.counted(),
    )
