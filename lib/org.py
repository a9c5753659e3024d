"""Departments and teams."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.models import Department, Team


def departments(session: Session, actor=None) -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    return [tuple(r) for r in session.execute(select(Department.id, Department.name).order_by(Department.name))]


def teams(session: Session, department_id: int | None = None) -> list[tuple[int, str]]:
    query = select(Team.id, Team.name).order_by(Team.name)
    if department_id is not None:
        query = query.where(Team.department_id == department_id)
    return [tuple(r) for r in session.execute(query)]
