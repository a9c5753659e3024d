"""Each script run writes one operator-log line with its page and time (lib/ui/run_log.py)."""

from __future__ import annotations

import logging

from lib.core import logs
from tests.apptest.conftest import signed_in


def debug_logs(caplog, monkeypatch) -> None:
    monkeypatch.setenv(logs.LEVEL_VAR, "DEBUG")  # app.py configures the level on every run
    caplog.set_level(logging.DEBUG, logger=logs.ROOT_LOGGER)


def runs(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if getattr(r, "event", None) == "script_run"]


def test_each_run_logs_its_page_time_and_outcome(app_engine, add_user, caplog, monkeypatch):
    add_user("emma", "employee")
    debug_logs(caplog, monkeypatch)
    at = signed_in("emma")
    assert runs(caplog), "no script_run line"
    caplog.clear()
    at.switch_page("pages/account.py").run()
    (line,) = runs(caplog)
    assert line["page"] == "account"
    assert line["outcome"] == "done"
    assert line["fragment"] is False
    assert 0 < line["seconds"] < 600 and line["cpu_seconds"] >= 0


def test_a_run_cut_short_by_a_rerun_says_so(app_engine, add_user, caplog, monkeypatch):
    add_user("emma", "employee")
    debug_logs(caplog, monkeypatch)
    signed_in("emma")
    assert "rerun" in [line["outcome"] for line in runs(caplog)]  # the sign-in's rerun
