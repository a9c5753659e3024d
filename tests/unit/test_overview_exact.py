"""Every figure and chart series of the overview equals what the raw tables give, on random data,
for several periods and scopes, and still after edits and deletes (ORM and plain SQL), which the
rollup triggers must follow. The expected values are computed here in Python from raw rows."""

import random
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, select, text, update

from lib.core.db import session_scope
from lib.core.models import (
    Certification,
    Contribution,
    CustomerSignal,
    Department,
    ModuleCompletion,
    Team,
    User,
    UserRole,
)
from lib.core.periods import Period, View
from lib.core.permissions import Actor
from lib.core.vocab import CURRENCIES, PLATFORMS, SIGNAL_STATUSES
from lib.insight import leadership as overview
from lib.insight.figures_activity import TOP
from lib.insight.figures_signals import FEED
from lib.training.catalogue import load_modules, policy
from tests.leadership_org import certify, pass_modules

TODAY = date(2026, 3, 18)
NOW = datetime.combine(TODAY, time(15, 30))
VIEWER = Actor(id=None, username="exec", roles=frozenset({"executive"}))
FIGURES = ("reactions", "comments", "shares", "clicks")


def seed(engine, rng: random.Random) -> None:
    with session_scope(engine) as session:
        depts = []
        for name in ("Sales", "Care", "Tech"):
            dept = Department(name=name)
            session.add(dept)
            session.flush()
            team = Team(department_id=dept.id, name=f"{name} team")
            session.add(team)
            session.flush()
            depts.append((dept.id, team.id))
        users = []
        for i in range(30):
            dept, team = rng.choice([*depts, (None, None)])
            active = rng.random() > 0.15
            # some joined during the periods read below, some left during them (or without a date)
            start = TODAY - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.6 else None
            left = TODAY - timedelta(days=rng.randint(0, 150)) if not active and rng.random() < 0.7 else None
            user = User(
                start_date=start,
                left_on=left if left is None or start is None else max(left, start),
                username=f"p{i}",
                email=f"p{i}@example.com",
                full_name=f"Person {i}",
                department_id=dept,
                team_id=team,
                is_active=active,
                leaderboard_opt_out=rng.random() < 0.2,
                role_rows=[UserRole(role=r) for r in (["employee"] if rng.random() < 0.9 else ["hr"])],
            )
            session.add(user)
            session.flush()
            users.append(user.id)

        def known(hi):
            return rng.randint(0, hi) if rng.random() < 0.75 else None

        for _ in range(700):
            lumped = rng.random() < 0.2  # a platform export's engagement total, without a split
            session.add(
                Contribution(
                    engagements=rng.randint(0, 90) if lumped else None,
                    figures_source="imported" if lumped or rng.random() < 0.2 else "typed",
                    review=rng.choice(("ok",) * 6 + ("pending", "approved", "rejected")),
                    user_id=rng.choice(users),
                    department_id=rng.choice([d for d, _ in depts] + [None]),
                    occurred_on=TODAY - timedelta(days=rng.randint(0, 200)),
                    platform=rng.choice(PLATFORMS),
                    kind="share",
                    impressions=known(5000),
                    reactions=known(80),
                    comments=known(20),
                    shares=known(10),
                    clicks=known(40),
                )
            )
        for _ in range(150):
            reported = NOW - timedelta(hours=rng.uniform(1, 24 * 200))
            session.add(
                CustomerSignal(
                    reporter_id=rng.choice(users),
                    department_id=rng.choice([d for d, _ in depts] + [None]),
                    signal_type=rng.choice(("win", "loss")),
                    category="lead",
                    customer_name=f"C{rng.randint(1, 99)}",
                    estimated_value=rng.choice([None, round(rng.uniform(10, 9000), 2)]),
                    currency=rng.choice([None, *CURRENCIES]),
                    description="d",
                    status=rng.choice(SIGNAL_STATUSES),
                    reported_at=reported,
                    ack_due_at=reported + timedelta(hours=24),
                    acknowledged_at=reported + timedelta(hours=rng.uniform(0, 60))
                    if rng.random() < 0.7
                    else None,
                )
            )
        modules = [m for m in load_modules() if m.required]
        for uid in users:
            passed = rng.sample(modules, rng.randint(0, len(modules)))
            when = NOW - timedelta(days=rng.randint(0, 120))
            pass_modules(session, uid, when, passed)
            if len(passed) == len(modules):  # as the app does: certified once everything is passed
                certify(session, uid, when, rng.choice((30, 365)))


