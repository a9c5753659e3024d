"""Contributions: validation, ownership, department snapshot, listing, figures and streak."""

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lib.activity import contributions as contrib
from lib.core import options
from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import AuditEvent, Contribution, Department, User, utcnow
from lib.core.permissions import Actor

TODAY = utcnow().date()


POST_IDS = itertools.count(1)


def log(engine, actor, **values):
    url = f"https://www.linkedin.com/feed/update/urn:li:activity:{7_000_000_000_000_000_000 + next(POST_IDS)}"
    values = {"date": TODAY, "platform": "linkedin", "kind": "share", "url": url, **values}
    with session_scope(engine) as session:
        return contrib.log_contribution(session, actor, **values).id


def count_rows(engine) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(Contribution))


def problems(excinfo) -> set[tuple[str, str]]:
    return {(p.field, p.key) for p in excinfo.value.problems}


def test_log_with_only_some_figures(engine, make_user):
    emma = make_user("emma")
    cid = log(
        engine,
        emma,
        url="https://www.linkedin.com/posts/1",
        impressions="1 200",
        reactions=30,
        minutes_spent=10,
        note="  Launch post  ",
    )
    with session_scope(engine, write=False) as session:
        row = session.get(Contribution, cid)
        assert (row.impressions, row.reactions, row.comments, row.shares) == (1200, 30, None, None)
        assert row.note == "Launch post" and row.user_id == emma.id


def test_every_bad_field_is_reported_and_nothing_is_written(engine, make_user):
    emma = make_user("emma")
    with pytest.raises(ValidationError) as excinfo:
        log(
            engine,
            emma,
            date=TODAY + timedelta(days=5),
            platform="myspace",
            kind="",
            url="javascript:alert(1)",
            impressions=-3,
            reactions="2.5",
            clicks=True,
            minutes_spent=2000,
        )
    assert problems(excinfo) == {
        ("contrib.date", "activity.future_date"),
        ("contrib.platform", "activity.unknown_value"),
        ("contrib.kind", "activity.required"),
        ("contrib.url", "activity.bad_url_scheme"),
        ("contrib.impressions", "activity.negative"),
        ("contrib.reactions", "activity.not_a_count"),
        ("contrib.clicks", "activity.not_a_count"),
        ("contrib.minutes_spent", "activity.too_large"),
    }
    assert count_rows(engine) == 0


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.linkedin.com/feed/update/urn:li:activity:1", True),
        ("http://blog.example.fr/post?id=3#top", True),
        ("ftp://files.example.com/a", False),
        ("www.example.com", False),
        ("https://", False),
        ("https://exa mple.com", False),
        ("https://nodot", False),
        ("https://[::1", False),
    ],
)
def test_url_must_be_http_or_https(engine, make_user, url, ok):
    emma = make_user("emma")
    if ok:
        log(engine, emma, url=url)
    else:
        with pytest.raises(ValidationError) as excinfo:
            log(engine, emma, url=url)
        assert {f for f, _ in problems(excinfo)} == {"contrib.url"}


def test_unknown_content_item_is_refused(engine, make_user):
    emma = make_user("emma")
    with pytest.raises(ValidationError) as excinfo:
        log(engine, emma, content_item_id=9999)
    assert problems(excinfo) == {("contrib.content_item", "contrib.unknown_content")}


def test_department_is_a_snapshot_at_write_time(engine, make_user):
    with session_scope(engine) as session:
        sales, support = Department(name="Sales"), Department(name="Support")
        session.add_all([sales, support])
        session.flush()
        sales_id, support_id = sales.id, support.id
    emma = make_user("emma", department_id=sales_id)
    first = log(engine, emma)
    with session_scope(engine) as session:
        session.get(User, emma.id).department_id = support_id
    second = log(engine, emma)
    with session_scope(engine) as session:
        contrib.update_contribution(
            session, emma, first, date=TODAY, platform="x", kind="comment", url="https://x.com/e/status/99"
        )
    with session_scope(engine, write=False) as session:
        assert session.get(Contribution, first).department_id == sales_id
        assert session.get(Contribution, second).department_id == support_id


