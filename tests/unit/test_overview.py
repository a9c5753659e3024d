"""The leadership overview on a small hand-built organisation whose figures are known
(tests/leadership_org.py explains how each one adds up): KPIs, period comparison, scope,
chart data, opt-outs, the cache and who may see it."""

from dataclasses import asdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, update

from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import Contribution, CustomerSignal, DataVersion, Department, User, utcnow
from lib.core.periods import Period, View, preset_period
from lib.core.permissions import Actor
from lib.insight import leadership as overview
from tests import leadership_org as org

TODAY = date(2026, 3, 31)
NOW = datetime.combine(TODAY, time(12))
EXEC = Actor(id=None, username="vera", roles=frozenset({"executive"}))


@pytest.fixture
def ids(engine):
    return org.build(engine, TODAY)


def get(engine, view=None, actor=EXEC, now=NOW):
    view = view or View("last_30", preset_period("last_30", TODAY))
    with session_scope(engine, write=False) as session:
        return overview.overview(session, actor, view, now=now)


def figures(f: overview.Figures) -> dict:
    out = asdict(f)
    out["median_ack_hours"] = pytest.approx(out["median_ack_hours"], abs=1e-6)
    return out


def test_key_figures_and_the_previous_period(engine, ids):
    ov = get(engine)
    assert ov.view.period == Period(TODAY - timedelta(days=29), TODAY)
    assert ov.previous == Period(TODAY - timedelta(days=59), TODAY - timedelta(days=30))
    assert figures(ov.current) == org.EXPECTED["current"]
    assert figures(ov.prior) == org.EXPECTED["previous"]
    cur = ov.current
    assert cur.participation_rate == 4 / 5
    assert cur.engagement == 106
    assert cur.engagement_rate == 99 / 2150
    assert cur.emv(ov.rates) == pytest.approx(2150 / 1000 * 8.0 + 34 * 1.2)
    assert cur.training_completion == (2 * org.R + 2) / (5 * org.R)
    assert cur.certified_share == 2 / 5
    assert ov.prior.certified_share == 1 / 5
    assert ov.has_data


def test_department_scope(engine, ids):
    view = View("last_30", preset_period("last_30", TODAY), ids["Sales"])
    assert figures(get(engine, view).current) == org.EXPECTED["sales"]


def test_unknown_department_is_refused(engine, ids):
    with pytest.raises(NotFound):
        get(engine, View("last_30", preset_period("last_30", TODAY), 999_999))


def test_chart_data(engine, ids):
    ov = get(engine)
    T = TODAY
    activity = ov.activity.set_index(["bucket", "platform"])
    assert ov.view.period.bucket == "day"
    assert activity.loc[(T - timedelta(days=1), "linkedin")].tolist() == [2, 1050, 66]  # alice twice
    assert activity.loc[(T - timedelta(days=5), "linkedin")].tolist() == [1, 300, 0]
    assert activity["contributions"].sum() == 7
    signals = ov.signals.set_index(["bucket", "signal_type"])
    assert signals.loc[(T - timedelta(days=8), "win")].tolist() == [1, pytest.approx(460.0)]
    assert signals.loc[(T - timedelta(days=15), "loss")].tolist() == [1, 0.0]
    assert ov.signals["signals"].sum() == 5

    departments = ov.departments.set_index("department")
    assert departments.loc["Sales", ["workforce", "contributors", "contributions"]].tolist() == [
        3,
        3,
        4,
    ]
    assert departments.loc["Marketing", ["workforce", "contributors", "contributions"]].tolist() == [
        2,
        1,
        2,
    ]
    no_department = ov.departments[ov.departments["department_id"].isna()]
    assert no_department[["workforce", "contributions"]].values.tolist() == [[0, 1]]

    assert ov.funnel.values.tolist() == [
        ["workforce", 5],
        ["started", 4],
        ["all_modules", 2],
        ["certified", 2],
    ]
    assert ov.latest_signals["customer"].tolist() == [
        "Customer of bob",
        "Customer of alice",
        "Customer of dan",
        "Customer of carol",
        "Customer of dan",
    ]
    assert ov.latest_signals["value_eur"].tolist()[:3] == [2000.0, 1000.0, pytest.approx(460.0)]


