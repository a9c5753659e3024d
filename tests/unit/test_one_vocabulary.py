"""One definition per measure, whatever the screen: the active ambassadors of the leadership
overview, of Participation's funnel and of the board report are the same people, and a past
period's figures count that period's workforce (start and leaving dates), not today's."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from lib.core.db import session_scope
from lib.core.models import Contribution, User
from lib.core.periods import Period, View
from lib.core.permissions import Actor
from lib.insight import board_report, glossary, leadership, participation
from lib.insight.measures import active_ambassador, workforce
from lib.insight.participation import Scope
from lib.people import accounts
from tests.unit.test_training import certify

TODAY = date.today()
NOW = datetime.combine(TODAY, time(12))
EXEC = Actor(id=None, username="exec", roles=frozenset({"executive"}))


def contribute(engine, actor, day: date, review: str = "ok") -> None:
    with session_scope(engine) as session:
        session.add(
            Contribution(user_id=actor.id, occurred_on=day, platform="linkedin", kind="share", review=review)
        )


def overview(engine, period: Period):
    with session_scope(engine, write=False) as session:
        return leadership.compute(session, View("custom", period), NOW, leadership.rates(session))


def funnel(engine, hr, period: Period):
    with session_scope(engine, write=False) as session:
        return participation.funnel(session, hr, Scope(), period.start, period.end, now=NOW)


def people(engine, condition) -> set[str]:
    with session_scope(engine, write=False) as session:
        return set(session.scalars(select(User.username).where(condition)))


def test_active_ambassadors_are_the_same_people_on_every_screen(engine, make_user):
    """Each person below was counted by one of the old definitions and not the other: the overview
    counted anyone who contributed in the period, Participation certified people with a contribution
    (held for review or not) in the last 30 days of it."""
    hr = make_user("hilda", "hr", "employee")
    period = Period(TODAY - timedelta(days=89), TODAY)
    ann, ben, cat, dev = (make_user(n) for n in ("ann", "ben", "cat", "dev"))
    for person in (ann, cat, dev):
        certify(engine, person, now=NOW - timedelta(days=120))
    contribute(engine, ann, TODAY - timedelta(days=5))  # certified, contributed: active everywhere
    contribute(engine, ben, TODAY - timedelta(days=5))  # contributed, never certified
    contribute(engine, cat, TODAY - timedelta(days=5), review="pending")  # held for an HR review
    contribute(engine, dev, TODAY - timedelta(days=60))  # in the period, not in its last 30 days

    expected = {"ann", "dev"}
    assert people(engine, active_ambassador(period, period.as_of(NOW))) == expected
    ov = overview(engine, period)
    assert ov.current.active_ambassadors == len(expected)
    assert ov.current.contributors == 3  # ann, ben, dev: a different measure, named differently
    stages = funnel(engine, hr, period).stages.set_index("stage")["people"]
    assert stages["active"] == len(expected)
    report = board_report.build(ov, "en", "Company")
    cards = {c.key: c for items in report.cards.values() for c in items}
    assert (cards["active_ambassadors"].label, cards["active_ambassadors"].value) == (
        "Active ambassadors",
        "2",
    )
    assert participation.stage_label("active", "en") == cards["active_ambassadors"].label
    assert participation.stage_help("active", "fr") == glossary.definition("active_ambassadors", "fr")
    assert ("Active ambassadors", participation.stage_help("active", "en")) in report.glossary


def test_a_past_period_counts_its_own_workforce(engine, make_user, admin):
    """January's figures: people who joined after it and people who left before its end are out;
    people who left after it (by the roster or by deactivation today) are in."""
    hr = make_user("hilda", "hr", "employee", start_date=date(2020, 1, 1))
    january = Period(date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 1, 31))
    staff = {
        "stays": {},
        "joined_later": {"start_date": date(TODAY.year - 1, 11, 2)},  # the November joiner
        "left_mid_january": {"left_on": date(TODAY.year - 1, 1, 15)},
        "left_in_march": {"left_on": date(TODAY.year - 1, 3, 10)},
        "deactivated_today": {},
        "no_leaving_date": {},
    }
    ids = {name: make_user(name) for name in staff}
    with session_scope(engine) as session:
        for name, values in staff.items():
            if "left_on" in values:
                values = {**values, "is_active": False}
            if values:
                session.execute(update(User).where(User.id == ids[name].id).values(**values))
        session.execute(update(User).where(User.id == ids["no_leaving_date"].id).values(is_active=False))
        accounts.set_active(session, admin, ids["deactivated_today"].id, False)
    for name in ("left_in_march", "joined_later", "stays"):
        contribute(engine, ids[name], date(TODAY.year - 1, 1, 20))

    in_january = {"hilda", "root", "stays", "left_in_march", "deactivated_today"}
    assert people(engine, workforce(january.end)) == in_january
    assert people(engine, workforce(TODAY)) == {"hilda", "root", "stays", "joined_later"}
    ov = overview(engine, january)
    assert ov.current.workforce == len(in_january)
    assert ov.current.workforce_contributors == 2  # stays, left_in_march; joined_later was not staff yet
    assert ov.current.participation_rate == 2 / len(in_january)
    assert ov.current.contributors == 3
    assert funnel(engine, hr, january).stages["people"].iloc[0] == len(in_january)
    today = overview(engine, Period(TODAY - timedelta(days=29), TODAY))
    assert today.current.workforce == 4
