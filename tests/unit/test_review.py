"""Plausibility review: implausible figures are held out of every total until HR decides;
exact after approval; corrections and rejections; refusals on the form; the edit picker."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lib.activity import contributions as contrib
from lib.activity import recognition, review
from lib.core import formatting as fmt
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.i18n import problem_text
from lib.core.models import ActivityDaily, AuditEvent, Contribution, utcnow
from lib.core.periods import Period, View
from lib.core.permissions import Actor
from lib.insight import leadership

TODAY = utcnow().date()
EXEC = Actor(id=None, username="exec", roles=frozenset({"executive"}))


def linkin(n: int) -> str:
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{7_100_000_000_000_000_000 + n}"


def log(engine, actor, n, impressions, day=None, **extra):
    values = {
        "date": (day or TODAY - timedelta(days=n + 1)).isoformat(),
        "platform": "linkedin",
        "kind": "original_post",
        "url": linkin(n),
        "impressions": impressions,
        **extra,
    }
    with session_scope(engine) as session:
        return contrib.log_contribution(session, actor, **values).id


def reach(engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.coalesce(func.sum(ActivityDaily.impressions), 0))))


def overview(engine):
    leadership._cache.clear()
    with session_scope(engine) as session:
        return leadership.overview(session, EXEC, View("custom", Period(TODAY - timedelta(days=29), TODAY)))


def test_held_out_until_approved_then_exact(engine, make_user):
    jane = make_user("jane")
    hr = make_user("hanna", "hr", "employee")
    for n in range(5):
        log(engine, jane, n, 900, reactions=20)
    assert reach(engine) == 4500
    big = log(engine, jane, 10, 5_000_000, reactions=30)
    with session_scope(engine) as session:
        row = session.get(Contribution, big)
        assert row.review == "pending" and row.review_reasons == "above_ceiling"
    assert reach(engine) == 4500  # held out of the rollups
    ov = overview(engine)
    assert ov.current.impressions == 4500 and ov.pending_review == 1
    assert ov.current.contributions == 5
    with session_scope(engine) as session:
        board = recognition.standings(session, jane, TODAY - timedelta(days=29), TODAY)
        points_before = board.of(jane.id)[0]
        assert (
            contrib.my_figures(session, jane, contrib.Filters(TODAY - timedelta(days=29), TODAY))["held"] == 1
        )
        queue = review.queue(session, hr)
        assert queue["id"].tolist() == [big] and queue["usual_reach"].tolist() == [900.0]
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        review.decide(session, jane, big, "approve")
    with session_scope(engine) as session:
        review.decide(session, hr, big, "approve", note="Went viral, checked the post.")
    assert reach(engine) == 5_004_500
    ov = overview(engine)
    assert ov.current.impressions == 5_004_500 and ov.pending_review == 0
    with session_scope(engine) as session:
        assert (
            recognition.standings(session, jane, TODAY - timedelta(days=29), TODAY).of(jane.id)[0]
            > points_before
        )
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contribution.review_approve")
        ).one()
        assert (event.actor_id, event.subject_id, event.target) == (hr.id, jane.id, str(big))


def test_correct_and_reject(engine, make_user):
    jane = make_user("jane")
    hr = make_user("hanna", "hr", "employee")
    wrong = log(engine, jane, 1, 100, clicks=500)
    other = log(engine, jane, 2, 50, reactions=80)
    with session_scope(engine) as session:
        assert session.get(Contribution, wrong).review_reasons == "clicks_above_reach"
        assert session.get(Contribution, other).review_reasons == "engagement_above_reach"
    assert reach(engine) == 0
    with pytest.raises(ValidationError) as caught, session_scope(engine) as session:
        review.decide(session, hr, other, "reject")
    assert problem_text(caught.value.problems[0], "fr").startswith("Note à la personne")
    with session_scope(engine) as session:
        review.decide(session, hr, wrong, "correct", figures={"clicks": 5})
        review.decide(session, hr, other, "reject", note="Figures not found on the post.")
    assert reach(engine) == 100
    with session_scope(engine) as session:
        row = session.get(Contribution, wrong)
        assert (row.clicks, row.figures_source, row.review) == (5, "corrected", "approved")
        assert session.get(Contribution, other).review == "rejected"
        events = session.execute(
            select(AuditEvent.action, AuditEvent.target, AuditEvent.subject_id, AuditEvent.details)
            .where(AuditEvent.action.in_(["contribution.review_correct", "contribution.review_reject"]))
            .order_by(AuditEvent.id)
        ).all()
    assert [(a, t, s) for a, t, s, _ in events] == [
        ("contribution.review_correct", str(wrong), jane.id),
        ("contribution.review_reject", str(other), jane.id),
    ]
    assert events[0].details["before"] == {"clicks": 500} and events[0].details["after"] == {"clicks": 5}
    assert events[1].details["note"] == "Figures not found on the post."


def test_before_joining_is_held(engine, make_user):
    jane = make_user("jane", start_date=TODAY - timedelta(days=10))
    cid = log(engine, jane, 1, 100, day=TODAY - timedelta(days=40))
    with session_scope(engine) as session:
        assert session.get(Contribution, cid).review_reasons == "before_joining"


def problems(engine, actor, **values):
    with pytest.raises(ValidationError) as caught, session_scope(engine) as session:
        contrib.log_contribution(session, actor, **values)
    return caught.value.problems


def test_refusals_are_explained_in_both_languages(engine, make_user):
    jane = make_user("jane")
    empty = problems(engine, jane, date=None, platform="linkedin", kind="share")
    assert {(p.field, p.key) for p in empty} == {
        ("contrib.date", "activity.required"),
        ("contrib.url", "contrib.link_required"),
    }
    quiet = problems(engine, jane, date=TODAY, platform="linkedin", kind="customer_reply")
    assert [(p.field, p.key) for p in quiet] == [("contrib.note", "contrib.what_was_done")]
    future = problems(
        engine,
        jane,
        date=TODAY + timedelta(days=1),
        platform="x",
        kind="share",
        url="https://x.com/j/status/1",
        impressions=-5,
    )
    texts = sorted(problem_text(p, "fr") for p in future)
    assert texts == [
        "Date\u00a0: ne peut pas être dans le futur.",
        "Impressions\u00a0: ne peut pas être négatif.",
    ]
    assert {p.key for p in future} == {"activity.future_date", "activity.negative"}
    log(engine, jane, 1, 10)
    dup = problems(
        engine,
        jane,
        date=TODAY,
        platform="linkedin",
        kind="share",
        url="https://www.linkedin.com/posts/jane_x-activity-7100000000000000001-AbC?utm=1",
    )
    text = problem_text(dup[0], "en")
    assert dup[0].key == "contrib.duplicate_link"
    assert f"{fmt.day(TODAY - timedelta(days=2), 'en')} (LinkedIn, Original post)" in text
    assert f"du {fmt.day(TODAY - timedelta(days=2), 'fr')} (LinkedIn, Publication originale)" in (
        problem_text(dup[0], "fr")
    )
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Contribution)) == 1
    # editing another entry onto that link is refused too; an entry keeps its own link
    other = log(engine, jane, 2, 10)
    values = {"date": TODAY, "platform": "linkedin", "kind": "share"}
    with pytest.raises(ValidationError) as caught, session_scope(engine) as session:
        contrib.update_contribution(session, jane, other, **values, url=linkin(1))
    assert [p.key for p in caught.value.problems] == ["contrib.duplicate_link"]
    with session_scope(engine) as session:
        contrib.update_contribution(session, jane, other, **values, url=linkin(2))
        assert session.get(Contribution, other).kind == "share"


def test_picker_labels_are_all_distinct():
    labels = contrib.pick_labels(
        [
            (1, "2026-12-01 · LinkedIn · Original post"),
            (2, "2026-12-01 · LinkedIn · Original post"),
            (3, "other"),
        ]
    )
    assert len(set(labels.values())) == 3 and labels[2].endswith("(2)")


def test_csv_import_holds_implausible_rows(engine, make_user):
    from lib.activity import contribution_import as imports

    jane = make_user("jane")
    data = (
        "date,platform,kind,url,impressions,clicks\n"
        f"{TODAY},linkedin,share,https://example.com/a,100,5\n"
        f"{TODAY},linkedin,share,https://example.com/b,100,500\n"
    ).encode()
    with session_scope(engine) as session:
        assert imports.commit(session, jane, data).created == 2
    with session_scope(engine) as session:
        states = session.execute(
            select(Contribution.url, Contribution.review).order_by(Contribution.url)
        ).all()
    assert states == [("https://example.com/a", "ok"), ("https://example.com/b", "pending")]
    assert reach(engine) == 100


def test_a_held_or_rejected_contribution_makes_nobody_an_active_ambassador(engine, make_user):
    """Nor a contributor, the condition an active ambassador's contributions meet (measures)."""
    from datetime import timedelta

    from lib.core.models import User
    from lib.insight.measures import contributor

    jane, bob = make_user("jane"), make_user("bob")
    hr = make_user("hanna", "hr", "employee")
    held = log(engine, jane, 1, 5_000_000)
    wrong = log(engine, bob, 2, 10, clicks=500)

    def active() -> list[str]:
        with session_scope(engine, write=False) as session:
            month = contributor(TODAY - timedelta(days=29), TODAY)
            return sorted(session.scalars(select(User.username).where(month)))

    assert active() == []
    with session_scope(engine) as session:
        review.decide(session, hr, held, "approve")
        review.decide(session, hr, wrong, "reject", note="No such post.")
    assert active() == ["jane"]
