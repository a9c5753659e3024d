"""The leadership overview: every figure and chart series, as SQL over the rollup tables.

Contributions are read from the day/month rollups the database keeps exact (migration 0006);
signals and training from their own (small, indexed) tables. Results are cached per database,
view, data version and hour, so nothing is recomputed while nothing changed; the hour only
refreshes what time alone changes (certificates expiring).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import (
    Float,
    and_,
    case,
    distinct,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from lib import options
from lib.access import Actor, require_role
from lib.certification import certified_condition
from lib.errors import NotFound, Problem, ValidationError
from lib.models import (
    ActivityDaily,
    AmbassadorDay,
    AmbassadorMonth,
    Certification,
    CustomerSignal,
    DataVersion,
    Department,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    SignalAck,
    SignalDaily,
    Team,
    TrainingModule,
    User,
    UserRole,
    utcnow,
)
from lib.periods import Period, View
from lib.vocab import CURRENCIES

VIEWERS = ("executive", "admin")
CPM_KEY, CPC_KEY, EUR_RATES_KEY = "leadership.cpm_eur", "leadership.cpc_eur", "leadership.eur_rates"
DEFAULT_CPM, DEFAULT_CPC = 8.0, 1.2
DEFAULT_EUR_RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "CHF": 1.06, "CAD": 0.66}
MAX_RATE = 1000.0
TOP, FEED = 10, 8
CACHE_SIZE = 32


@dataclass(frozen=True)
class Rates:
    """Earned-media rates (€ per 1,000 impressions, € per click) and euro conversion of values."""

    cpm: float = DEFAULT_CPM
    cpc: float = DEFAULT_CPC
    eur: tuple[tuple[str, float], ...] = tuple(DEFAULT_EUR_RATES.items())


@dataclass(frozen=True)
class Figures:
    """The figures of one period and scope. Sums count known values only."""

    workforce: int = 0  # active people with the employee role, today
    active_ambassadors: int = 0  # people with a contribution in the period (leavers included)
    active_workforce: int = 0  # people of today's workforce with a contribution in the period
    contributions: int = 0
    impressions: int = 0
    impressions_known: int = 0  # contributions whose reach is known
    engagement_known: int = 0  # reactions + comments + shares of those contributions
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    wins: int = 0
    win_value: float = 0.0  # euros
    losses: int = 0
    loss_value: float = 0.0
    open_losses: int = 0  # losses reported in the period and not resolved yet
    median_ack_hours: float | None = None
    modules_passed: int = 0  # required modules passed at their current version by the workforce
    modules_expected: int = 0  # workforce × required modules
    certified: int = 0

    @staticmethod
    def _share(part, whole) -> float | None:
        return part / whole if whole else None

    @property
    def active_share(self) -> float | None:
        return self._share(self.active_workforce, self.workforce)

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares

    @property
    def engagement_rate(self) -> float | None:
        """Engagement per impression, over the contributions whose reach is known."""
        return self._share(self.engagement_known, self.impressions)

    @property
    def training_completion(self) -> float | None:
        return self._share(self.modules_passed, self.modules_expected)

    @property
    def certified_share(self) -> float | None:
        return self._share(self.certified, self.workforce)

    def emv(self, rates: Rates) -> float:
        """Earned-media value: impressions / 1000 × CPM + clicks × CPC."""
        return self.impressions / 1000 * rates.cpm + self.clicks * rates.cpc


@dataclass(frozen=True)
class Overview:
    """Everything the page and the board report show. The data frames are shared: do not modify."""

    view: View
    previous: Period
    current: Figures
    prior: Figures
    activity: pd.DataFrame  # bucket, platform, contributions, impressions, engagement
    signals: pd.DataFrame  # bucket, signal_type, signals, value_eur
    departments: pd.DataFrame  # department_id, department, workforce, active_ambassadors, contributions
    funnel: pd.DataFrame  # stage, people
    top_people: pd.DataFrame  # name (None when the person opted out), department, contributions
    top_teams: pd.DataFrame  # team, department, headcount, active_ambassadors, contributions
    latest_signals: pd.DataFrame  # reported_at, signal_type, category, customer, department, status, value_eur
    rates: Rates
    has_data: bool  # any contribution or signal at all, in any period
    version: int
    computed_at: datetime


# --- options ------------------------------------------------------------------------------


def rates(session: Session) -> Rates:
    eur = {**DEFAULT_EUR_RATES, **options.get(session, EUR_RATES_KEY, {})}
    return Rates(
        float(options.get(session, CPM_KEY, DEFAULT_CPM)),
        float(options.get(session, CPC_KEY, DEFAULT_CPC)),
        tuple((c, float(eur[c])) for c in CURRENCIES),
    )


def rate_settings(session: Session, actor: Actor) -> Rates:
    """The rates in force, for the administrators who may change them."""
    require_role(actor, "admin")
    return rates(session)


def set_rates(session: Session, actor: Actor, cpm, cpc) -> None:
    """Change the earned-media rates (administrators); every bad value is reported, none saved."""
    require_role(actor, "admin")
    problems, values = [], {}
    for key, raw in ((CPM_KEY, cpm), (CPC_KEY, cpc)):
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = -1.0
        if not 0 <= value <= MAX_RATE:
            problems.append(Problem(f"{key}_invalid", params={"max": int(MAX_RATE)}))
        values[key] = value
    if problems:
        raise ValidationError(problems)
    for key, value in values.items():
        options.put(session, actor, key, value)


# --- the cache ----------------------------------------------------------------------------

_cache: OrderedDict[tuple, Overview] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> int:
    """Changes with every committed change to what the overview reads (kept by triggers)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0