def raw(session) -> dict[str, pd.DataFrame]:
    """The raw tables the overview summarises."""

    def frame(q):
        return pd.DataFrame(session.execute(q).mappings().all())

    users = frame(
        select(
            User.id,
            User.is_active,
            User.department_id,
            User.team_id,
            User.leaderboard_opt_out,
            User.full_name,
            User.start_date,
            User.left_on,
        )
    )
    employees = set(session.scalars(select(UserRole.user_id).where(UserRole.role == "employee")))
    users["employee"] = users["id"].isin(employees)
    signals = frame(select(CustomerSignal.__table__))
    signals["estimated_value"] = signals["estimated_value"].astype(float)
    return {
        "users": users.set_index("id"),
        # held-out contributions (pending or rejected review) count nowhere
        "contributions": frame(
            select(Contribution.__table__).where(Contribution.review.in_(("ok", "approved")))
        ),
        "signals": signals,
        "completions": frame(select(ModuleCompletion.__table__)),
        "certifications": frame(select(Certification.__table__)),
    }


def signals_in(signals: pd.DataFrame, period: Period, dept) -> pd.DataFrame:
    """The signals reported in `period`, in department `dept` (None: all)."""
    reported = signals["reported_at"]
    in_scope = (signals["department_id"] == dept) if dept else True
    return signals[(reported >= period.starts_at) & (reported < period.ends_at) & in_scope]


def workforce_on(users: pd.DataFrame, day: date) -> pd.DataFrame:
    """The people on the roster on `day`: employees who had started and not left (an account
    deactivated without a leaving date is in no day's workforce)."""
    started = users["start_date"].isna() | (users["start_date"] <= day)
    here = (users["is_active"].astype(bool) & users["left_on"].isna()) | (
        users["left_on"].notna() & (users["left_on"] > day)
    )
    return users[users["employee"] & started & here]


def expected_figures(data, period: Period, dept, moment: datetime, rates, cutoff: datetime) -> dict:
    users, c, s = data["users"], data["contributions"], data["signals"]
    workforce = workforce_on(users, period.end)
    if dept:
        workforce = workforce[workforce["department_id"] == dept]
    in_period = c[c["occurred_on"].between(period.start, period.end)]
    scoped = in_period[in_period["department_id"] == dept] if dept else in_period
    fill = scoped[list(FIGURES)].fillna(0)
    known = scoped[scoped["impressions"].notna()]
    out = dict(
        workforce=len(workforce),
        contributors=scoped["user_id"].nunique(),
        workforce_contributors=len(set(in_period["user_id"]) & set(workforce.index)),
        contributions=len(scoped),
        impressions=int(known["impressions"].sum()),
        impressions_known=len(known),
        engagement_known=int(known[["reactions", "comments", "shares", "engagements"]].fillna(0).sum().sum()),
        **{f: int(fill[f].sum()) for f in FIGURES},
        engagements=int(scoped["engagements"].fillna(0).sum()),
        impressions_imported=int(known[known["figures_source"] == "imported"]["impressions"].sum()),
    )
    sig = signals_in(s, period, dept)
    eur = dict(rates.eur)
    value = sig["estimated_value"].fillna(0) * sig["currency"].fillna("EUR").map(eur).astype(float)
    for kind, plural in (("win", "wins"), ("loss", "losses")):
        out[plural] = int((sig["signal_type"] == kind).sum())
        out[f"{kind}_value"] = pytest.approx(float(value[sig["signal_type"] == kind].sum()))
    # age-dependent figures: as the period stood at `cutoff` (the same age as the current one now)
    then = sig[sig["reported_at"] < cutoff]
    resolved = (then["status"] == "resolved") & (then["resolved_at"].isna() | (then["resolved_at"] < cutoff))
    out["open_losses"] = int(((then["signal_type"] == "loss") & ~resolved).sum())
    out["signals_reported"], out["signals_resolved"] = len(then), int(resolved.sum())
    acked = sig[sig["acknowledged_at"].notna()]
    hours = (acked["acknowledged_at"] - acked["reported_at"]).dt.total_seconds() / 3600
    out["median_ack_hours"] = pytest.approx(float(hours.median()), abs=1e-5) if len(hours) else None
    required = [(m.slug, m.version) for m in load_modules() if m.required]
    done = data["completions"]
    done = done[
        done["user_id"].isin(workforce.index)
        & (done["passed_at"] <= moment)
        & pd.Series(
            list(zip(done["module_slug"], done["module_version"], strict=True)), index=done.index
        ).isin(required)
    ]
    out["modules_passed"], out["modules_expected"] = len(done), len(workforce) * len(required)
    certs = data["certifications"]
    holders = set(
        certs[
            (certs["issued_at"] <= moment)
            & (certs["expires_at"] > moment)
            & (certs["policy_version"] == policy()["version"])
        ]["user_id"]
    )
    out["certified"] = len(holders & set(workforce.index))
    out["active_ambassadors"] = len(holders & set(workforce.index) & set(in_period["user_id"]))
    return out