def test_rankings_respect_opt_outs(engine, ids):
    ov = get(engine)
    people = ov.top_people
    assert people["contributions"].tolist() == [3, 1, 1, 1, 1]
    assert people["name"].tolist()[:2] == ["Alice Example", "Bob Example"]
    assert people["name"].isna().tolist() == [False, False, True, False, False]  # carol opted out
    assert "Carol Example" not in people.to_string()
    teams = ov.top_teams
    assert teams[["team", "department", "headcount", "contributors", "contributions"]].values.tolist() == [
        ["Key accounts", "Sales", 2, 2, 4],
        ["Brand", "Marketing", 2, 2, 2],
        ["SMB", "Sales", 1, 1, 1],
    ]


def test_weekly_buckets_for_long_periods(engine, ids):
    view = View("last_90", preset_period("last_90", TODAY))
    ov = get(engine, view)
    assert view.period.bucket == "week"
    start = view.period.start  # weeks are 7-day blocks from the period's first day
    assert all((d - start).days % 7 == 0 and d >= start for d in ov.activity["bucket"])
    assert ov.activity["contributions"].sum() == 9  # the 7 recent ones and the 2 of the month before
    assert all((d - start).days % 7 == 0 and d >= start for d in ov.signals["bucket"])


def test_empty_company(engine):
    ov = get(engine)
    assert not ov.has_data
    assert ov.current == overview.Figures(median_ack_hours=None)
    assert ov.activity.empty and ov.signals.empty and ov.top_people.empty and ov.top_teams.empty
    assert ov.funnel["people"].tolist() == [0, 0, 0, 0]


def test_nothing_is_recomputed_until_something_changes(engine, ids, monkeypatch):
    calls = []
    real = overview.compute
    monkeypatch.setattr(overview, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = get(engine)
    assert get(engine) is first and len(calls) == 1
    assert get(engine, now=NOW + timedelta(minutes=20)) is first  # same hour, same data
    with session_scope(engine) as session:
        session.execute(
            update(User).where(User.id == ids["gus"]).values(language="fr")
        )  # not shown: no change
    assert get(engine) is first
    with session_scope(engine) as session:
        session.add(
            Contribution(
                user_id=ids["gus"],
                department_id=ids["Marketing"],
                occurred_on=TODAY,
                platform="linkedin",
                kind="share",
                impressions=10,
            )
        )
    second = get(engine)
    assert len(calls) == 2
    assert second.current.contributions == 8 and second.current.workforce_contributors == 5


def test_the_database_records_when_the_data_last_changed(engine, ids):
    """Every process and replica reads the same "data last changed" time: the triggers write it with
    the data version (it was the time each process first noticed a new version)."""
    long_ago = datetime(2026, 1, 1, 8, 0)

    def changed() -> datetime | None:
        with session_scope(engine, write=False) as session:
            return overview.last_changed(session)

    with session_scope(engine) as session:
        session.execute(update(DataVersion).values(changed_at=long_ago))
    with session_scope(engine) as session:  # not read by the overview: no change
        session.execute(update(User).where(User.id == ids["gus"]).values(language="fr"))
    assert changed() == long_ago
    before = utcnow().replace(microsecond=0)
    with session_scope(engine) as session:
        session.execute(update(Contribution).where(Contribution.user_id == ids["bob"]).values(impressions=7))
    assert before <= changed() <= utcnow() + timedelta(seconds=1)


def test_edits_and_deletes_are_reflected(engine, ids):
    with session_scope(engine) as session:
        session.execute(
            update(Contribution).where(Contribution.user_id == ids["bob"]).values(impressions=None)
        )
        session.execute(delete(Contribution).where(Contribution.user_id == ids["erin"]))
        session.execute(
            update(CustomerSignal)
            .where(CustomerSignal.reporter_id == ids["bob"])
            .values(status="resolved", currency="GBP")
        )
    ov = get(engine)
    assert ov.current.contributions == 6 and ov.current.contributors == 4
    assert ov.current.impressions == 2150 - 500 - 100 and ov.current.impressions_known == 4
    assert ov.current.open_losses == 1
    assert ov.current.loss_value == pytest.approx(2000 * 1.17 + 300)
    assert ov.prior.win_value == pytest.approx(100 * 1.17)


def test_contributions_follow_their_department_not_the_person(engine, ids):
    with session_scope(engine) as session:
        session.execute(update(User).where(User.id == ids["alice"]).values(department_id=ids["Marketing"]))
    sales = get(engine, View("last_30", preset_period("last_30", TODAY), ids["Sales"])).current
    assert sales.contributions == 4 and sales.contributors == 3  # recorded in Sales
    assert sales.workforce == 2 and sales.workforce_contributors == 2  # bob and carol are Sales today


def test_only_executives_and_administrators(engine, ids):
    for roles in ({"employee"}, {"hr"}, {"hr", "employee"}):
        with pytest.raises(PermissionDenied):
            get(engine, actor=Actor(id=None, username="x", roles=frozenset(roles)))
    assert (
        get(engine, actor=Actor(id=None, username="root", roles=frozenset({"admin"}))).current.contributions
        == 7
    )


def test_rates_are_configurable_and_validated(engine, ids):
    admin = Actor.command_line()
    with session_scope(engine) as session:
        overview.set_rates(session, admin, "10", 2)
    ov = get(engine)
    assert (ov.rates.cpm, ov.rates.cpc) == (10.0, 2.0)
    assert ov.current.emv(ov.rates) == pytest.approx(2.15 * 10 + 34 * 2)
    with pytest.raises(ValidationError) as exc, session_scope(engine) as session:
        overview.set_rates(session, admin, "-1", "lots")
    assert [p.key for p in exc.value.problems] == ["leadership.cpm_eur_invalid", "leadership.cpc_eur_invalid"]
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        overview.set_rates(session, EXEC, 1, 1)
    with session_scope(engine, write=False) as session:
        assert overview.rate_settings(session, admin).cpm == 10.0


def test_a_custom_period_across_months_uses_whole_months_and_days(engine, ids):
    """Periods are cut into whole months (month rollup) and edge days (day rollup): every cut agrees."""
    full = get(engine, View("custom", Period(TODAY - timedelta(days=120), TODAY))).current
    assert (full.contributions, full.contributors) == (10, 5)
    for start, end in [
        (TODAY - timedelta(days=45), TODAY - timedelta(days=1)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 2, 15), date(2026, 2, 20)),
        (date(2025, 12, 1), date(2026, 2, 28)),
    ]:
        ov = get(engine, View("custom", Period(start, end)))
        rows = [c for c in org.CONTRIBUTIONS if start <= TODAY - timedelta(days=c[1]) <= end]
        assert ov.current.contributions == len(rows)
        assert ov.current.contributors == len({c[0].rstrip("-") for c in rows})


