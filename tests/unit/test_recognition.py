"""Recognition: points per contribution and resolved signal, daily caps, configurable rules,
leaderboards by person and team, and the opt-out."""

from datetime import datetime, timedelta

import pytest

from lib.activity import recognition
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import Contribution, CustomerSignal, Department, Team, User, utcnow

TODAY = utcnow().date()
MONTH = (TODAY - timedelta(days=29), TODAY)


def add(engine, actor, n=1, day=TODAY, kind="share", **figures):
    with session_scope(engine) as session:
        session.add_all(
            Contribution(user_id=actor.id, occurred_on=day, platform="linkedin", kind=kind, **figures)
            for _ in range(n)
        )


def signal(engine, actor, status="resolved", reported=None, resolved=None):
    reported = reported or utcnow() - timedelta(days=3)
    with session_scope(engine) as session:
        session.add(
            CustomerSignal(
                reporter_id=actor.id,
                signal_type="win",
                category="lead",
                customer_name="Acme",
                description="d",
                status=status,
                resolution="won" if status == "resolved" else None,
                reported_at=reported,
                ack_due_at=reported + timedelta(hours=24),
                resolved_at=(resolved or utcnow()) if status == "resolved" else None,
            )
        )


def standings(engine, actor, period=MONTH):
    with session_scope(engine, write=False) as session:
        return recognition.standings(session, actor, *period)


def points(engine, actor, period=MONTH) -> int:
    return standings(engine, actor, period).of(actor.id)[0]


def test_points_for_the_kind_plus_engagement(engine, make_user):
    emma = make_user("emma")
    add(engine, emma, kind="original_post", reactions=25, comments=10, shares=5, impressions=100_000)  # 3 + 4
    add(engine, emma, kind="share", impressions=50_000)  # 1: impressions alone earn nothing
    assert points(engine, emma) == 8


def test_engagement_points_are_capped_per_contribution(engine, make_user):
    emma = make_user("emma")
    add(engine, emma, kind="comment", reactions=10_000)
    assert points(engine, emma) == 1 + 20


def test_only_the_best_contributions_of_a_day_count(engine, make_user):
    emma = make_user("emma")
    add(engine, emma, n=6, kind="comment")
    add(engine, emma, kind="original_post", reactions=100)  # 3 + 10
    assert points(engine, emma) == 13 + 4  # the post and 4 of the 6 comments
    add(engine, emma, n=8, kind="share", day=TODAY - timedelta(days=1))
    assert points(engine, emma) == 17 + 5


def test_a_day_brings_at_most_the_daily_cap(engine, make_user):
    emma = make_user("emma")
    add(engine, emma, n=5, kind="original_post", reactions=1_000)  # 5 x 23, capped
    assert points(engine, emma) == 40


def test_engagement_weighs_more_than_volume(engine, make_user):
    busy, engaging = make_user("busy"), make_user("engaging")
    for back in range(5):
        add(engine, busy, n=5, kind="share", day=TODAY - timedelta(days=back))  # 25 shares, no engagement
    add(engine, engaging, kind="original_post", reactions=200, comments=30)  # 3 + 20
    add(engine, engaging, kind="comment", day=TODAY - timedelta(days=1), reactions=40)  # 1 + 4
    people = standings(engine, busy).for_person(busy.id)
    assert people["name"].tolist() == ["Engaging", "Busy"] and people["points"].tolist() == [28, 25]


def test_resolved_signals_earn_points_capped_per_reporting_day(engine, make_user):
    emma = make_user("emma")
    same_day = utcnow() - timedelta(days=5)
    for _ in range(4):
        signal(engine, emma, reported=same_day)
    signal(engine, emma)  # another day
    signal(engine, emma, status="in_progress")  # not resolved yet
    signal(engine, emma, resolved=utcnow() - timedelta(days=60))  # resolved before the period
    assert points(engine, emma) == 3 * 10 + 10