def overview(session: Session, actor: Actor, view: View, *, now: datetime | None = None) -> Overview:
    """The overview of `view` (executives and administrators), from the cache when nothing changed."""
    require_role(actor, *VIEWERS)
    if view.department_id is not None and session.get(Department, view.department_id) is None:
        raise NotFound("leadership.department_gone")
    now = now or utcnow()
    version, current_rates = data_version(session), rates(session)
    key = (session.get_bind().url.render_as_string(), view, version, now.replace(minute=0, second=0, microsecond=0), current_rates)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = compute(session, view, now, current_rates, version)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


# --- the queries --------------------------------------------------------------------------


def _workforce():
    """Active people with the employee role."""
    return and_(User.is_active, exists().where(UserRole.user_id == User.id, UserRole.role == "employee"))


def _person_rows(period: Period):
    """(user_id, department_key, contributions) rows covering `period` exactly: whole months
    from the month rollup, the days at either end from the day rollup."""
    first_month = period.start if period.start.day == 1 else (period.start.replace(day=1) + timedelta(days=32)).replace(day=1)
    after_months = (period.end + timedelta(days=1)).replace(day=1)
    D, M = AmbassadorDay, AmbassadorMonth
    days = lambda lo, hi: select(D.user_id, D.department_key, D.contributions).where(D.day >= lo, D.day <= hi)  # noqa: E731
    if first_month >= after_months:
        return days(period.start, period.end).subquery()
    return union_all(
        select(M.user_id, M.department_key, M.contributions).where(M.month >= first_month, M.month < after_months),
        days(period.start, first_month - timedelta(days=1)),
        days(after_months, period.end),
    ).subquery()


def _pairs(period: Period):
    """(user_id, department_key, n): each person's contributions in the period, per department."""
    rows = _person_rows(period)
    return select(rows.c.user_id, rows.c.department_key, func.sum(rows.c.contributions).label("n")).group_by(
        rows.c.user_id, rows.c.department_key
    )


def _member_department():
    """A person's department today (0: none), rendered identically wherever it is grouped by."""
    return func.coalesce(User.department_id, literal_column("0"))


def _people(session: Session, view: View) -> dict:
    """From one pass over the per-person rollups of the current period: active ambassadors
    (company-wide and per department of the contributions), contributions per department, active
    members of today's workforce per current department, and the top people and teams in scope."""
    pairs = _pairs(view.period).cte("pairs")
    scoped = select(pairs).where(pairs.c.department_key == view.department_id) if view.department_id else select(pairs)
    scoped = scoped.subquery()
    kind = lambda name: literal_column(f"'{name}'").label("kind")  # noqa: E731
    total = lambda column: func.coalesce(func.sum(column), 0).label("n")  # noqa: E731
    ranked = lambda query, order: query.order_by(total(scoped.c.n).desc(), order).limit(TOP).subquery()  # noqa: E731
    people = ranked(
        select(kind("person"), scoped.c.user_id.label("key"), literal_column("1").label("people"), total(scoped.c.n))
        .group_by(scoped.c.user_id), scoped.c.user_id,
    )
    teams = ranked(
        select(kind("team"), User.team_id.label("key"), func.count(distinct(scoped.c.user_id)).label("people"), total(scoped.c.n))
        .join(User, User.id == scoped.c.user_id).where(User.team_id.is_not(None)).group_by(User.team_id), User.team_id,
    )
    query = union_all(
        select(kind("department"), pairs.c.department_key, func.count(), total(pairs.c.n)).group_by(pairs.c.department_key),
        select(kind("company"), literal_column("0"), func.count(distinct(pairs.c.user_id)), total(pairs.c.n)),
        select(kind("member"), _member_department(), func.count(distinct(pairs.c.user_id)), literal_column("0"))
        .join(User, User.id == pairs.c.user_id).where(_workforce()).group_by(_member_department()),
        select(people), select(teams),
    )
    out: dict = {"department": {}, "member": {}, "person": [], "team": []}
    for k, key, count, contributions in session.execute(query):
        if k == "company":
            out["company"] = int(count)
        elif k in ("department", "member"):
            out[k][key] = (int(count), int(contributions))
        else:
            out[k].append((key, int(count), int(contributions)))
    return out