def bucket(day: date, period: Period) -> date:
    """The bucket's first day, computed independently of Period.bucket_starts: days, 7-day blocks
    from the period's first day, or calendar months clipped to the period."""
    if period.bucket == "day":
        return day
    if period.bucket == "week":
        return day - timedelta(days=(day - period.start).days % 7)
    return max(period.start, day.replace(day=1))


def check(engine, view: View) -> None:
    with session_scope(engine, write=False) as session:
        ov = overview.overview(session, VIEWER, view, now=NOW)
        data = raw(session)
    period, dept = view.period, view.department_id

    def as_of(p):
        return min(NOW, datetime.combine(p.end + timedelta(days=1), time()))

    age = NOW - period.ends_at
    assert ov.current.__dict__ == expected_figures(data, period, dept, as_of(period), ov.rates, NOW)
    assert ov.prior.__dict__ == expected_figures(
        data, ov.previous, dept, as_of(ov.previous), ov.rates, ov.previous.ends_at + age
    )
    check_trends(ov, data, view)

    c = data["contributions"]
    c = c[
        c["occurred_on"].between(period.start, period.end) & ((c["department_id"] == dept) if dept else True)
    ]
    c = c.assign(
        bucket=c["occurred_on"].map(lambda d: bucket(d, period)),
        engagement=c[["reactions", "comments", "shares", "engagements"]].fillna(0).sum(axis=1),
    )
    series = c.groupby(["bucket", "platform"]).agg(
        contributions=("id", "size"), impressions=("impressions", "sum"), engagement=("engagement", "sum")
    )
    assert (
        ov.activity.set_index(["bucket", "platform"]).astype(float).to_dict()
        == series.astype(float).to_dict()
    )

    s = signals_in(data["signals"], period, dept)
    s = s.assign(
        bucket=s["reported_at"].map(lambda t: bucket(t.date(), period)),
        value=s["estimated_value"].fillna(0)
        * s["currency"].fillna("EUR").map(dict(ov.rates.eur)).astype(float),
    )
    signals = s.groupby(["bucket", "signal_type"]).agg(signals=("id", "size"), value_eur=("value", "sum"))
    got = ov.signals.set_index(["bucket", "signal_type"])
    assert got["signals"].to_dict() == signals["signals"].to_dict()
    assert got["value_eur"].to_dict() == pytest.approx(signals["value_eur"].to_dict())
    latest = s.sort_values(["reported_at", "id"], ascending=False).head(FEED)
    assert ov.latest_signals["customer"].tolist() == latest["customer_name"].tolist()

    users = data["users"]
    per_person = (
        c.groupby("user_id").size().sort_index().sort_values(ascending=False, kind="stable").head(TOP)
    )
    names = [
        "(hidden)" if users.loc[u, "leaderboard_opt_out"] else users.loc[u, "full_name"]
        for u in per_person.index
    ]
    assert ov.top_people["contributions"].tolist() == per_person.tolist()
    assert ov.top_people["name"].fillna("(hidden)").tolist() == names
    teams = c.assign(team=c["user_id"].map(users["team_id"])).dropna(subset=["team"])
    per_team = teams.groupby("team").agg(n=("id", "size"), people=("user_id", "nunique")).sort_index()
    per_team = per_team.sort_values("n", ascending=False, kind="stable").head(TOP)
    assert (
        ov.top_teams[["contributors", "contributions"]].values.tolist()
        == per_team[["people", "n"]].values.tolist()
    )

    if dept is None:
        everyone = data["contributions"]
        everyone = everyone[everyone["occurred_on"].between(period.start, period.end)]
        workforce = workforce_on(users, period.end)
        for _, row in ov.departments.iterrows():
            key = row["department_id"] if pd.notna(row["department_id"]) else None
            members = workforce[
                (workforce["department_id"] == key) if key else workforce["department_id"].isna()
            ]
            assert row["workforce"] == len(members)
            assert row["contributors"] == len(set(everyone["user_id"]) & set(members.index))
            recorded = everyone["department_id"] == key if key else everyone["department_id"].isna()
            assert row["contributions"] == int(recorded.sum())