def test_departments_without_people_or_activity_are_left_out(engine, ids):
    with session_scope(engine) as session:
        session.add(Department(name="Legal"))
    assert "Legal" not in get(engine).departments["department"].tolist()


def _resolve_previous_loss(engine, ids, when: datetime) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(CustomerSignal)
            .where(CustomerSignal.reporter_id == ids["alice"], CustomerSignal.signal_type == "loss")
            .values(status="resolved", resolved_at=when)
        )


def test_age_dependent_figures_are_compared_at_the_same_age(engine, ids):
    """The previous period's loss (alice, T-50) counts as open if it was resolved later than the
    previous period was as old as the current one is now, resolved if earlier."""
    from lib.insight import kpis

    # The current 30 days end today and are still running (12 hours left): the previous period is
    # read 12 hours before its own end, on T-30 at noon.
    _resolve_previous_loss(engine, ids, datetime.combine(TODAY - timedelta(days=29), time(10)))
    ov = get(engine)
    assert (ov.prior.open_losses, ov.prior.signals_reported, ov.prior.signals_resolved) == (1, 2, 1)
    assert ov.current.open_losses == 2 and ov.current.resolution_rate == pytest.approx(2 / 5)
    _resolve_previous_loss(engine, ids, datetime.combine(TODAY - timedelta(days=31), time(10)))
    ov = get(engine, now=NOW + timedelta(hours=1))  # a new data version anyway; another hour too
    assert (ov.prior.open_losses, ov.prior.signals_resolved) == (0, 2)

    # A period that ended 30.5 days ago: the previous one is read 30.5 days after its end.
    ended = View("custom", Period(TODAY - timedelta(days=40), TODAY - timedelta(days=31)))
    _resolve_previous_loss(engine, ids, datetime.combine(TODAY - timedelta(days=5), time(10)))
    ov = get(engine, ended)
    assert ov.age_days == 30
    assert ov.prior.open_losses == 1  # resolved 5 days ago: still open at the same age
    _resolve_previous_loss(engine, ids, datetime.combine(TODAY - timedelta(days=20), time(10)))
    assert get(engine, ended, now=NOW + timedelta(hours=2)).prior.open_losses == 0
    help_text = {c.key: c for g in kpis.cards(ov, "en").values() for c in g}["open_losses"].help
    assert "at the same age (30 days after its end)" in help_text
