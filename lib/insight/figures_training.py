"""Leadership figures about people, read at the end of each period over that period's workforce:
modules passed, certification (the shared definition in lib.training.certification), active
ambassadors and contributors of the workforce (lib.insight.measures), and the training funnel."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from lib.core.models import LessonProgress, ModuleCompletion, QuizAttempt, TrainingModule, User
from lib.core.periods import Period, View
from lib.insight.measures import active_ambassador, contributor, workforce
from lib.training.certification import certified_at

FUNNEL = ["workforce", "started", "all_modules", "certified"]
FIGURES = (  # the fields of leadership.Figures these fill
    "workforce",
    "modules_passed",
    "modules_expected",
    "certified",
    "active_ambassadors",
    "workforce_contributors",
)


def _counts(session: Session, view: View, period: Period, moment: datetime) -> dict[str, int]:
    """Over the workforce of `period` (on its last day) in the view's scope, as of `moment`."""
    MC = ModuleCompletion
    required = select(TrainingModule.slug, TrainingModule.version).where(TrainingModule.required).subquery()
    n_required = select(func.count()).select_from(required).scalar_subquery()
    passed = (  # required modules the person had passed at their current version by `moment`
        select(func.count())
        .select_from(MC)
        .join(required, and_(required.c.slug == MC.module_slug, required.c.version == MC.module_version))
        .where(MC.user_id == User.id, MC.passed_at <= moment)
        .correlate(User)
        .scalar_subquery()
    )
    started = or_(
        exists().where(LessonProgress.user_id == User.id, LessonProgress.completed_at <= moment),
        exists().where(QuizAttempt.user_id == User.id, QuizAttempt.submitted_at <= moment),
    )
    flags = {
        "started": started,
        "certified": certified_at(User.id, moment),
        "active_ambassadors": active_ambassador(period, moment),
        "workforce_contributors": contributor(period.start, period.end),
        "all_modules": passed == n_required,
    }
    query = select(
        func.count().label("workforce"),
        func.coalesce(func.sum(passed), 0).label("modules_passed"),
        (func.count() * n_required).label("modules_expected"),
        *(func.coalesce(func.sum(case((f, 1), else_=0)), 0).label(k) for k, f in flags.items()),
    ).where(
        workforce(period.end), *([User.department_id == view.department_id] if view.department_id else [])
    )
    return {k: int(v) for k, v in session.execute(query).one()._mapping.items()}


def training(session: Session, view: View, previous: Period, now: datetime) -> dict:
    """The figures of each period (1: current, 0: previous) as of its end (or now while it runs),
    and the training funnel at the end of the current one."""
    current = _counts(session, view, view.period, view.period.as_of(now))
    before = _counts(session, view, previous, previous.as_of(now))
    return {
        "funnel": pd.DataFrame({"stage": FUNNEL, "people": [current[s] for s in FUNNEL]}),
        1: {k: current[k] for k in FIGURES},
        0: {k: before[k] for k in FIGURES},
    }
