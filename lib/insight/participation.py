"""HR's view of the programme: the funnel from employee to ambassador, and module completion, by
department and team.

The workforce is the people on the roster on the day the figures are read (lib.people.workforce):
for a period, on its last day. Each figure is one SQL aggregation
(GROUP BY in the database). Aggregates of a department or team with fewer people than the option
`participation.min_group_size` are suppressed here, in the data itself, so that neither a screen
nor an export can show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from lib.core import options
from lib.core.errors import NotFound, Problem, ValidationError
from lib.core.i18n import t
from lib.core.models import (
    CustomerSignal,
    Department,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    Team,
    TrainingModule,
    User,
    utcnow,
)
from lib.core.periods import Period, custom_period
from lib.core.permissions import Actor, require
from lib.insight import glossary
from lib.insight.measures import active_ambassador, workforce
from lib.training.certification import certified_at

MIN_GROUP_KEY, DEFAULT_MIN_GROUP = "participation.min_group_size", 5
NEW_JOINER_KEY, DEFAULT_NEW_JOINER_DAYS = "participation.new_joiner_days", 90
STAGES = ("workforce", "started", "certified", "active", "signal")
STAGE_MEASURES = {"workforce": "workforce", "certified": "certified", "active": "active_ambassadors"}
# Why a group's figures are hidden: too few people, or they would reveal a small group by subtraction.
SMALL, COMPLEMENT = "small", "complement"


# --- options ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    min_group_size: int = DEFAULT_MIN_GROUP
    new_joiner_days: int = DEFAULT_NEW_JOINER_DAYS


def settings(session: Session, actor: Actor | None = None) -> Settings:
    return Settings(
        int(options.get(session, MIN_GROUP_KEY, DEFAULT_MIN_GROUP)),
        int(options.get(session, NEW_JOINER_KEY, DEFAULT_NEW_JOINER_DAYS)),
    )


def save_settings(session: Session, actor: Actor, min_group_size, new_joiner_days) -> None:
    """Change the minimum group size (2 to 100) and the new-joiner window (7 to 365 days)."""
    require(actor, "participation.configure")
    problems = []
    for value, field, low, high in (
        (min_group_size, "participation.min_group_size", 2, 100),
        (new_joiner_days, "participation.new_joiner_days", 7, 365),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(Problem("participation.error.between", field, params={"low": low, "high": high}))
    if problems:
        raise ValidationError(problems)
    options.put(session, actor, MIN_GROUP_KEY, min_group_size)
    options.put(session, actor, NEW_JOINER_KEY, new_joiner_days)


# --- scope and period -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The whole company, a department, or a team."""

    department_id: int | None = None
    team_id: int | None = None

    @property
    def kind(self) -> str:
        return "team" if self.team_id else "department" if self.department_id else "company"

    def condition(self):
        """SQL: the person (User) belongs to the scope."""
        if self.team_id:
            return User.team_id == self.team_id
        if self.department_id:
            return User.department_id == self.department_id
        return true()

    def group_key(self):
        """SQL: the group a person counts in: their department for the company, their team
        otherwise; 0 for none."""
        column = User.department_id if self.kind == "company" else User.team_id
        return func.coalesce(column, 0).label("group_id")


def check_scope(session: Session, scope: Scope) -> None:
    if scope.department_id and session.get(Department, scope.department_id) is None:
        raise NotFound("participation.error.unknown_department")
    if scope.team_id:
        team = session.get(Team, scope.team_id)
        if team is None or (scope.department_id and team.department_id != scope.department_id):
            raise NotFound("participation.error.unknown_team")


# --- the per-person conditions everything is counted from -------------------------------------


def started_training(moment: datetime):
    """SQL: the person read a lesson or tried a quiz before `moment`."""
    return or_(
        exists().where(LessonProgress.user_id == User.id, LessonProgress.completed_at < moment),
        exists().where(QuizAttempt.user_id == User.id, QuizAttempt.submitted_at < moment),
    )


def reported_signal(period: Period):
    """SQL: the person reported a customer signal within `period`."""
    return exists().where(
        CustomerSignal.reporter_id == User.id,
        CustomerSignal.reported_at >= period.starts_at,
        CustomerSignal.reported_at < period.ends_at,
    )


def stage_label(stage: str, lang: str) -> str:
    """A funnel step's name: the glossary's for the steps that are measures."""
    measure = STAGE_MEASURES.get(stage)
    return glossary.name(measure, lang) if measure else t(f"participation.stage.{stage}", lang)


def stage_help(stage: str, lang: str) -> str:
    measure = STAGE_MEASURES.get(stage)
    return glossary.definition(measure, lang) if measure else t(f"participation.stage_help.{stage}", lang)


def flag(condition):
    return case((condition, 1), else_=0)


# --- suppression of small groups --------------------------------------------------------------


def suppress(df: pd.DataFrame, minimum: int, figures: list[str]) -> pd.DataFrame:
    """Blank the `figures` (and the headcount) of groups under `minimum` people; when exactly one
    group is blanked, also blank the next smallest, so that no total minus the rest reveals it."""
    out = df.reset_index(drop=True)
    reasons = [SMALL if n < minimum else None for n in out["workforce"]]
    if reasons.count(SMALL) == 1 and len(reasons) > 1:
        reasons[min((n, i) for i, n in enumerate(out["workforce"]) if reasons[i] is None)[1]] = COMPLEMENT
    hidden = pd.Series([r is not None for r in reasons])
    for column in ["workforce", *figures]:
        out[column] = out[column].astype("Float64" if out[column].dtype.kind == "f" else "Int64")
        out.loc[hidden, column] = pd.NA
    out["hidden"] = pd.Series(reasons, dtype=object)
    return out


