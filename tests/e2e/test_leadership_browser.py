"""The Leadership overview in a real browser: activity logged elsewhere appears by itself, the view
is kept in the URL, the board report downloads, English and French.

The browser server's database is shared with the other browser tests of this process, so the
activity added here is removed again at the end."""

import random
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from lib.core.db import make_engine, session_scope
from lib.core.models import Contribution, CustomerSignal, Department, User, utcnow
from lib.core.vocab import PLATFORMS
from tests.e2e.conftest import press, settle, shot, sign_in

pytestmark = pytest.mark.e2e


def metric(page, name: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(name, exact=True)).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def count(page) -> int:
    """The Contributions figure (0 while the page shows its empty state)."""
    return (
        int(metric(page, "Contributions").replace(",", ""))
        if page.locator('[data-testid="stMetric"]').count()
        else 0
    )


def add_activity(url: str) -> dict:
    """Two departments with a month of activity and some customer signals; returns what to remove."""
    rng = random.Random(7)
    engine = make_engine(url)
    now, today = utcnow(), utcnow().date()
    with session_scope(engine) as session:
        people = dict(session.execute(select(User.username, User.id)).all())
        departments_before = dict(
            session.execute(
                select(User.id, User.department_id).where(User.username.in_(["emma", "hugo"]))
            ).all()
        )
        depts = [Department(name="Field sales"), Department(name="Customer care")]
        session.add_all(depts)
        session.flush()
        session.execute(update(User).where(User.id == people["emma"]).values(department_id=depts[0].id))
        session.execute(update(User).where(User.id == people["hugo"]).values(department_id=depts[1].id))
        rows = [
            Contribution(
                user_id=people[who],
                department_id=dept.id,
                occurred_on=today - timedelta(days=rng.randint(0, 55)),
                platform=rng.choice(PLATFORMS),
                kind="share",
                impressions=rng.randint(100, 3000),
                reactions=rng.randint(0, 90),
                comments=rng.randint(0, 12),
                shares=rng.randint(0, 6),
                clicks=rng.randint(0, 40),
            )
            for who, dept in [("emma", depts[0]), ("hugo", depts[1])]
            for _ in range(30)
        ]
        rows += [
            CustomerSignal(
                reporter_id=people["emma"],
                department_id=depts[0].id,
                signal_type=kind,
                category="customer_won" if kind == "win" else "complaint",
                customer_name=f"Client {i}",
                estimated_value=rng.randint(1, 40) * 1000,
                currency="EUR",
                description="Seen on LinkedIn.",
                status=rng.choice(("new", "acknowledged", "resolved")),
                reported_at=now - timedelta(days=i * 3, hours=2),
                ack_due_at=now,
                acknowledged_at=now - timedelta(days=i * 3) if i % 2 else None,
            )
            for i, kind in enumerate(["win", "loss", "win", "win", "loss", "win"])
        ]
        session.add_all(rows)
        session.flush()
        added = {
            "last_30_days": sum(
                isinstance(r, Contribution) and r.occurred_on > today - timedelta(days=30) for r in rows
            ),
            "contributions": [r.id for r in rows if isinstance(r, Contribution)],
            "signals": [r.id for r in rows if isinstance(r, CustomerSignal)],
            "departments": [d.id for d in depts],
            "departments_before": departments_before,
        }
    engine.dispose()
    return added


def remove_activity(url: str, added: dict) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(delete(Contribution).where(Contribution.id.in_(added["contributions"])))
        session.execute(delete(CustomerSignal).where(CustomerSignal.id.in_(added["signals"])))
        for user_id, department_id in added["departments_before"].items():
            session.execute(update(User).where(User.id == user_id).values(department_id=department_id))
        session.execute(delete(Department).where(Department.id.in_(added["departments"])))
    engine.dispose()


def test_leadership_overview(server, page):
    sign_in(page, server["base"], "boss", path="leadership_overview")
    page.get_by_role("heading", name="Leadership overview").wait_for()
    # Other browser tests of this process may already have logged activity: wait for the figures
    # or the empty state, whichever this database gives, before reading the starting count.
    empty = page.get_by_text("Nothing to show yet")
    page.locator('[data-testid="stMetric"]').or_(empty).first.wait_for()
    settle(page)
    before = count(page)
    if empty.is_visible():
        shot(page, "leadership_00_empty")
    added = add_activity(server["url"])
    try:
        deadline = time.monotonic() + 30  # the page refreshes by itself, without a reload
        while count(page) != before + added["last_30_days"]:
            assert time.monotonic() < deadline, "new activity did not appear within 30 seconds"
            page.wait_for_timeout(1000)
        page.get_by_text("Contributions by platform, per day").wait_for()
        shot(page, "leadership_01_overview")
        for n, heading in enumerate(
            [
                "Contributions by platform, per day",
                "Participation by department, per head",
                "Top contributors",
            ]
        ):
            page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
            shot(page, f"leadership_01_charts_{n}")
        page.get_by_role("heading", name="Leadership overview").scroll_into_view_if_needed()

        press(page.locator('[data-testid="stSelectbox"]').filter(has_text="Period"))
        press(page.get_by_role("option", name="Last 90 days"))
        page.wait_for_url(re.compile(r"period=last_90"))
        press(page.locator('[data-testid="stSelectbox"]').filter(has_text="Scope"))
        press(page.get_by_role("option", name="Field sales"))
        page.wait_for_url(re.compile(r"department=\d+"))
        settle(page)
        assert metric(page, "Contributions") == "30"
        shared_link = page.url
        page.get_by_text("Contributions by platform, per week").wait_for()
        shot(page, "leadership_02_department_90_days")

        page.goto(shared_link)  # a bookmarked view opens as it was
        page.get_by_text("Contributions by platform, per week").wait_for()
        settle(page)
        assert metric(page, "Contributions") == "30"
        page.get_by_text("(90 days)").first.wait_for()

        with page.expect_download() as download:
            press(page.get_by_role("button", name="Board report (HTML)"))
        html = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename.startswith("porte-voix_board_report_")
        # key figures, then the trends as vector charts; the data goes in the workbook, not here
        assert "Key figures" in html and "Field sales" in html
        assert html.count("<figure>") >= 3 and html.count("<figure>") == html.count("<svg")

        sidebar = page.locator('[data-testid="stSidebar"]')
        press(sidebar.get_by_text("Français"))
        page.get_by_role("heading", name="Vue de direction").wait_for()
        page.get_by_text("Contributions par plateforme, par semaine").wait_for()
        shot(page, "leadership_03_overview_fr")
        # weeks are 7-day blocks from the period's first day now, not Monday weeks
        page.get_by_text(re.compile(r"^Gains et pertes clients, par")).first.scroll_into_view_if_needed()
        shot(page, "leadership_03_charts_fr")
        press(sidebar.get_by_text("English"))
        page.get_by_role("heading", name="Leadership overview").wait_for()
    finally:
        remove_activity(server["url"], added)


def test_shared_links(server, page):
    # Signed out: the link's view survives the sign-in.
    sign_in(page, server["base"], "boss", path="leadership_overview?period=last_90")
    page.get_by_role("heading", name="Leadership overview").wait_for()
    page.wait_for_url(re.compile(r"period=last_90"))
    settle(page)
    page.get_by_text("(90 days)").first.wait_for()
    # A link that cannot be followed says why and shows the default view.
    page.goto(f"{server['base']}/leadership_overview?period=someday&department=abc")
    page.get_by_text("This link could not be followed entirely").wait_for()
    page.wait_for_url(re.compile(r"period=last_30"))
    shot(page, "leadership_04_bad_link")
