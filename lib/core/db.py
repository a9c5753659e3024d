"""Engine, sessions and migrations.

SQLite runs in WAL mode with a busy timeout and enforced foreign keys; the driver's own
transaction handling is switched off so that write sessions start with `BEGIN IMMEDIATE`
(taking the write lock up front instead of failing or losing updates half-way).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from lib.core import logs
from lib.core.config import ROOT
from lib.core.errors import NotFound

# How long a write waits for another writer's lock before giving up ("the database is busy").
BUSY_TIMEOUT_MS = int(os.environ.get("PORTE_VOIX_BUSY_TIMEOUT_MS", "30000"))
# The advisory lock replicas take to migrate one at a time (any constant of our own).
MIGRATION_LOCK = 7_311_202_612
log = logs.get("db")
# PostgreSQL error codes for a lock not obtained in time and a statement cut off by a timeout.
_PG_BUSY_CODES = {"55P03", "57014", "40P01"}


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine for `url` with the project's SQLite pragmas where relevant."""
    if not url.startswith("sqlite"):
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}"},
        )
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` means the database was too busy (a lock held too long), not a fault of ours:
    the transaction was rolled back and the same request may simply be tried again."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)  # psycopg
    message = str(exc.orig).lower()
    return code in _PG_BUSY_CODES or "database is locked" in message or "database table is locked" in message


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on error.

    Write sessions take SQLite's write lock at BEGIN; read sessions do not.
    """
    bind = engine.execution_options(sqlite_immediate=True) if write and is_sqlite(engine) else engine
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        if write:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


Row = TypeVar("Row")


def fetch(session: Session, model: type[Row], key: Any, missing: str) -> Row:
    """The row of `model` with primary key `key`; NotFound with the i18n key `missing` if there is none."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(missing)
    return row


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (for those, `Session.execute` returns a CursorResult)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} has no row count: only UPDATE and DELETE have one")
    return result.rowcount


def driver_connection(raw: PoolProxiedConnection) -> Any:
    """The database driver's own connection behind a pooled one (sqlite3's or psycopg's)."""
    driver = raw.driver_connection
    if driver is None:
        raise RuntimeError("the pooled database connection is closed")
    return driver


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return cfg


class SchemaError(RuntimeError):
    """The database's schema is newer than this code knows: serving it could half-work."""


def code_heads() -> set[str]:
    """The schema revisions this code migrates to."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_revisions(conn: Connection) -> set[str]:
    """The schema revisions the database is at (empty for a new database)."""
    return set(MigrationContext.configure(conn).get_current_heads())


def refuse_newer_schema(conn: Connection) -> None:
    """Raise SchemaError when the database holds a revision this code does not know."""
    script = ScriptDirectory.from_config(alembic_config())
    for revision in database_revisions(conn):
        try:
            script.get_revision(revision)
        except (ResolutionError, CommandError):
            raise SchemaError(
                f"The database schema (revision {revision}) is newer than this Porte-voix knows "
                f"(latest {', '.join(sorted(code_heads()))}): run the newer version on this server."
            ) from None


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the latest migrations (every branch head), once: replicas
    starting together wait for each other (PostgreSQL advisory lock; SQLite's write lock), and the
    later ones find nothing left to do. Refuses a database migrated by a newer version."""
    if is_sqlite(engine) and engine.url.database not in (None, "", ":memory:"):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    cfg = alembic_config()
    with engine.execution_options(sqlite_immediate=True).begin() as conn:
        if not is_sqlite(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        refuse_newer_schema(conn)
        before = database_revisions(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        after = database_revisions(conn)
    if after != before:
        logs.emit(
            log,
            logging.INFO,
            "migration.applied",
            database=engine.url.render_as_string(hide_password=True),
            before=",".join(sorted(before)) or "empty",
            after=",".join(sorted(after)),
        )
