"""HR's side of training: assignments with due dates, who is overdue, who must recertify.

An assignment asks everyone, a department or one person to pass a module by a date. Every list
here is one SQL query (joins and GROUP BY in the database), whatever the number of people. HR's
follow-up (counts, overdue, must recertify) is over today's workforce (lib.people.workforce), the
population Participation follows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from lib.core import audit, options
from lib.core.errors import NotFound, Problem, ValidationError
from lib.core.models import (
    Assignment,
    Department,
    ModuleCompletion,
    TrainingModule,
    User,
    UserRole,
    utcnow,
)
from lib.core.permissions import Actor, require
from lib.people.workforce import workforce
from lib.training import catalogue
from lib.training.certificates import LEARNER_ROLES, certification_months
from lib.training.certification import certified_condition, due_to_renew, renewal_frame

SCOPES = ("all", "department", "user")


def is_learner(user_id_column):
    """SQL: the person holds a role that trains (employee or HR)."""
    return exists().where(UserRole.user_id == user_id_column, UserRole.role.in_(LEARNER_ROLES))


def applies_to(user_id, department_id):
    """SQL: the assignment concerns the person with `user_id` in `department_id` (columns or values)."""
    return or_(
        Assignment.scope == "all",
        and_(Assignment.scope == "department", Assignment.department_id == department_id),
        and_(Assignment.scope == "user", Assignment.user_id == user_id),
    )


def passed_current(user_id_column, slug_column, completion=ModuleCompletion):
    """SQL: the person passed the module at its current version (TrainingModule in the outer query)."""
    return exists().where(
        completion.user_id == user_id_column,
        completion.module_slug == slug_column,
        completion.module_version == TrainingModule.version,
    )


def _find_person(session: Session, text: str) -> User | None:
    key = text.strip().lower()
    return session.scalars(
        select(User).where(
            or_(func.lower(User.username) == key, func.lower(User.email) == key),
            User.is_active,
            is_learner(User.id),
        )
    ).first()


@dataclass(frozen=True)
class Assigned:
    """What an assignment did: `modules` assigned to `people` (each module to each of them)."""

    modules: int
    people: int


def create_assignments(
    session: Session,
    actor: Actor,
    *,
    modules: list[str],
    scope: str,
    due_on: date | None,
    department_id: int | None = None,
    person: str = "",
    today: date | None = None,
) -> Assigned:
    """Assign each of `modules` to a scope, due on `due_on` (HR). Returns how many modules, and how
    many people they now concern (the active learners of the scope, as the assignments list counts)."""
    require(actor, "training.assign")
    today = today or utcnow().date()
    known = {m.slug for m in catalogue.load_modules()}
    problems = []
    if not modules:
        problems.append(Problem("training.error.no_module", "training_modules"))
    elif unknown := [m for m in modules if m not in known]:
        problems.append(
            Problem(
                "training.error.unknown_module", "training_modules", params={"module": ", ".join(unknown)}
            )
        )
    if scope not in SCOPES:
        problems.append(Problem("training.error.scope", "training_scope"))
    if due_on is None:
        problems.append(Problem("training.error.due_missing", "training_due_on"))
    elif due_on < today:
        problems.append(Problem("training.error.due_past", "training_due_on"))
    user = None
    if scope == "department" and (department_id is None or session.get(Department, department_id) is None):
        problems.append(Problem("training.error.department", "department"))
    if scope == "user" and (user := _find_person(session, person or "")) is None:
        problems.append(
            Problem("training.error.person", "training_person", params={"person": (person or "").strip()})
        )
    if problems or due_on is None:  # a missing date is one of the problems
        raise ValidationError(problems)
    for slug in modules:
        session.add(
            Assignment(
                module_slug=slug,
                scope=scope,
                due_on=due_on,
                created_by=actor.id,
                department_id=department_id if scope == "department" else None,
                user_id=user.id if user else None,
            )
        )
    audit.record(
        session,
        actor,
        "training.assigned",
        scope,
        modules=list(modules),
        due_on=due_on.isoformat(),
        department_id=department_id if scope == "department" else None,
        user_id=user.id if user else None,
    )
    in_scope = [User.department_id == department_id] if scope == "department" else []
    people = (
        1
        if user
        else session.scalar(select(func.count()).select_from(User).where(_learners(), *in_scope)) or 0
    )
    return Assigned(len(modules), people)


def required_modules(session: Session, actor: Actor) -> set[str]:
    """The modules required of everyone now (HR)."""
    require(actor, "training.configure")
    return set(session.scalars(select(TrainingModule.slug).where(TrainingModule.required)))


def set_required_modules(session: Session, actor: Actor, modules: list[str]) -> None:
    """Choose the modules everyone must pass (HR). Certification follows at once: the one SQL
    definition (lib.training.certification) reads `training_modules.required`. Role modules stay
    required of their role's holders whatever is chosen here."""
    require(actor, "training.configure")
    known = {m.slug for m in catalogue.load_modules()}
    chosen = list(dict.fromkeys(modules))
    if not chosen:
        raise ValidationError([Problem("training.error.required_none", "training_required")])
    if unknown := [m for m in chosen if m not in known]:
        raise ValidationError(
            [
                Problem(
                    "training.error.unknown_module",
                    "training_required",
                    params={"module": ", ".join(unknown)},
                )
            ]
        )
    options.put(session, actor, catalogue.REQUIRED_OPTION, sorted(chosen))
    session.execute(update(TrainingModule).values(required=TrainingModule.slug.in_(chosen)))


