"""The leadership overview: every figure and chart series of a view, computed in SQL by the
lib.insight.figures_* modules (contributions and signals from the rollups the database keeps exact,
migration 0006; training from its own tables). Results are cached per database,
view, data version and hour, so nothing is recomputed while nothing changed; the hour only
refreshes what time alone changes (certificates expiring).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from lib.activity import review
from lib.activity.signals import ack_hours
from lib.core import options
from lib.core.errors import NotFound, Problem, ValidationError
from lib.core.models import ActivityDaily, CustomerSignal, DataVersion, Department, utcnow
from lib.core.periods import Period, View
from lib.core.permissions import Actor, require
from lib.core.vocab import CURRENCIES
from lib.insight import figures_activity as activity
from lib.insight import figures_signals as signals
from lib.insight import figures_training as training
from lib.insight import trends

CPM_KEY, CPC_KEY, EUR_RATES_KEY = "leadership.cpm_eur", "leadership.cpc_eur", "leadership.eur_rates"
DEFAULT_CPM, DEFAULT_CPC = 8.0, 1.2
DEFAULT_EUR_RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "CHF": 1.06, "CAD": 0.66}
MAX_RATE = 1000.0
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

    workforce: int = 0  # the workforce on the period's last day (lib.people.workforce)
    contributors: int = 0  # people with a counted contribution in the period (leavers included)
    workforce_contributors: int = 0  # of the period's workforce, those who are contributors
    active_ambassadors: int = 0  # lib.insight.measures.active_ambassador, of the period's workforce
    contributions: int = 0
    impressions: int = 0
    impressions_known: int = 0  # contributions whose reach is known
    engagement_known: int = 0  # reactions + comments + shares of those contributions
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    engagements: int = 0  # engagement totals platforms give without a split (LinkedIn exports)
    impressions_imported: int = 0  # reach whose figures come from platform analytics exports
    wins: int = 0
    win_value: float = 0.0  # euros
    losses: int = 0
    loss_value: float = 0.0
    open_losses: int = 0  # losses reported in the period and not resolved (the previous: at the same age)
    signals_reported: int = 0  # signals of the period (the previous: reported by the same age)
    signals_resolved: int = 0  # of them, resolved (the previous: by the same age)
    median_ack_hours: float | None = None
    modules_passed: int = 0  # required modules passed at their current version by the workforce
    modules_expected: int = 0  # workforce × required modules
    certified: int = 0

    @staticmethod
    def _share(part, whole) -> float | None:
        return part / whole if whole else None

    @property
    def participation_rate(self) -> float | None:
        """The share of the period's workforce who are contributors in it."""
        return self._share(self.workforce_contributors, self.workforce)

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares + self.engagements

    @property
    def imported_reach_share(self) -> float | None:
        """The share of the period's reach whose figures come from platform exports."""
        return self._share(self.impressions_imported, self.impressions)

    @property
    def engagement_rate(self) -> float | None:
        """Engagement per impression, over the contributions whose reach is known."""
        return self._share(self.engagement_known, self.impressions)

    @property
    def resolution_rate(self) -> float | None:
        return self._share(self.signals_resolved, self.signals_reported)

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
    departments: pd.DataFrame  # department_id, department, workforce, contributors, contributions
    funnel: pd.DataFrame  # stage, people
    top_people: pd.DataFrame  # name (None when the person opted out), department, contributions
    top_teams: pd.DataFrame  # team, department, headcount, contributors, contributions
    latest_signals: (
        pd.DataFrame
    )  # reported_at, signal_type, category, customer, department, status, value_eur
    trend: pd.DataFrame  # bucket, platform, contributions, impressions, engagement, engagement_known, clicks
    active_trend: pd.DataFrame  # bucket, contributors
    ack_trend: pd.DataFrame  # bucket, acknowledged, median_hours, late_share
    by_platform: pd.DataFrame  # platform, contributions, impressions, engagement, clicks
    by_department: pd.DataFrame  # department, contributions, impressions, engagement, clicks
    learning: dict[str, pd.DataFrame]  # by_category, by_team (see trends.learning)
    ack_target_hours: float
    age_days: int  # days since the period ended; the previous period is compared at that same age
    rates: Rates
    has_data: bool  # any contribution or signal at all, in any period
    pending_review: int  # contributions held out of every figure until HR reviews them (in scope)
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
    require(actor, "overview.configure")
    return rates(session)


