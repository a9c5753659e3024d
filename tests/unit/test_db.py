"""Engine and schema: SQLite pragmas, write locking, migrations matching the models."""

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Base, Department, Setting


def test_sqlite_pragmas(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_foreign_keys_are_enforced(engine):
    from lib.core.models import Team

    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Team(department_id=999, name="Ghost"))


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrate_is_idempotent(engine):
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_failed_transaction_changes_nothing(engine):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Department(name="Sales"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine, write=False) as session:
        assert session.scalars(select(Department)).all() == []


def test_concurrent_read_then_write_updates_lose_nothing(engine):
    """8 threads x 200 read-modify-write increments through session_scope: the count is exact."""
    with session_scope(engine) as session:
        session.add(Setting(key="counter", value=0))

    def work():
        for _ in range(200):
            with session_scope(engine) as session:
                row = session.execute(
                    select(Setting).where(Setting.key == "counter").with_for_update()
                ).scalar_one()
                session.execute(update(Setting).where(Setting.key == "counter").values(value=row.value + 1))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with session_scope(engine, write=False) as session:
        assert session.get(Setting, "counter").value == 1600


def test_a_lock_held_too_long_is_recognised_as_busy(engine, monkeypatch):
    """Both databases give up after the busy timeout with an error `is_busy` recognises (issue 10,
    item 2), so the interface can say "busy, try again" instead of crashing."""
    from sqlalchemy.exc import DBAPIError

    from lib.core import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    url = engine.url.render_as_string(hide_password=False)
    short = db.make_engine(url)
    if db.is_sqlite(engine):  # the write lock, taken at BEGIN IMMEDIATE
        holder = engine.execution_options(sqlite_immediate=True).connect()
        holder.begin()
    else:
        holder = engine.connect()
        holder.begin()
        holder.execute(text("LOCK TABLE departments IN EXCLUSIVE MODE"))
    try:
        with pytest.raises(DBAPIError) as caught, session_scope(short) as session:
            session.add(Department(name="waiting"))
            session.flush()
        assert db.is_busy(caught.value)
    finally:
        holder.rollback()
        holder.close()
        short.dispose()
    assert not db.is_busy(ValueError("database is locked"))
