"""The demo organisation is consistent: one-time passwords, training history, content and signals."""

from datetime import date

from sqlalchemy import func, select

from lib.activity import content_library, signals
from lib.core.db import session_scope
from lib.core.models import ContentItem, Contribution, CustomerSignal, User, UserRole
from lib.core.permissions import Actor
from lib.core.vocab import SIGNAL_OUTCOMES
from lib.ops.demo import load_demo
from lib.training import academy

TODAY = date(2026, 12, 4)


def test_demo_accounts_must_choose_their_own_password(engine):
    report = load_demo(engine, employees=20, days=30, seed=1, contributions=300, today=TODAY)
    with session_scope(engine, write=False) as session:
        flags = session.execute(
            select(User.username, User.must_change_password).where(User.password_hash.is_not(None))
        ).all()
    assert {name for name, _ in flags} == {name for name, _, _ in report.accounts}
    assert all(flag for _, flag in flags)


def test_a_password_the_operator_chose_is_kept(engine):
    load_demo(engine, employees=12, days=10, seed=2, contributions=50, password="a demo password 2026")
    with session_scope(engine, write=False) as session:
        assert not session.scalar(
            select(func.count()).where(User.password_hash.is_not(None), User.must_change_password)
        )


def test_demo_history_is_consistent(engine):
    load_demo(engine, employees=40, days=60, seed=3, contributions=3000, today=TODAY)
    with session_scope(engine, write=False) as session:
        people = session.scalars(select(User).where(User.password_hash.is_not(None))).all()
        # Every module shown as passed had its lessons read: never "Passed · 0/5 lessons read".
        checked = 0
        for user in people:
            for state in academy.overview(session, Actor.of(user)).modules:
                if state.status == "passed":
                    assert state.all_read, (user.username, state.module.slug, state.lessons_read)
                    checked += 1
        assert checked > 0
        # Content items differ, and the library's share counts come from the demo's contributions.
        texts = session.execute(select(ContentItem.text_en, ContentItem.text_fr)).all()
        assert len(set(texts)) == len(texts) == 8
        hr = Actor.of(next(u for u in people if "hr" in u.roles))
        items = content_library.all_items(session, hr, TODAY)
        linked = session.scalar(select(func.count()).where(Contribution.content_item_id.is_not(None)))
        assert items["shares"].sum() == linked > 0 and (items["shares"] > 0).sum() >= 6
        # Signals are resolved with an outcome that fits their type.
        outcomes = session.execute(
            select(CustomerSignal.signal_type, CustomerSignal.resolution)
            .where(CustomerSignal.resolution.is_not(None))
            .distinct()
        ).all()
        assert outcomes and all(r in SIGNAL_OUTCOMES[t] for t, r in outcomes)
        assert signals.outcomes("loss") == SIGNAL_OUTCOMES["loss"]


def test_demo_fills_the_post_checker_lists(engine):
    from lib.activity import post_checker

    load_demo(engine, employees=12, days=10, seed=4, contributions=50, today=TODAY)
    with session_scope(engine, write=False) as session:
        hr = session.scalars(select(User).join(UserRole).where(UserRole.role == "hr")).first()
        someone = Actor.of(hr)
        lists = post_checker.settings(session, someone)
        assert all(lists[key] for key in ("checker.company_names", "checker.competitor_names"))
        ledger = set(session.scalars(select(CustomerSignal.customer_name)))
        assert ledger and ledger <= set(post_checker.known_customers(session))
        assert "Carrefour" in post_checker.known_customers(session)
        draft = "we just won Carrefour as a customer! Here is our 2027 price list: Sensor Pro 149 EUR."
        found = {f.rule for f in post_checker.check_post(session, someone, draft, "linkedin")}
        assert {"deals", "prices", "customer_named", "disclosure"} <= found