def set_rates(session: Session, actor: Actor, cpm, cpc) -> None:
    """Change the earned-media rates (administrators); every bad value is reported, none saved."""
    require(actor, "overview.configure")
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


def last_changed(session: Session) -> datetime | None:
    """When the figures' data last changed (UTC), as the database's triggers recorded it with the
    data version: the same for every process and replica; None before any change was recorded."""
    return session.scalar(select(DataVersion.changed_at).where(DataVersion.id == 1))


def data_version(session: Session) -> int:
    """Changes with every committed change to what the overview reads (kept by triggers)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0


def overview(session: Session, actor: Actor, view: View, *, now: datetime | None = None) -> Overview:
    """The overview of `view` (executives and administrators), from the cache when nothing changed."""
    require(actor, "overview.view")
    if view.department_id is not None and session.get(Department, view.department_id) is None:
        raise NotFound("leadership.department_gone")
    now = now or utcnow()
    version, current_rates = data_version(session), rates(session)
    key = (
        session.get_bind().engine.url.render_as_string(),
        view,
        version,
        now.replace(minute=0, second=0, microsecond=0),
        current_rates,
    )
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


def compute(session: Session, view: View, now: datetime, current_rates: Rates, version: int = 0) -> Overview:
    """Compute the overview without the cache (the benchmark's cold figure)."""
    previous, eur = view.period.previous(), dict(current_rates.eur)
    target = float(ack_hours(session))
    people = activity.people(session, view)
    totals = activity.activity_totals(session, view, previous)
    outcomes = signals.signal_totals(session, view, previous, eur)
    trained = training.training(session, view, previous, now)
    active = {
        1: activity.contributor_count(people, view.department_id),
        0: activity.previous_contributor_count(session, previous, view.department_id),
    }
    same_age = trends.at_same_age(session, view, previous, now)
    fair = {
        f: {
            "open_losses": same_age[f]["open_losses"],
            "signals_reported": same_age[f]["signals"],
            "signals_resolved": same_age[f]["resolved"],
        }
        for f in (0, 1)
    }
    figures = {
        f: Figures(**active[f], **totals.get(f, {}), **(outcomes[f] | fair[f]), **trained[f]) for f in (0, 1)
    }
    has_data = session.scalar(
        select(or_(exists(select(ActivityDaily.day)), exists(select(CustomerSignal.id))))
    )
    return Overview(
        view=view,
        previous=previous,
        current=figures[1],
        prior=figures[0],
        activity=activity.activity_series(session, view),
        signals=signals.signal_series(session, view, eur),
        departments=activity.departments(session, view, people),
        funnel=trained["funnel"],
        top_people=activity.top_people(session, people),
        top_teams=activity.top_teams(session, people, view.period.end),
        latest_signals=signals.latest_signals(session, view, eur),
        trend=trends.activity_trend(session, view),
        active_trend=trends.active_trend(session, view),
        ack_trend=trends.ack_trend(session, view, target),
        by_platform=trends.breakdown(session, view, "platform"),
        by_department=trends.breakdown(session, view, "department"),
        learning=trends.learning(session, view, eur),
        ack_target_hours=target,
        age_days=same_age[1]["age_days"],
        rates=current_rates,
        has_data=bool(has_data),
        pending_review=review.pending_count(session, view.department_id),
        version=version,
        computed_at=now,
    )