# --- the funnel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """The programme funnel of a scope and period; `groups` breaks it down (departments or teams)."""

    stages: pd.DataFrame  # stage, people, share of the previous stage (None when hidden)
    groups: pd.DataFrame  # group_id, group, workforce, started, certified, active, signal, hidden
    hidden: bool  # the scope itself is a department or team under the minimum size
    min_group_size: int


def _with_names(session: Session, scope: Scope, groups: pd.DataFrame) -> pd.DataFrame:
    """`groups` with each group's name (None for people without one) after its id, sorted by name."""
    model = Department if scope.kind == "company" else Team
    names = dict(session.execute(select(model.id, model.name)).all())
    groups.insert(1, "group", pd.Series([names.get(i) for i in groups["group_id"]], dtype=object))
    return groups.sort_values("group", na_position="last").reset_index(drop=True)


def funnel(
    session: Session, actor: Actor, scope: Scope, start: date, end: date, now: datetime | None = None
) -> Funnel:
    """Workforce → started training → certified → active ambassadors → surfaced a customer signal.

    The workforce is the period's, on its last day. Each stage counts people of the previous one:
    training and certification as of the end of the period, active ambassadors as everywhere
    (lib.insight.measures.active_ambassador), signals reported within the period.
    """
    require(actor, "participation.view")
    now = now or utcnow()
    check_scope(session, scope)
    period = custom_period(start, end, now.date())  # refuses reversed, future or too long periods
    moment = period.as_of(now)
    person = (
        select(
            scope.group_key(),
            flag(started_training(moment)).label("s"),
            flag(certified_at(User.id, moment)).label("c"),
            flag(active_ambassador(period, moment)).label("a"),
            flag(reported_signal(period)).label("g"),
        )
        .where(workforce(period.end), scope.condition())
        .subquery()
    )
    p = person.c
    query = select(
        p.group_id,
        func.count().label("workforce"),
        func.sum(p.s).label("started"),
        func.sum(p.s * p.c).label("certified"),
        func.sum(p.s * p.c * p.a).label("active"),
        func.sum(p.s * p.c * p.a * p.g).label("signal"),
    ).group_by(p.group_id)
    groups = pd.DataFrame(session.execute(query).all(), columns=["group_id", *STAGES]).astype(
        dict.fromkeys(STAGES, "int64")
    )
    totals = [int(groups[stage].sum()) for stage in STAGES]
    minimum = settings(session).min_group_size
    hidden = scope.kind != "company" and totals[0] < minimum
    groups = suppress(_with_names(session, scope, groups), minimum, list(STAGES[1:]))
    previous = [None, *totals[:-1]]
    stages = pd.DataFrame(
        {
            "stage": list(STAGES),
            "people": [None if hidden else n for n in totals],
            "share": [
                None if hidden or not before else n / before
                for n, before in zip(totals, previous, strict=True)
            ],
        }
    )
    return Funnel(stages, groups, hidden, minimum)


# --- completion by module and group -----------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """Who passed each module at its current version: by module for the scope, and per group."""

    by_module: pd.DataFrame  # module, required, passed, workforce, share (None when hidden)
    by_group: pd.DataFrame  # group_id, group, workforce, hidden, then one share column per module
    hidden: bool
    min_group_size: int


def completion(session: Session, actor: Actor, scope: Scope, today: date | None = None) -> Completion:
    """Module completion (passed at the current version) of today's workforce in `scope`, by group."""
    require(actor, "participation.view")
    check_scope(session, scope)
    key = scope.group_key()
    today = today or utcnow().date()
    heads = session.execute(
        select(key, func.count()).where(workforce(today), scope.condition()).group_by(key)
    ).all()
    passed = session.execute(
        select(key, TrainingModule.slug, func.count())
        .select_from(ModuleCompletion)
        .join(
            TrainingModule,
            and_(
                TrainingModule.slug == ModuleCompletion.module_slug,
                TrainingModule.version == ModuleCompletion.module_version,
            ),
        )
        .join(User, User.id == ModuleCompletion.user_id)
        .where(workforce(today), scope.condition())
        .group_by(key, TrainingModule.slug)
    ).all()
    modules = session.execute(
        select(TrainingModule.slug, TrainingModule.required).order_by(TrainingModule.position)
    ).all()
    slugs = [m.slug for m in modules]
    minimum = settings(session).min_group_size
    total = sum(n for _, n in heads)
    hidden = scope.kind != "company" and total < minimum
    counts = pd.DataFrame(passed, columns=["group_id", "module", "n"])
    per_module = counts.groupby("module")["n"].sum()
    by_module = pd.DataFrame(
        {
            "module": slugs,
            "required": [m.required for m in modules],
            "passed": [None if hidden else int(per_module.get(s, 0)) for s in slugs],
            "workforce": [None if hidden else total] * len(slugs),
            "share": [None if hidden or not total else per_module.get(s, 0) / total for s in slugs],
        }
    )
    groups = pd.DataFrame(heads, columns=["group_id", "workforce"]).astype({"workforce": "int64"})
    groups = groups.join(
        counts.pivot(index="group_id", columns="module", values="n").reindex(columns=slugs), on="group_id"
    )
    groups[slugs] = groups[slugs].fillna(0).astype("float64").div(groups["workforce"], axis=0)
    groups = suppress(_with_names(session, scope, groups), minimum, slugs)
    return Completion(by_module, groups, hidden, minimum)
