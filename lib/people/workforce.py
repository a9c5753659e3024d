"""Who is in the workforce on a given day: THE definition every screen, list and figure counts from.

The workforce is the people on the roster: accounts holding the base (employee) role. A person
belongs to it on a day when they had started by then (start date, when known) and had not left
(leaving date, `left_on`: the roster import sets it, and so does deactivating an account). An
account deactivated without a leaving date is in no day's workforce: when it left is unknown.
Figures for a past period therefore use that period's workforce, not today's headcount.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_

from lib.core.models import User, UserRole
from lib.core.vocab import BASE_ROLE


def workforce(day: date) -> ColumnElement[bool]:
    """SQL: the person of the query (`User`) is in the workforce on `day`."""
    return and_(
        exists().where(UserRole.user_id == User.id, UserRole.role == BASE_ROLE),
        or_(User.start_date.is_(None), User.start_date <= day),
        or_(and_(User.is_active, User.left_on.is_(None)), User.left_on > day),
    )
