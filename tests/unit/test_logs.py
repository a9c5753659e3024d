"""Operator logs: one line per event that matters, written once its transaction commits, never a secret."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from datetime import timedelta

import pytest

from lib.activity import contribution_import as imports
from lib.core import logs
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import utcnow
from lib.core.permissions import Actor
from lib.people import accounts

WRONG = "Tr0ub4dor&3-not-the-password"
TODAY = utcnow().date()


def events(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", None) == name]


def formatted(records, formatter: logging.Formatter) -> str:
    return "\n".join(formatter.format(r) for r in records)


def test_a_lockout_is_logged_once_with_each_failed_sign_in_and_no_secret(engine, make_user, caplog):
    emma = make_user("emma")
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with session_scope(engine) as session:
            assert not accounts.check_login(session, "emma", WRONG)
    failed, locked = events(caplog, "login.failed"), events(caplog, "sign_in.locked")
    assert len(failed) == accounts.MAX_FAILED_LOGINS
    assert all(r.levelno == logging.WARNING and r.fields["subject_id"] == emma.id for r in failed)
    assert len(locked) == 1 and locked[0].levelno == logging.WARNING
    assert locked[0].fields["user_id"] == emma.id and locked[0].name == "porte_voix.accounts"
    with session_scope(engine) as session:  # the right password is refused while locked
        assert not accounts.check_login(session, "emma", "correct horse battery staple")
    assert len(events(caplog, "sign_in.locked")) == 1
    for formatter in (logs.PlainFormatter(), logs.JsonFormatter()):
        text = formatted(caplog.records, formatter)
        assert "sign_in.locked" in text
        assert WRONG not in text and "correct horse" not in text
        assert os.environ["PORTE_VOIX_COOKIE_KEY"] not in text


def test_a_sign_in_with_an_unknown_name_does_not_log_what_was_typed(engine, caplog):
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    with session_scope(engine) as session:
        assert not accounts.check_login(session, WRONG, WRONG)
    [record] = events(caplog, "login.failed")
    assert WRONG not in formatted([record], logs.JsonFormatter())


def test_an_import_is_logged_with_its_counts_after_the_commit(engine, make_user, caplog):
    emma = make_user("emma")
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    rows = [
        f"{TODAY - timedelta(days=i)},linkedin,share,https://example.com/p/{i},100,,,,,5," for i in range(3)
    ]
    data = (
        "date,platform,kind,url,impressions,reactions,comments,shares,clicks,minutes_spent,note\n"
        + "\n".join(rows)
    ).encode()
    with session_scope(engine) as session:
        imports.commit(session, emma, data)
        assert not events(caplog, "contribution.imported")  # not before the commit
    [record] = events(caplog, "contribution.imported")
    assert record.name == "porte_voix.audit" and record.levelno == logging.INFO
    assert record.fields["actor_id"] == emma.id
    assert (record.fields["rows"], record.fields["created"], record.fields["skipped"]) == (3, 3, 0)
    line = json.loads(formatted([record], logs.JsonFormatter()))
    assert line["event"] == "contribution.imported" and line["created"] == 3 and line["level"] == "INFO"


def test_nothing_is_logged_for_a_change_rolled_back(engine, caplog):
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        accounts.create_user(
            session,
            Actor.command_line(),
            username="ghost",
            full_name="Ghost",
            email="ghost@example.com",
            roles=["employee"],
            password="a long enough password",
        )
        raise RuntimeError("the transaction fails after the change")
    assert not events(caplog, "account.created")


def test_account_and_role_changes_are_logged(engine, make_user, admin, caplog):
    emma = make_user("emma")
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    with session_scope(engine) as session:
        accounts.set_roles(session, admin, emma.id, ["employee", "hr"])
    with session_scope(engine) as session:
        accounts.set_active(session, admin, emma.id, False)
    with session_scope(engine) as session:
        temporary = accounts.reset_password(session, admin, emma.id)
    [roles] = events(caplog, "account.roles_changed")
    assert roles.fields["after"] == ["employee", "hr"] and roles.fields["actor_id"] == admin.id
    assert events(caplog, "account.deactivated") and events(caplog, "account.password_reset")
    assert temporary not in formatted(caplog.records, logs.PlainFormatter())


def test_a_migration_is_logged(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=logs.ROOT_LOGGER)
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    migrate(engine)
    [applied] = events(caplog, "migration.applied")
    assert applied.fields["before"] == "empty" and applied.fields["after"]
    migrate(engine)  # already at the head: nothing to say
    assert len(events(caplog, "migration.applied")) == 1
    engine.dispose()


def test_secret_fields_are_redacted_and_the_format_follows_the_environment(monkeypatch):
    monkeypatch.setenv(logs.LEVEL_VAR, "warning")
    monkeypatch.setenv(logs.FORMAT_VAR, "json")
    root = logs.configure()
    assert any(h.get_name() == "porte_voix" for h in root.handlers)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)  # the handler writes to stderr as it is at each record
    log = logs.get("test")
    logs.emit(log, logging.INFO, "quiet.event", detail=1)  # under the level: not written
    logs.emit(
        log,
        logging.WARNING,
        "loud.event",
        password="p4ss",
        cookie_key="k3y",
        nested={"api_token": "t0k"},
        n=2,
    )
    [line] = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["event"] == "loud.event" and data["level"] == "WARNING" and data["n"] == 2
    assert data["password"] == data["cookie_key"] == data["nested"]["api_token"] == logs.REDACTED
    assert "p4ss" not in line and "k3y" not in line and "t0k" not in line
    monkeypatch.setenv(logs.FORMAT_VAR, "plain")
    logs.configure()
    stream.truncate(0)
    stream.seek(0)
    logs.emit(log, logging.ERROR, "plain.event", who="a b")
    assert stream.getvalue().split(" ", 1)[1].startswith('ERROR porte_voix.test plain.event who="a b"')
    monkeypatch.setenv(logs.LEVEL_VAR, "INFO")
    logs.configure()
