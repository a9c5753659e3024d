"""Online backup and restore of the SQLite database (PostgreSQL: use pg_dump / pg_restore).

Restore trusts nothing it has not checked: the candidate file must pass SQLite's integrity
check, carry exactly the schema version this code migrates to, and have every table readable.
Only then is the live database first copied aside (`<db>.replaced-<UTC time>`) and replaced
through SQLite's backup API, which takes the database's locks like any writer, so a running app
waits for it instead of reading a half-copied file.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from lib.core import logs
from lib.core.db import alembic_config, driver_connection, is_sqlite
from lib.core.models import Base

PG_GUIDANCE = (
    'PostgreSQL: back up with `pg_dump --format=custom --file=porte_voix.dump "$DATABASE_URL"` '
    'and restore with `pg_restore --clean --if-exists --dbname="$DATABASE_URL" porte_voix.dump` '
    "(use the URL without the '+psycopg' driver suffix)."
)


_LOG = logs.get("backup")


class BackupError(ValueError):
    pass


def _require_sqlite(engine: Engine) -> None:
    if not is_sqlite(engine):
        raise BackupError(PG_GUIDANCE)


def _copy(src: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target)
    try:
        src.backup(dest, pages=256)
    finally:
        dest.close()


def backup(engine: Engine, target: Path) -> int:
    """Copy the live database to `target` page by page while others keep writing; returns its size."""
    _require_sqlite(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = engine.raw_connection()
        try:
            _copy(driver_connection(raw), target)
        finally:
            raw.close()
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):
            target.unlink(missing_ok=True)
        raise BackupError(f"cannot write the backup to {target}: {_reason(exc)}") from None
    size = target.stat().st_size
    logs.emit(_LOG, logging.INFO, "backup.written", file=str(target), bytes=size)
    return size


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def code_heads() -> set[str]:
    """The schema version(s) this code migrates to."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def verify(source: Path) -> dict[str, int]:
    """Check that `source` is a sound Porte-voix database of the current schema; returns row counts.

    Raises BackupError saying what is wrong. Opens the file read-only and changes nothing.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} cannot be opened ({exc})") from None
    try:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a sound SQLite database ({exc})") from None
        if problems != ["ok"]:
            lines = [line for p in problems for line in str(p).splitlines() if not line.startswith("***")]
            raise BackupError(f"{source} is damaged ({len(lines)} problems, first: {'; '.join(lines[:2])})")
        try:
            versions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        except sqlite3.DatabaseError:
            raise BackupError(f"{source} is not a Porte-voix backup (no schema version)") from None
        expected = code_heads()
        if versions != expected:
            raise BackupError(
                f"{source} has schema version {', '.join(sorted(versions)) or 'none'}, "
                f"this Porte-voix expects {', '.join(sorted(expected))}"
            )
        counts = {}
        for table in Base.metadata.sorted_tables:
            present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
            missing = sorted({c.name for c in table.columns} - present)
            if missing:  # (SQLite would read an unknown quoted column as a string literal)
                what = "the table" if not present else f"column(s) {', '.join(missing)}"
                raise BackupError(f"{source} is not of this schema: {table.name} lacks {what}")
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            try:  # every row and column must be readable, not just the page count
                rows = conn.execute(f'SELECT {columns} FROM "{table.name}"').fetchall()
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{source}: table {table.name} cannot be read ({exc})") from None
            counts[table.name] = len(rows)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise BackupError(f"{source} has rows pointing at missing rows (foreign keys)")
        return counts
    finally:
        conn.close()


def restore(engine: Engine, source: Path) -> Path | None:
    """Replace the database's content with the backup in `source`, once it is verified.

    The replaced database is kept beside the live one; returns that file (None for an in-memory one).
    """
    _require_sqlite(engine)
    source = Path(source)
    verify(source)
    live = engine.url.database
    kept = None
    raw = engine.raw_connection()
    try:
        conn = driver_connection(raw)
        if live not in (None, "", ":memory:"):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            kept = Path(live).with_name(f"{Path(live).name}.replaced-{stamp}")
            try:
                _copy(conn, kept)
            except (OSError, sqlite3.Error) as exc:
                kept.unlink(missing_ok=True)
                raise BackupError(
                    f"cannot keep the current database aside at {kept}: {_reason(exc)}"
                ) from None
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.backup(conn)
        except sqlite3.Error as exc:
            raise BackupError(f"restore from {source} failed, nothing changed ({exc})") from None
        finally:
            src.close()
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":  # pragma: no cover - defensive
            raise BackupError(f"the restored database failed its check; the previous one is at {kept}")
    finally:
        raw.close()
    engine.dispose()
    logs.emit(_LOG, logging.WARNING, "restore.done", source=str(source), kept=str(kept) if kept else None)
    return kept
