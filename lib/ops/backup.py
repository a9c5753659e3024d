"""Online backup and restore of the SQLite database (PostgreSQL: use pg_dump / pg_restore)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from lib.core.db import is_sqlite

PG_GUIDANCE = (
    'PostgreSQL: back up with `pg_dump --format=custom --file=porte_voix.dump "$DATABASE_URL"` '
    'and restore with `pg_restore --clean --if-exists --dbname="$DATABASE_URL" porte_voix.dump` '
    "(use the URL without the '+psycopg' driver suffix)."
)


class BackupError(ValueError):
    pass


def _require_sqlite(engine: Engine) -> None:
    if not is_sqlite(engine):
        raise BackupError(PG_GUIDANCE)


def backup(engine: Engine, target: Path) -> int:
    """Copy the live database to `target` page by page while others keep writing; returns its size."""
    _require_sqlite(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(target) as dest:
            raw.driver_connection.backup(dest, pages=256)
        dest.close()
    finally:
        raw.close()
    return target.stat().st_size


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with the backup in `source` (checked to be ours first)."""
    _require_sqlite(engine)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
            src.execute("SELECT version_num FROM alembic_version").fetchone()
            raw = engine.raw_connection()
            try:
                src.backup(raw.driver_connection)
            finally:
                raw.close()
        src.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a Porte-voix backup ({exc})") from None
    engine.dispose()
