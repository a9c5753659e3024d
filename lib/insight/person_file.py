"""One person seen by HR: profile, training history, certificates, contributions and signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from lib.activity import review
from lib.activity.contributions import engagement_expr
from lib.core.db import fetch
from lib.core.errors import NotFound
from lib.core.models import (
    AnalyticsImport,
    Assignment,
    Certification,
    Contribution,
    CustomerSignal,
    Department,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    Team,
    TrainingModule,
    User,
    UserRole,
    utcnow,
)
from lib.core.permissions import Actor, require
from lib.insight.measures import ACTIVE_DAYS
from lib.training.academy import module_status
from lib.training.assignments import applies_to
from lib.training.certification import certified_condition, required_for

SEARCH_LIMIT = 25
SIGNALS_SHOWN = 50


def find_people(session: Session, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """People (leavers included) whose name, e-mail or username contains `text`, by name."""
    require(actor, "participation.view")
    term = text.strip().lower()
    if not term:
        return []
    match = or_(
        *(
            func.lower(column).contains(term, autoescape=True)
            for column in (User.full_name, User.email, User.username)
        )
    )
    rows = session.execute(
        select(User.id, User.full_name, User.email, User.is_active)
        .where(match, User.anonymised_at.is_(None))
        .order_by(User.full_name, User.id)
        .limit(limit)
    )
    return [r._asdict() for r in rows]


@dataclass(frozen=True)
class PersonFile:
    profile: dict
    certified: bool
    modules: (
        pd.DataFrame
    )  # module, required, version, status, passed_at, attempts, attempts_to_pass, best_score, due_on
    certificates: pd.DataFrame  # issued_at, expires_at, policy_version
    contributions: dict  # total, recent (last ACTIVE_DAYS days), last (date or None)
    platforms: pd.DataFrame  # platform, contributions, impressions, engagement, impressions_imported, held
    signals: pd.DataFrame  # reported_at, signal_type, category, customer_name, status, resolution
    signal_count: int
    # The platform analytics exports imported for the person: which file, when, what it did.
    imports: pd.DataFrame = field(default_factory=pd.DataFrame)


def _profile(session: Session, user_id: int) -> dict:
    manager = aliased(User)
    row = session.execute(
        select(
            User.full_name,
            User.email,
            User.username,
            Department.name.label("department"),
            Team.name.label("team"),
            manager.full_name.label("manager"),
            User.job_title,
            User.is_active.label("active"),
            User.start_date,
            User.left_on,
        )
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(manager, manager.id == User.manager_id)
        .where(User.id == user_id, User.anonymised_at.is_(None))
    ).first()
    if row is None:
        raise NotFound("error.user_not_found")
    roles = session.scalars(select(UserRole.role).where(UserRole.user_id == user_id).order_by(UserRole.role))
    return {**row._asdict(), "roles": list(roles)}


def _modules(session: Session, user: User, today: date) -> pd.DataFrame:
    """Each module's status for `user` (as the Training page shows it), attempts and best score at
    its current version, when it was passed, and the due date of any assignment still open."""
    uid, current = user.id, TrainingModule.version
    started = set(
        session.scalars(
            select(LessonProgress.module_slug)
            .distinct()
            .join(TrainingModule, TrainingModule.slug == LessonProgress.module_slug)
            .where(LessonProgress.user_id == uid, LessonProgress.module_version == current)
        )
    )
    attempts = {
        slug: (n, best)
        for slug, n, best in session.execute(
            select(QuizAttempt.module_slug, func.count(), func.max(QuizAttempt.score_pct))
            .join(TrainingModule, TrainingModule.slug == QuizAttempt.module_slug)
            .where(QuizAttempt.user_id == uid, QuizAttempt.module_version == current)
            .group_by(QuizAttempt.module_slug)
        )
    }
    # attempts needed: those at the current version up to and including the one that passed
    needed = dict(
        session.execute(
            select(ModuleCompletion.module_slug, func.count(QuizAttempt.id))
            .join(TrainingModule, TrainingModule.slug == ModuleCompletion.module_slug)
            .join(
                QuizAttempt,
                and_(
                    QuizAttempt.user_id == ModuleCompletion.user_id,
                    QuizAttempt.module_slug == ModuleCompletion.module_slug,
                    QuizAttempt.module_version == ModuleCompletion.module_version,
                    QuizAttempt.id <= ModuleCompletion.attempt_id,
                ),
            )
            .where(ModuleCompletion.user_id == uid, ModuleCompletion.module_version == current)
            .group_by(ModuleCompletion.module_slug)
        ).all()
    )
    passed: dict[str, dict[int, datetime]] = {}
    for slug, version, at in session.execute(
        select(
            ModuleCompletion.module_slug, ModuleCompletion.module_version, ModuleCompletion.passed_at
        ).where(ModuleCompletion.user_id == uid)
    ):
        passed.setdefault(slug, {})[version] = at
    due = dict(
        session.execute(
            select(Assignment.module_slug, func.min(Assignment.due_on))
            .where(applies_to(uid, user.department_id))
            .group_by(Assignment.module_slug)
        ).all()
    )
    rows = []
    modules = select(TrainingModule.slug, TrainingModule.version, required_for(uid))
    for slug, version, required in session.execute(modules.order_by(TrainingModule.position)):
        done, (n, best) = passed.get(slug, {}), attempts.get(slug, (0, None))
        status = module_status(
            passed=version in done,
            passed_before=bool(done),
            started=slug in started or n > 0,
            due_on=due.get(slug),
            today=today,
        )
        rows.append(
            (
                slug,
                required,
                version,
                status,
                done.get(version),
                n,
                needed.get(slug),
                best,
                None if version in done else due.get(slug),
            )
        )
    columns = [
        "module",
        "required",
        "version",
        "status",
        "passed_at",
        "attempts",
        "attempts_to_pass",
        "best_score",
        "due_on",
    ]
    return pd.DataFrame(rows, columns=columns).astype(
        {"required": bool, "attempts": "int64", "attempts_to_pass": "Int64", "best_score": "Int64"}
    )


def person_file(session: Session, actor: Actor, user_id: int, now: datetime | None = None) -> PersonFile:
    """Everything HR follows about one person (HR or admin)."""
    require(actor, "participation.view")
    now = now or utcnow()
    today = now.date()
    profile = _profile(session, user_id)
    user = fetch(session, User, user_id, "error.user_not_found")
    certificates = pd.DataFrame(
        session.execute(
            select(Certification.issued_at, Certification.expires_at, Certification.policy_version)
            .where(Certification.user_id == user_id)
            .order_by(Certification.issued_at.desc())
        ).all(),
        columns=["issued_at", "expires_at", "policy_version"],
    )
    c = Contribution
    total, recent, last = session.execute(
        select(
            func.count(),
            func.count().filter(c.occurred_on > today - timedelta(days=ACTIVE_DAYS)),
            func.max(c.occurred_on),
        ).where(c.user_id == user_id)
    ).one()
    ok = review.counted()
    platforms = pd.DataFrame(
        session.execute(
            select(
                c.platform,
                func.count(),
                func.sum(case((ok, c.impressions))),
                func.sum(case((ok, engagement_expr()))),
                func.sum(case((ok & (c.figures_source == "imported"), c.impressions))),
                func.count().filter(c.review == "pending"),
            )
            .where(c.user_id == user_id)
            .group_by(c.platform)
            .order_by(func.count().desc(), c.platform)
        ).all(),
        columns=["platform", "contributions", "impressions", "engagement", "impressions_imported", "held"],
    ).astype(
        {
            "contributions": "int64",
            "impressions": "Int64",
            "engagement": "Int64",
            "impressions_imported": "Int64",
            "held": "int64",
        }
    )
    A = AnalyticsImport
    imports = pd.DataFrame(
        session.execute(
            select(
                A.imported_at,
                A.platform,
                A.filename,
                A.period_start,
                A.period_end,
                A.posts,
                A.created,
                A.updated,
            )
            .where(A.user_id == user_id)
            .order_by(A.imported_at.desc(), A.id.desc())
            .limit(SIGNALS_SHOWN)
        ).all(),
        columns=[
            "imported_at",
            "platform",
            "filename",
            "period_start",
            "period_end",
            "posts",
            "created",
            "updated",
        ],
    )
    s = CustomerSignal
    signal_count = session.execute(select(func.count()).where(s.reporter_id == user_id)).scalar_one()
    signals = pd.DataFrame(
        session.execute(
            select(s.reported_at, s.signal_type, s.category, s.customer_name, s.status, s.resolution)
            .where(s.reporter_id == user_id)
            .order_by(s.reported_at.desc(), s.id.desc())
            .limit(SIGNALS_SHOWN)
        ).all(),
        columns=["reported_at", "signal_type", "category", "customer_name", "status", "resolution"],
    )
    return PersonFile(
        profile=profile,
        certified=bool(session.scalar(select(certified_condition(user_id, now)))),
        modules=_modules(session, user, today),
        certificates=certificates,
        contributions={"total": total, "recent": recent, "last": last},
        platforms=platforms,
        signals=signals,
        signal_count=signal_count,
        imports=imports,
    )