def _active(people: dict, department_id: int | None) -> dict:
    """Active ambassadors in scope, and how many of them are in today's workforce."""
    if department_id:
        active = people["department"].get(department_id, (0, 0))[0]
        members = people["member"].get(department_id, (0, 0))[0]
    else:
        active, members = people.get("company", 0), sum(count for count, _ in people["member"].values())
    return {"active_ambassadors": active, "active_workforce": members}


def _previous_active(session: Session, period: Period, department_id: int | None) -> dict:
    pairs = _pairs(period).subquery()
    active = select(func.count(distinct(pairs.c.user_id)))
    members = select(func.count(distinct(pairs.c.user_id))).join(User, User.id == pairs.c.user_id).where(_workforce())
    if department_id:
        active = active.where(pairs.c.department_key == department_id)
        members = members.where(User.department_id == department_id)
    return {"active_ambassadors": session.scalar(active), "active_workforce": session.scalar(members)}


def _activity_totals(session: Session, view: View, previous: Period) -> dict[int, dict]:
    A = ActivityDaily
    current = case((A.day >= view.period.start, 1), else_=0)
    columns = ("contributions", "impressions", "impressions_known", "engagement_known", "reactions", "comments", "shares", "clicks")
    query = select(current, *(func.sum(getattr(A, c)) for c in columns)).where(A.day.between(previous.start, view.period.end))
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    return {row[0]: dict(zip(columns, map(int, row[1:]))) for row in session.execute(query.group_by(current))}


def _activity_series(session: Session, view: View) -> pd.DataFrame:
    A = ActivityDaily
    bucket = A.day if view.period.bucket == "day" else A.week
    query = (
        select(
            bucket.label("bucket"), A.platform, func.sum(A.contributions).label("contributions"),
            func.sum(A.impressions).label("impressions"), func.sum(A.reactions + A.comments + A.shares).label("engagement"),
        )
        .where(A.day.between(view.period.start, view.period.end))
        .group_by(bucket, A.platform).order_by(bucket, A.platform)
    )
    if view.department_id:
        query = query.where(A.department_key == view.department_id)
    return _frame(session, query, ints=("contributions", "impressions", "engagement"))


def _frame(session: Session, query, ints=(), floats=()) -> pd.DataFrame:
    result = session.execute(query)
    df = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in ints:
        df[column] = df[column].astype("int64")
    for column in floats:
        df[column] = df[column].astype("float64")
    return df


def _in_period(column, period_start: date, period_end: date, department_column, department_id: int | None) -> list:
    conditions = [column.between(period_start, period_end)]
    return conditions + ([department_column == department_id] if department_id else [])


def _in_euros(amount, currency, current_rates: Rates):
    """`amount` in `currency`, converted to euros at the configured rates (unrounded)."""
    return type_coerce(amount * case(dict(current_rates.eur), value=currency, else_=1.0), Float)


