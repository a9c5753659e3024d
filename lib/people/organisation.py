"""The organisation as HR manages it: the roster of people, and departments and teams.

Departments and teams are created and renamed here (HR or admin), never deleted: people, history
and aggregates keep referring to them. People arrive and leave through the roster import
(lib.people.roster).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from lib.core import audit
from lib.core.errors import NotFound, invalid
from lib.core.models import Department, Team, User, UserRole
from lib.core.permissions import Actor, require

MAX_NAME = 120


def roster(
    session: Session,
    actor: Actor,
    *,
    department_id: int | None = None,
    team_id: int | None = None,
    include_left: bool = False,
    search: str = "",
) -> pd.DataFrame:
    """People with their department, team, manager, roles, active flag and dates (HR or admin)."""
    require(actor, "organisation.manage")
    manager = aliased(User)
    roles = (
        select(UserRole.user_id, func.aggregate_strings(UserRole.role, ", ").label("roles"))
        .group_by(UserRole.user_id)
        .subquery()
    )
    query = (
        select(
            User.id,
            User.full_name,
            User.email,
            User.username,
            Department.name.label("department"),
            Team.name.label("team"),
            manager.full_name.label("manager"),
            User.job_title,
            roles.c.roles,
            User.is_active.label("active"),
            User.start_date,
            User.left_on,
        )
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(manager, manager.id == User.manager_id)
        .outerjoin(roles, roles.c.user_id == User.id)
        .where(User.anonymised_at.is_(None))
        .order_by(User.full_name, User.id)
    )
    if not include_left:
        query = query.where(User.is_active)
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    if term := search.strip().lower():
        query = query.where(
            func.lower(User.full_name).contains(term, autoescape=True)
            | func.lower(User.email).contains(term, autoescape=True)
        )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    df["active"] = df["active"].astype(bool)
    return df


def organisation(session: Session, actor: Actor) -> pd.DataFrame:
    """Every department, then its teams, with the active headcount (a department's row has no team)."""
    require(actor, "organisation.manage")
    heads = (
        select(User.department_id, User.team_id, func.count().label("n"))
        .where(User.is_active)
        .group_by(User.department_id, User.team_id)
        .subquery()
    )
    people = func.coalesce(func.sum(heads.c.n), 0).label("people")
    departments = session.execute(
        select(Department.id, Department.name, people)
        .outerjoin(heads, heads.c.department_id == Department.id)
        .group_by(Department.id, Department.name)
    ).all()
    teams = session.execute(
        select(Team.department_id, Team.id, Team.name, people)
        .outerjoin(heads, heads.c.team_id == Team.id)
        .group_by(Team.department_id, Team.id, Team.name)
    ).all()
    rows = []
    for dept_id, dept, n in sorted(departments, key=lambda r: r.name.lower()):
        rows.append((dept_id, dept, None, None, n))
        rows += [
            (dept_id, dept, t.id, t.name, t.people)
            for t in sorted(teams, key=lambda r: r.name.lower())
            if t.department_id == dept_id
        ]
    df = pd.DataFrame(rows, columns=["department_id", "department", "team_id", "team", "people"])
    return df.astype({"people": "int64", "team_id": "Int64"})


def _get(session: Session, model, row_id: int):
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"roster.error.{model.__tablename__[:-1]}_not_found")
    return row


def _free_name(session: Session, model, value: str, *siblings, own_id: int | None = None) -> str:
    """`value` tidied, refused if empty, too long, or already held by another row (whatever the case)."""
    name = " ".join((value or "").split())
    if not name:
        raise invalid("roster.error.name_required", "roster.name")
    if len(name) > MAX_NAME:
        raise invalid("roster.error.name_too_long", "roster.name", n=MAX_NAME)
    clash = session.scalar(select(model.id).where(func.lower(model.name) == name.lower(), *siblings))
    if clash is not None and clash != own_id:
        raise invalid("roster.error.name_taken", "roster.name", name=name)
    return name


def _create(session: Session, actor: Actor, model, name: str, *siblings, **fields) -> int:
    row = model(name=_free_name(session, model, name, *siblings), **fields)
    session.add(row)
    session.flush()
    kind = model.__tablename__[:-1]
    audit.record(session, actor, f"org.{kind}_created", f"{kind}:{row.id}", name=row.name, **fields)
    return row.id


def _rename(session: Session, actor: Actor, row, name: str, *siblings) -> None:
    name = _free_name(session, type(row), name, *siblings, own_id=row.id)
    kind = row.__tablename__[:-1]
    audit.record(session, actor, f"org.{kind}_renamed", f"{kind}:{row.id}", before=row.name, after=name)
    row.name = name


def create_department(session: Session, actor: Actor, name: str) -> int:
    require(actor, "organisation.manage")
    return _create(session, actor, Department, name)


def rename_department(session: Session, actor: Actor, department_id: int, name: str) -> None:
    require(actor, "organisation.manage")
    _rename(session, actor, _get(session, Department, department_id), name)


def create_team(session: Session, actor: Actor, department_id: int, name: str) -> int:
    require(actor, "organisation.manage")
    _get(session, Department, department_id)
    siblings = Team.department_id == department_id
    return _create(session, actor, Team, name, siblings, department_id=department_id)


def rename_team(session: Session, actor: Actor, team_id: int, name: str) -> None:
    require(actor, "organisation.manage")
    team = _get(session, Team, team_id)
    _rename(session, actor, team, name, Team.department_id == team.department_id)


def departments(session: Session, actor=None) -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    query = select(Department.id, Department.name).order_by(Department.name)
    return [(department_id, name) for department_id, name in session.execute(query)]


def teams(session: Session, department_id: int | None = None) -> list[tuple[int, str]]:
    query = select(Team.id, Team.name).order_by(Team.name)
    if department_id is not None:
        query = query.where(Team.department_id == department_id)
    return [(team_id, name) for team_id, name in session.execute(query)]
