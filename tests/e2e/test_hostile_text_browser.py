"""Stored text that looks like HTML, script or links stays inert on every page that shows it."""

from datetime import timedelta

import pytest

from lib.core.db import make_engine, session_scope
from lib.core.models import ContentItem, Contribution, CustomerSignal, utcnow
from lib.people import accounts as auth
from tests.e2e.conftest import settle, shot, sign_in

pytestmark = pytest.mark.e2e
HOSTILE = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(2)) ![t](http://127.0.0.1:9/t.png) <b>bold</b>"
)


@pytest.fixture(scope="module")
def hostile_rows(server):
    """Rows written straight into the database, as a faulty import or an old version might have."""
    engine = make_engine(server["url"])
    now = utcnow()
    with session_scope(engine) as session:
        emma = auth.find_user(session, "emma")
        session.add(
            Contribution(
                user_id=emma.id,
                occurred_on=now.date(),
                platform="linkedin",
                kind="share",
                url="javascript:alert(3)",
                note=HOSTILE,
                impressions=10,
            )
        )
        session.add(
            CustomerSignal(
                reporter_id=emma.id,
                signal_type="loss",
                category="complaint",
                customer_name=HOSTILE[:190],
                description=HOSTILE,
                url="javascript:alert(4)",
                ack_due_at=now + timedelta(hours=24),
            )
        )
        session.add(
            ContentItem(
                title=HOSTILE[:190],
                text_en=HOSTILE,
                text_fr=HOSTILE,
                url="javascript:alert(5)",
                platforms=["linkedin"],
                starts_on=now.date() - timedelta(days=1),
            )
        )
    engine.dispose()


@pytest.mark.parametrize("path", ["my_contributions", "customer_signals", "content_library"])
def test_hostile_text_is_shown_as_text(server, page, hostile_rows, path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, server["base"], "emma", path=path)
    settle(page)
    page.wait_for_timeout(1500)
    shot(page, f"hostile_{path}")
    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src*='127.0.0.1:9']").count() == 0
    assert page.locator("b", has_text="bold").count() == 0