def _signal_totals(session: Session, view: View, previous: Period, current_rates: Rates) -> dict[int, dict]:
    """Wins, losses (count, value in euros), open losses and the median hours to acknowledge."""
    G = SignalDaily
    current = case((G.day >= view.period.start, 1), else_=0)
    value = _in_euros(G.value, G.currency, current_rates)
    query = (
        select(current, G.signal_type, func.sum(G.signals), func.sum(value), func.sum(G.open_signals))
        .where(*_in_period(G.day, previous.start, view.period.end, G.department_key, view.department_id))
        .group_by(current, G.signal_type)
    )
    out: dict[int, dict] = {0: {}, 1: {}}
    for flag, signal_type, count, total, still_open in session.execute(query):
        plural = {"win": "wins", "loss": "losses"}[signal_type]
        out[flag] |= {plural: int(count), f"{signal_type}_value": float(total or 0)}
        if signal_type == "loss":
            out[flag]["open_losses"] = int(still_open)
    for flag, period in ((1, view.period), (0, previous)):
        out[flag]["median_ack_hours"] = _median_ack_hours(session, period, view.department_id)
    return out


def _median_ack_hours(session: Session, period: Period, department_id: int | None) -> float | None:
    """The median hours from report to acknowledgement of the period's acknowledged signals:
    count them, then read the one or two middle values (a bounded sort, no window)."""
    K = SignalAck
    scope = [K.reported_at >= period.starts_at, K.reported_at < period.ends_at]
    scope += [K.department_key == department_id] if department_id else []
    n = session.scalar(select(func.count()).select_from(K).where(*scope))
    if not n:
        return None
    middle = session.scalars(select(K.hours).where(*scope).order_by(K.hours).limit(2 - n % 2).offset((n - 1) // 2)).all()
    return sum(middle) / len(middle)


def _signal_series(session: Session, view: View, current_rates: Rates) -> pd.DataFrame:
    G = SignalDaily
    bucket = G.day if view.period.bucket == "day" else G.week
    value = _in_euros(G.value, G.currency, current_rates)
    query = (
        select(bucket.label("bucket"), G.signal_type, func.sum(G.signals).label("signals"), func.sum(value).label("value_eur"))
        .where(*_in_period(G.day, view.period.start, view.period.end, G.department_key, view.department_id))
        .group_by(bucket, G.signal_type).order_by(bucket, G.signal_type)
    )
    return _frame(session, query, ints=("signals",), floats=("value_eur",))


def _latest_signals(session: Session, view: View, current_rates: Rates) -> pd.DataFrame:
    S = CustomerSignal
    value = _in_euros(S.estimated_value, func.coalesce(S.currency, "EUR"), current_rates)
    query = (
        select(
            S.reported_at, S.signal_type, S.category, S.customer_name.label("customer"),
            Department.name.label("department"), S.status, value.label("value_eur"),
        )
        .outerjoin(Department, Department.id == S.department_id)
        .where(S.reported_at >= view.period.starts_at, S.reported_at < view.period.ends_at)
        .where(*([S.department_id == view.department_id] if view.department_id else []))
        .order_by(S.reported_at.desc(), S.id.desc()).limit(FEED)
    )
    return _frame(session, query, floats=("value_eur",))


def _certified_at(moment: datetime):
    """Certified at `moment` (the shared definition), with a certificate issued by then."""
    issued = exists().where(Certification.user_id == User.id, Certification.issued_at <= moment)
    return and_(certified_condition(User.id, moment), issued)


def _training(session: Session, view: View, moments: tuple[datetime, datetime]) -> dict:
    """Required modules passed and people certified at the end of each period (current first);
    the funnel at the end of the current one."""
    in_scope = [_workforce()] + ([User.department_id == view.department_id] if view.department_id else [])
    required = select(TrainingModule.slug, TrainingModule.version).where(TrainingModule.required).subquery()
    MC = ModuleCompletion
    now, before = moments
    n_required = select(func.count()).select_from(required).scalar_subquery()
    per_person = (  # required modules each person has passed at their current version, by each moment
        select(MC.user_id, func.count().label("now"), func.sum(case((MC.passed_at <= before, 1), else_=0)).label("before"))
        .join(required, and_(required.c.slug == MC.module_slug, required.c.version == MC.module_version))
        .where(MC.passed_at <= now).group_by(MC.user_id).subquery()
    )
    passed_now, passed_before, all_modules = map(int, session.execute(
        select(func.coalesce(func.sum(per_person.c.now), 0), func.coalesce(func.sum(per_person.c.before), 0),
               func.coalesce(func.sum(case((per_person.c.now == n_required, 1), else_=0)), 0))
        .join(User, User.id == per_person.c.user_id).where(*in_scope)
    ).one())
    conditions = {
        "workforce": true(),
        "started": or_(
            exists().where(LessonProgress.user_id == User.id, LessonProgress.completed_at <= now),
            exists().where(QuizAttempt.user_id == User.id, QuizAttempt.submitted_at <= now),
        ),
        "certified": _certified_at(now),
        "certified_before": _certified_at(before),
    }
    counts = dict(session.execute(union_all(*(
        select(literal_column(f"'{name}'"), func.count()).select_from(User).where(*in_scope, condition)
        for name, condition in conditions.items()
    ))).all()) | {"all_modules": all_modules}
    expected = counts["workforce"] * session.scalar(select(n_required))
    stages = ["workforce", "started", "all_modules", "certified"]
    return {
        "funnel": pd.DataFrame({"stage": stages, "people": [int(counts[s]) for s in stages]}),
        1: {"workforce": counts["workforce"], "modules_passed": passed_now, "modules_expected": expected, "certified": counts["certified"]},
        0: {"workforce": counts["workforce"], "modules_passed": passed_before, "modules_expected": expected, "certified": counts["certified_before"]},
    }


def _departments(session: Session, people: dict) -> pd.DataFrame:
    """Every department (key 0: none) with its workforce, how many of them contributed in the
    period, and the contributions recorded in it."""
    key = _member_department()
    workforce = dict(session.execute(select(key, func.count()).where(_workforce()).group_by(key)).all())
    names = dict(session.execute(select(Department.id, Department.name)).all())
    keys = sorted(set(workforce) | set(people["department"]) | set(names), key=lambda k: (k == 0, names.get(k, "")))
    rows = []
    for k in keys:
        contributions = people["department"].get(k, (0, 0))[1]
        if workforce.get(k, 0) or contributions:
            rows.append((k or None, names.get(k), workforce.get(k, 0), people["member"].get(k, (0, 0))[0], contributions))
    return pd.DataFrame(rows, columns=["department_id", "department", "workforce", "active_ambassadors", "contributions"])


def _top_people(session: Session, people: dict) -> pd.DataFrame:
    ranked = people["person"]
    found = {
        uid: (None if opted_out else name, dept)
        for uid, name, opted_out, dept in session.execute(
            select(User.id, User.full_name, User.leaderboard_opt_out, Department.name)
            .outerjoin(Department, Department.id == User.department_id).where(User.id.in_([r[0] for r in ranked]))
        )
    }
    return pd.DataFrame(
        [(*found[uid], n) for uid, _, n in ranked], columns=["name", "department", "contributions"]
    ).astype({"contributions": "int64"})


def _top_teams(session: Session, people: dict) -> pd.DataFrame:
    ranked = people["team"]
    ids = [r[0] for r in ranked]
    names = {tid: (team, dept) for tid, team, dept in session.execute(
        select(Team.id, Team.name, Department.name).join(Department, Department.id == Team.department_id).where(Team.id.in_(ids)))}
    heads = dict(session.execute(select(User.team_id, func.count()).where(_workforce(), User.team_id.in_(ids)).group_by(User.team_id)).all())
    return pd.DataFrame(
        [(*names[tid], heads.get(tid, 0), active, n) for tid, active, n in ranked],
        columns=["team", "department", "headcount", "active_ambassadors", "contributions"],
    ).astype({"headcount": "int64", "active_ambassadors": "int64", "contributions": "int64"})


def compute(session: Session, view: View, now: datetime, current_rates: Rates, version: int = 0) -> Overview:
    """Compute the overview without the cache (the benchmark's cold figure)."""
    previous = view.period.previous()
    people = _people(session, view)
    activity = _activity_totals(session, view, previous)
    signals = _signal_totals(session, view, previous, current_rates)
    training = _training(session, view, (view.period.as_of(now), previous.as_of(now)))
    active = {1: _active(people, view.department_id), 0: _previous_active(session, previous, view.department_id)}
    figures = {flag: Figures(**active[flag], **activity.get(flag, {}), **signals[flag], **training[flag]) for flag in (0, 1)}
    has_data = session.scalar(select(or_(exists(select(ActivityDaily.day)), exists(select(CustomerSignal.id)))))
    return Overview(
        view=view, previous=previous, current=figures[1], prior=figures[0],
        activity=_activity_series(session, view), signals=_signal_series(session, view, current_rates),
        departments=_departments(session, people), funnel=training["funnel"],
        top_people=_top_people(session, people), top_teams=_top_teams(session, people),
        latest_signals=_latest_signals(session, view, current_rates), rates=current_rates,
        has_data=bool(has_data), version=version, computed_at=now,
    )