def check_trends(ov, data, view: View) -> None:
    """The trends, breakdowns and signal lessons against the raw tables."""
    period, dept = view.period, view.department_id
    starts = period.bucket_starts()
    assert starts[0] == period.start and starts[-1] <= period.end
    c = data["contributions"]
    c = c[
        c["occurred_on"].between(period.start, period.end) & ((c["department_id"] == dept) if dept else True)
    ]
    known = c["impressions"].notna()
    c = c.assign(
        bucket=c["occurred_on"].map(lambda d: bucket(d, period)),
        engagement=c[["reactions", "comments", "shares", "engagements"]].fillna(0).sum(axis=1),
        clicks=c["clicks"].fillna(0),
    )
    c = c.assign(engagement_known=c["engagement"].where(known, 0))
    expected = c.groupby(["bucket", "platform"]).agg(
        contributions=("id", "size"),
        impressions=("impressions", "sum"),
        engagement=("engagement", "sum"),
        engagement_known=("engagement_known", "sum"),
        clicks=("clicks", "sum"),
    )
    got = ov.trend.set_index(["bucket", "platform"])
    assert set(got.index.get_level_values(0)) <= set(starts)
    assert got.astype(float).to_dict() == expected.astype(float).to_dict()
    active = c.groupby("bucket")["user_id"].nunique()
    assert ov.active_trend.set_index("bucket")["contributors"].to_dict() == active.to_dict()
    for by, column in (("platform", "platform"), ("department", "department_id")):
        frame = ov.by_platform if by == "platform" else ov.by_department
        sums = c.groupby(c[column].fillna(0))["impressions"].sum()
        assert sorted(frame["impressions"].tolist()) == sorted(sums.astype(int).tolist())

    s = signals_in(data["signals"], period, dept)
    acked = s[s["acknowledged_at"].notna()]
    hours = (acked["acknowledged_at"] - acked["reported_at"]).dt.total_seconds() / 3600
    by_bucket = pd.DataFrame({"b": acked["reported_at"].map(lambda t: bucket(t.date(), period)), "h": hours})
    got = ov.ack_trend.set_index("bucket")
    assert got["acknowledged"].to_dict() == by_bucket.groupby("b").size().to_dict()
    assert got["median_hours"].to_dict() == pytest.approx(
        by_bucket.groupby("b")["h"].median().to_dict(), abs=1e-5
    )
    late = (by_bucket["h"] > ov.ack_target_hours).groupby(by_bucket["b"]).mean()
    assert got["late_share"].to_dict() == pytest.approx(late.to_dict())
    lessons = ov.learning["by_category"]
    assert lessons["signals"].sum() == len(s)
    for kind in ("win", "loss"):
        assert lessons[lessons["signal_type"] == kind]["signals"].sum() == (s["signal_type"] == kind).sum()


