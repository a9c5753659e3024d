"""Several replicas on one database: migrated once when they start together, a newer schema
refused, and the readiness probe (`python -m lib.cli check`)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket

import pytest
from sqlalchemy import create_engine, make_url, text

from lib.cli import main
from lib.core.db import SchemaError, code_heads, make_engine, migrate
from tests.conftest import PG_URL


def _migrate(url: str, queue) -> None:
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        queue.put(repr(exc))


def _start_together(url: str, replicas: int = 3) -> list[str]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_migrate, args=(url, queue)) for _ in range(replicas)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join()
    return results


def _versions(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    engine.dispose()
    return sorted(rows)


@pytest.fixture
def empty_pg():
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}_replicas"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_replicas_starting_together_on_an_empty_postgresql_migrate_it_once(empty_pg):
    assert _start_together(empty_pg) == ["ok", "ok", "ok"]
    assert _versions(empty_pg) == sorted(code_heads())


def test_replicas_starting_together_on_an_empty_sqlite_file_migrate_it_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    assert _start_together(url) == ["ok", "ok", "ok"]
    assert _versions(url) == sorted(code_heads())


def test_migration_is_logged_once(tmp_path, caplog):
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    with caplog.at_level(logging.INFO, logger="porte_voix.db"):
        migrate(engine)
        migrate(engine)
    migrations = [r for r in caplog.records if r.name == "porte_voix.db"]
    assert [(r.message, r.fields["before"]) for r in migrations] == [("migration.applied", "empty")]


def _newer(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()


def test_a_replica_on_an_older_version_refuses_a_newer_schema(sqlite_url):
    _newer(sqlite_url)
    engine = make_engine(sqlite_url)
    with pytest.raises(SchemaError, match=r"revision 9999.*newer than this Porte-voix knows"):
        migrate(engine)
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def check(monkeypatch, capsys):
    def run(url: str, **env: str) -> tuple[int, str]:
        monkeypatch.setenv("DATABASE_URL", url)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        status = main(["check"])
        out = capsys.readouterr()
        return status, out.out + out.err

    return run


def test_check_says_ready_or_why_not_in_one_line(sqlite_url, tmp_path, check):
    status, line = check(sqlite_url)
    assert status == 0 and line.startswith("ok: database reachable, schema") and line.count("\n") == 1

    status, line = check(f"sqlite:///{tmp_path / 'new.db'}")
    assert status == 2 and line.startswith("schema not current: the database is at nothing")

    status, line = check(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none")
    assert status == 2 and line.startswith("database unreachable") and line.count("\n") == 1

    _newer(sqlite_url)
    status, line = check(sqlite_url)
    assert status == 2 and "database is at 9999" in line

    status, line = check(sqlite_url, PORTE_VOIX_COOKIE_KEY="changeme")
    assert (
        status == 2
        and line.startswith("unsafe or unusable settings: The cookie key")
        and "changeme" not in line
    )