def cancel_assignment(session: Session, actor: Actor, assignment_id: int) -> None:
    """Withdraw an assignment (HR); passes already recorded stay."""
    require(actor, "training.assign")
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise NotFound("training.error.assignment_not_found")
    audit.record(
        session,
        actor,
        "training.assignment_cancelled",
        f"assignment:{row.id}",
        module=row.module_slug,
        scope=row.scope,
        due_on=row.due_on.isoformat(),
    )
    session.delete(row)


def _learners():
    """SQL: who an assignment reaches: active accounts that train (HR-only accounts included)."""
    return and_(User.is_active, is_learner(User.id))


def _assignments(session: Session, today: date) -> pd.DataFrame:
    target_dept, target_user = aliased(Department), aliased(User)
    concerned = aliased(User)
    done = aliased(ModuleCompletion)
    query = (
        select(
            Assignment.id,
            Assignment.module_slug.label("module"),
            Assignment.scope,
            func.coalesce(target_dept.name, target_user.full_name).label("target"),
            Assignment.due_on,
            func.count(concerned.id).label("people"),
            func.count(done.user_id).label("passed"),
        )
        .join(TrainingModule, TrainingModule.slug == Assignment.module_slug)
        .outerjoin(target_dept, target_dept.id == Assignment.department_id)
        .outerjoin(target_user, target_user.id == Assignment.user_id)
        .outerjoin(
            concerned,
            and_(
                applies_to(concerned.id, concerned.department_id),
                concerned.is_active,
                is_learner(concerned.id),
            ),
        )
        .outerjoin(
            done,
            and_(
                done.user_id == concerned.id,
                done.module_slug == Assignment.module_slug,
                done.module_version == TrainingModule.version,
            ),
        )
        .group_by(
            Assignment.id,
            Assignment.module_slug,
            Assignment.scope,
            target_dept.name,
            target_user.full_name,
            Assignment.due_on,
        )
        .order_by(Assignment.due_on, Assignment.id)
    )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    df["late"] = df["people"] - df["passed"]
    df.loc[df["due_on"] >= today, "late"] = 0
    return df


def _overdue(session: Session, today: date) -> pd.DataFrame:
    """One row per person and module assigned, past due and not passed at the current version."""
    due = func.min(Assignment.due_on).label("due_on")
    query = (
        select(
            User.full_name,
            User.username,
            Department.name.label("department"),
            Assignment.module_slug.label("module"),
            due,
        )
        .select_from(Assignment)
        .join(User, applies_to(User.id, User.department_id))
        .join(TrainingModule, TrainingModule.slug == Assignment.module_slug)
        .outerjoin(Department, Department.id == User.department_id)
        .where(workforce(today), Assignment.due_on < today, ~passed_current(User.id, Assignment.module_slug))
        .group_by(User.id, User.full_name, User.username, Department.name, Assignment.module_slug)
        .order_by(due, User.full_name, Assignment.module_slug)
    )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    df["days_late"] = [(today - d).days for d in df["due_on"]]
    return df


def _must_recertify(session: Session, now: datetime, policy_version: int) -> pd.DataFrame:
    """The people due to renew their certification (the shared definition and population), with the
    reasons."""
    due = due_to_renew(now, policy_version)
    query = (
        select(
            User.full_name,
            User.username,
            Department.name.label("department"),
            due.c.outdated_modules,
            due.c.modules_to_pass,
            due.c.guidelines_changed,
            due.c.expired,
            due.c.certificate_expires.label("expires_at"),
        )
        .join(due, due.c.user_id == User.id)
        .outerjoin(Department, Department.id == User.department_id)
        .order_by(User.full_name, User.username)
    )
    return renewal_frame(
        pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    )


@dataclass(frozen=True)
class HrView:
    workforce: int  # today's (lib.people.workforce), the population of every list here
    certified: int
    months: int
    assignments: pd.DataFrame
    overdue: pd.DataFrame
    recertify: pd.DataFrame


def hr_view(session: Session, actor: Actor, now: datetime | None = None) -> HrView:
    """Everything the HR section shows (HR only)."""
    require(actor, "training.assign")
    now = now or utcnow()
    version = catalogue.policy()["version"]
    people, certified = session.execute(
        select(
            func.count(User.id),
            func.coalesce(
                func.sum(case((certified_condition(User.id, now, policy_version=version), 1), else_=0)), 0
            ),
        ).where(workforce(now.date()))
    ).one()
    return HrView(
        workforce=people,
        certified=int(certified),
        months=certification_months(session),
        assignments=_assignments(session, now.date()),
        overdue=_overdue(session, now.date()),
        recertify=_must_recertify(session, now, version),
    )
