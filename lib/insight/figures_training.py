"""Leadership figures from the training tables: modules passed, certification (the shared
definition in lib.training.certification) and the training funnel, read at the end of each period."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, literal_column, or_, select, true, union_all
from sqlalchemy.orm import Session

from lib.core.models import LessonProgress, ModuleCompletion, QuizAttempt, TrainingModule, User
from lib.core.periods import View
from lib.insight.measures import workforce
from lib.training.certification import certified_at


def training(session: Session, view: View, moments: tuple[datetime, datetime]) -> dict:
    """Required modules passed and people certified at the end of each period (current first);
    the funnel at the end of the current one."""
    in_scope = [workforce()] + ([User.department_id == view.department_id] if view.department_id else [])
    required = select(TrainingModule.slug, TrainingModule.version).where(TrainingModule.required).subquery()
    MC = ModuleCompletion
    now, before = moments
    n_required = select(func.count()).select_from(required).scalar_subquery()
    per_person = (  # required modules each person has passed at their current version, by each moment
        select(
            MC.user_id,
            func.count().label("now"),
            func.sum(case((MC.passed_at <= before, 1), else_=0)).label("before"),
        )
        .join(required, and_(required.c.slug == MC.module_slug, required.c.version == MC.module_version))
        .where(MC.passed_at <= now)
        .group_by(MC.user_id)
        .subquery()
    )
    passed_now, passed_before, all_modules = map(
        int,
        session.execute(
            select(
                func.coalesce(func.sum(per_person.c.now), 0),
                func.coalesce(func.sum(per_person.c.before), 0),
                func.coalesce(func.sum(case((per_person.c.now == n_required, 1), else_=0)), 0),
            )
            .join(User, User.id == per_person.c.user_id)
            .where(*in_scope)
        ).one(),
    )
    conditions = {
        "workforce": true(),
        "started": or_(
            exists().where(LessonProgress.user_id == User.id, LessonProgress.completed_at <= now),
            exists().where(QuizAttempt.user_id == User.id, QuizAttempt.submitted_at <= now),
        ),
        "certified": certified_at(User.id, now),
        "certified_before": certified_at(User.id, before),
    }
    counts = dict(
        session.execute(
            union_all(
                *(
                    select(literal_column(f"'{name}'"), func.count())
                    .select_from(User)
                    .where(*in_scope, condition)
                    for name, condition in conditions.items()
                )
            )
        ).all()
    ) | {"all_modules": all_modules}
    expected = counts["workforce"] * session.execute(select(n_required)).scalar_one()
    stages = ["workforce", "started", "all_modules", "certified"]
    return {
        "funnel": pd.DataFrame({"stage": stages, "people": [int(counts[s]) for s in stages]}),
        1: {
            "workforce": counts["workforce"],
            "modules_passed": passed_now,
            "modules_expected": expected,
            "certified": counts["certified"],
        },
        0: {
            "workforce": counts["workforce"],
            "modules_passed": passed_before,
            "modules_expected": expected,
            "certified": counts["certified_before"],
        },
    }
