"""A write lock held by someone else (issue 10, item 2): a clear "busy, try again" message, what was
typed kept in the form, nothing saved, never the crash page; once the lock is gone the same click saves."""

import sqlite3
from contextlib import contextmanager

import pytest

from lib.core import db
from lib.core.models import Contribution, SignalEvent
from tests.apptest.activity_helpers import open_page, rows
from tests.apptest.conftest import texts
from tests.apptest.test_customer_signals import seed_signal

BUSY = "The database is busy right now, so nothing was saved"


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)


def comments(engine) -> list[str]:
    return [r.comment for r in rows(engine, SignalEvent) if r.comment]


@contextmanager
def write_lock_held(engine):
    """Another connection holds SQLite's write lock (as a long import or a stuck writer would)."""
    other = sqlite3.connect(engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_contribution_submitted_while_the_database_is_busy_is_kept_and_saved_on_retry(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions")
    at.selectbox(key="contrib_new_en_platform").select("x")
    at.text_input(key="contrib_new_en_url").input("https://x.com/emma/status/42")
    at.number_input(key="contrib_new_en_impressions").set_value(1500)
    submit = "FormSubmitter:contrib_new_en-Log the contribution"
    with write_lock_held(app_engine):
        at.button(key=submit).click().run()
    assert not at.exception, at.exception
    assert BUSY in texts(at)
    assert rows(app_engine, Contribution) == []
    assert at.text_input(key="contrib_new_en_url").value == "https://x.com/emma/status/42"
    assert at.number_input(key="contrib_new_en_impressions").value == 1500
    at.button(key=submit).click().run()
    assert "Contribution logged" in texts(at)
    [row] = rows(app_engine, Contribution)
    assert (row.url, row.impressions) == ("https://x.com/emma/status/42", 1500)


def test_a_comment_submitted_while_the_database_is_busy_is_kept(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    sid = seed_signal(app_engine, emma)
    at = open_page("emma", "customer_signals", "My signals")
    at.selectbox(key="signals_mine_pick").select(sid).run()
    at.text_area(key=f"signal_comment_text_{sid}").input("They called back.")
    with write_lock_held(app_engine):
        at.button(key=f"FormSubmitter:signal_comment_{sid}-Comment").click().run()
    assert not at.exception, at.exception
    assert BUSY in texts(at)
    assert at.text_area(key=f"signal_comment_text_{sid}").value == "They called back."
    assert comments(app_engine) == []
    at.button(key=f"FormSubmitter:signal_comment_{sid}-Comment").click().run()
    assert "Comment added." in texts(at)
    assert comments(app_engine) == ["They called back."]
    assert at.text_area(key=f"signal_comment_text_{sid}").value == ""