def test_only_the_author_edits_or_deletes(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo", "employee", "hr", "admin")
    cid = log(engine, emma)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        contrib.update_contribution(session, hugo, cid, date=TODAY, platform="x", kind="share")
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        contrib.delete_contribution(session, hugo, cid)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        contrib.get_mine(session, hugo, cid)
    with session_scope(engine) as session:
        contrib.delete_contribution(session, emma, cid)
    assert count_rows(engine) == 0
    with pytest.raises(NotFound), session_scope(engine) as session:
        contrib.delete_contribution(session, emma, cid)
    with session_scope(engine, write=False) as session:
        assert (
            session.scalar(select(AuditEvent.action).where(AuditEvent.target == str(cid)))
            == "contribution.deleted"
        )


def test_a_person_without_the_employee_role_cannot_log(engine, make_user):
    boss = make_user("boss", "executive")
    with pytest.raises(PermissionDenied):
        log(engine, boss)


def test_bad_edit_changes_nothing(engine, make_user):
    emma = make_user("emma")
    cid = log(engine, emma, impressions=10)
    with pytest.raises(ValidationError), session_scope(engine) as session:
        contrib.update_contribution(
            session, emma, cid, date=TODAY, platform="x", kind="share", impressions=-1
        )
    with session_scope(engine, write=False) as session:
        row = session.get(Contribution, cid)
        assert (row.platform, row.impressions) == ("linkedin", 10)


def test_list_shows_only_my_rows_with_filters(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo")
    log(engine, emma, platform="linkedin", kind="share", date=TODAY - timedelta(days=1))
    log(engine, emma, platform="x", kind="comment", reactions=4, comments=1)
    log(engine, emma, platform="x", kind="share", date=TODAY - timedelta(days=40))
    log(engine, hugo, platform="x", kind="comment")
    last_month = contrib.Filters(TODAY - timedelta(days=30), TODAY)
    with session_scope(engine, write=False) as session:
        df, total = contrib.list_mine(session, emma, last_month)
        assert total == 2 and df["platform"].tolist() == ["x", "linkedin"]
        assert df["engagement"].tolist() == [5, 0]
        df, total = contrib.list_mine(
            session, emma, contrib.Filters(TODAY - timedelta(days=90), TODAY, ("x",))
        )
        assert total == 2 and set(df["kind"]) == {"comment", "share"}
        df, total = contrib.list_mine(
            session, emma, contrib.Filters(TODAY - timedelta(days=90), TODAY), limit=1
        )
        assert total == 3 and len(df) == 1


def test_figures_for_a_period(engine, make_user):
    emma = make_user("emma")
    log(engine, emma, impressions=1000, reactions=40, comments=5, shares=5, minutes_spent=10)
    log(engine, emma, reactions=7, minutes_spent=5)  # impressions unknown: not in the rate
    log(engine, emma)  # no figure at all
    log(engine, emma, impressions=500, date=TODAY - timedelta(days=100))  # outside the period
    with session_scope(engine, write=False) as session:
        figures = contrib.my_figures(session, emma, contrib.Filters(TODAY - timedelta(days=30), TODAY))
    assert figures["count"] == 3
    assert figures["reach"] == 1000
    assert figures["engagement"] == 57
    assert figures["engagement_rate"] == pytest.approx(0.05)
    assert figures["minutes"] == 15


def test_figures_of_an_empty_period(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine, write=False) as session:
        figures = contrib.my_figures(session, emma, contrib.Filters(TODAY - timedelta(days=30), TODAY))
    assert (figures["count"], figures["reach"], figures["engagement"], figures["engagement_rate"]) == (
        0,
        None,
        None,
        None,
    )
    assert figures["weekly_goal"] == 2


def _log_days(engine, actor, days):
    with session_scope(engine) as session:
        session.add_all(
            Contribution(user_id=actor.id, occurred_on=d, platform="x", kind="share") for d in days
        )


def test_streak_counts_consecutive_weeks_meeting_the_goal(engine, make_user):
    emma = make_user("emma")
    today = date(2026, 11, 25)  # a Wednesday
    monday = today - timedelta(days=today.weekday())

    def weeks_ago(n, day=0):
        return monday - timedelta(weeks=n) + timedelta(days=day)

    # this week: 1 (goal 2, in progress); last 3 weeks: 2 each; 4 weeks ago: 1; 5 weeks ago: 3
    _log_days(
        engine,
        emma,
        [
            today,
            weeks_ago(1),
            weeks_ago(1, 6),
            weeks_ago(2, 2),
            weeks_ago(2, 2),
            weeks_ago(3),
            weeks_ago(3, 4),
            weeks_ago(4),
            *[weeks_ago(5)] * 3,
        ],
    )
    with session_scope(engine, write=False) as session:
        assert contrib.streak(session, emma.id, today, goal=2) == (3, 1)
        assert contrib.streak(session, emma.id, today, goal=1) == (6, 1)
        assert contrib.streak(session, emma.id, today, goal=3) == (0, 1)
    _log_days(engine, emma, [today])
    with session_scope(engine, write=False) as session:
        assert contrib.streak(session, emma.id, today, goal=2) == (4, 2)


def test_weekly_goal_is_an_option(engine, make_user):
    emma = make_user("emma")
    _log_days(engine, emma, [TODAY])
    with session_scope(engine) as session:
        options.put(session, Actor.command_line(), "contributions.weekly_goal", 1)
    with session_scope(engine, write=False) as session:
        figures = contrib.my_figures(session, emma, contrib.Filters(TODAY, TODAY))
    assert (figures["weekly_goal"], figures["streak_weeks"]) == (1, 1)


def test_export_has_the_import_columns(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo")
    log(engine, emma, impressions=12, note="=HYPERLINK()")
    log(engine, hugo)
    with session_scope(engine, write=False) as session:
        df = contrib.export_mine(session, emma)
    assert list(df.columns)[: len(contrib.COLUMNS)] == list(contrib.COLUMNS)
    assert len(df) == 1 and df["impressions"].tolist() == [12]