def views(engine) -> list[View]:
    with session_scope(engine, write=False) as session:
        depts = session.scalars(select(Department.id)).all()
    periods = [Period(TODAY - timedelta(days=n - 1), TODAY) for n in (7, 30, 90)]
    periods += [
        Period(date(2025, 10, 17), date(2026, 1, 31)),
        Period(date(2025, 11, 1), date(2026, 2, 28)),
        Period(date(2026, 2, 3), date(2026, 2, 3)),
        Period(date(2025, 9, 3), TODAY),  # by month, the first one partial
    ]
    return [View("custom", p, d) for p in periods for d in (None, *depts)]


def edit(engine, rng: random.Random) -> None:
    """Edits and deletes through the ORM, plain SQL (one row and many at once) and cascades."""
    with session_scope(engine) as session:
        ids = session.scalars(select(Contribution.id)).all()
        depts = session.scalars(select(Department.id)).all()
        users = session.scalars(select(User.id)).all()
        for cid in rng.sample(ids, 60):
            row = session.get(Contribution, cid)
            row.occurred_on = TODAY - timedelta(days=rng.randint(0, 200))
            row.platform = rng.choice(PLATFORMS)
            row.impressions = rng.choice([None, rng.randint(0, 3000)])
            row.reactions = rng.choice([None, 3])
            row.department_id = rng.choice([None, *depts])
            row.user_id = rng.choice(users)
            row.review = rng.choice(("ok", "pending", "approved", "rejected"))  # held out, released
            row.figures_source = rng.choice(("typed", "imported", "corrected"))
            row.engagements = rng.choice([None, 11])
        session.execute(delete(Contribution).where(Contribution.id.in_(rng.sample(ids, 80))))
        session.execute(
            update(Contribution).where(Contribution.platform == "x").values(clicks=None, shares=7)
        )
        next_day = "occurred_on + 1" if engine.dialect.name == "postgresql" else "date(occurred_on, '+1 day')"
        session.execute(text(f"UPDATE contributions SET occurred_on = {next_day} WHERE id - id / 7 * 7 = 0"))
        # a review queue worked through in one statement each: approvals, rejections
        session.execute(
            text(
                "UPDATE contributions SET review = 'approved' "
                "WHERE review = 'pending' AND id - id / 3 * 3 = 0"
            )
        )
        session.execute(
            text(
                "UPDATE contributions SET review = 'rejected' "
                "WHERE review = 'pending' AND id - id / 3 * 3 = 1"
            )
        )
        session.execute(
            text("UPDATE contributions SET figures_source = 'imported' WHERE id - id / 5 * 5 = 0")
        )
        signal_ids = session.scalars(select(CustomerSignal.id)).all()
        for sid in rng.sample(signal_ids, 30):
            row = session.get(CustomerSignal, sid)
            row.status = rng.choice(SIGNAL_STATUSES)
            row.acknowledged_at = rng.choice([None, row.reported_at + timedelta(hours=5)])
            row.department_id = rng.choice([None, *depts])
            row.currency = rng.choice([None, "USD"])
            row.estimated_value = rng.choice([None, 123.45])
        session.execute(delete(CustomerSignal).where(CustomerSignal.id.in_(rng.sample(signal_ids, 20))))
        gone = rng.choice(users)
        session.execute(delete(User).where(User.id == gone))  # cascades to their contributions and signals
        session.execute(update(User).where(User.id == rng.choice(users)).values(leaderboard_opt_out=True))


@pytest.mark.parametrize("seed_value", [1, 2])
def test_figures_equal_the_raw_tables_before_and_after_edits(engine, seed_value):
    rng = random.Random(seed_value)
    seed(engine, rng)
    for view in views(engine):
        check(engine, view)
    edit(engine, rng)
    for view in views(engine):
        check(engine, view)