def test_rules_are_configurable_and_checked(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo", "hr")
    add(engine, emma, kind="share", reactions=30)
    new_rules = {**recognition.DEFAULTS, "share": 5, "engagement_per_point": 5}
    with session_scope(engine) as session:
        recognition.update_rules(session, hugo, new_rules, 3)
    assert points(engine, emma) == 5 + 6
    with session_scope(engine, write=False) as session:
        assert recognition.settings(session, emma)["weekly_goal"] == 3
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        recognition.update_rules(session, emma, recognition.DEFAULTS, 2)
    bad = {**recognition.DEFAULTS, "share": -1, "engagement_per_point": 0, "daily_cap": None}
    with pytest.raises(ValidationError) as excinfo, session_scope(engine) as session:
        recognition.update_rules(session, hugo, bad, 0)
    assert {(p.field, p.key) for p in excinfo.value.problems} == {
        ("recognition.share", "activity.negative"),
        ("recognition.engagement_per_point", "recognition.at_least_one"),
        ("recognition.daily_cap", "activity.required"),
        ("recognition.weekly_goal", "recognition.at_least_one"),
    }


def test_leaderboard_by_person_and_team_with_opt_out(engine, make_user):
    with session_scope(engine) as session:
        sales = Department(name="Sales")
        session.add(sales)
        session.flush()
        key, smb = Team(department_id=sales.id, name="Key accounts"), Team(department_id=sales.id, name="SMB")
        session.add_all([key, smb])
        session.flush()
        key_id, smb_id = key.id, smb.id
    emma = make_user("emma", team_id=key_id)
    paul = make_user("paul", team_id=key_id)
    lea = make_user("lea", team_id=smb_id)
    gone = make_user("gone", team_id=smb_id)
    add(engine, emma, kind="original_post")  # 3
    add(engine, paul, n=2, kind="comment")  # 2
    add(engine, lea, kind="original_post", reactions=50)  # 8
    add(engine, gone, kind="original_post", reactions=500)  # inactive: not ranked
    add(engine, emma, kind="original_post", day=TODAY - timedelta(days=90))  # outside the period
    with session_scope(engine) as session:
        session.get(User, lea.id).leaderboard_opt_out = True
        session.get(User, gone.id).is_active = False

    result = standings(engine, emma)
    people = result.for_person(emma.id)
    assert people["rank"].tolist() == [1, 2, 3]
    assert people["name"].fillna("?").tolist() == ["?", "Emma", "Paul"]  # Léa opted out: anonymous to others
    assert people["team"].tolist() == ["SMB", "Key accounts", "Key accounts"]
    assert result.of(emma.id) == (3, 2)
    assert result.teams[["team", "ambassadors", "points"]].values.tolist() == [
        ["SMB", 1, 8],
        ["Key accounts", 2, 5],
    ]
    # her own row is marked as hers, and shows her as others see her: anonymous
    mine = result.for_person(lea.id).iloc[0]
    assert mine["name"] is None or mine["name"] != mine["name"]  # missing (None or NaN)
    assert mine["is_me"]
    assert "Lea" not in result.people["name"].tolist()  # the shared result holds no opted-out name
    with session_scope(engine, write=False) as session:
        assert recognition.opted_out(session, lea) and not recognition.opted_out(session, emma)


def test_the_actor_is_always_listed_even_below_the_top(engine, make_user):
    people = [make_user(f"p{i}") for i in range(4)]
    for i, person in enumerate(people):
        add(engine, person, n=i + 1, kind="comment")
    shown = standings(engine, people[0]).for_person(people[0].id, top=2)
    assert shown["rank"].tolist() == [1, 2, 4] and shown["is_me"].tolist() == [False, False, True]


def test_opt_out_is_a_personal_choice(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        recognition.set_opt_out(session, emma, True)
    with session_scope(engine, write=False) as session:
        assert session.get(User, emma.id).leaderboard_opt_out


def test_nobody_has_points_yet(engine, make_user):
    emma = make_user("emma")
    result = standings(engine, emma)
    assert result.people.empty and result.teams.empty and result.of(emma.id) == (0, None)
    assert result.for_person(emma.id).empty


def test_resolution_time_is_compared_in_utc_days(engine, make_user):
    emma = make_user("emma")
    end_of_period = datetime.combine(MONTH[1], datetime.max.time()).replace(microsecond=0)
    signal(engine, emma, resolved=end_of_period)
    signal(engine, emma, resolved=end_of_period + timedelta(seconds=1))  # the next day
    assert points(engine, emma, (MONTH[0], MONTH[1])) == 10
