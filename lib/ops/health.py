"""Readiness: the database answers, its schema is the one this code knows, the secrets are safe.
`python -m lib.cli check` prints one line and exits 0 or 2, for an orchestrator's probe."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lib.core.config import ConfigError, load_settings
from lib.core.db import code_heads, database_revisions, make_engine
from lib.notifications.smtp import load_smtp


def check(database_url: str) -> tuple[bool, str]:
    """(ready, one line saying why)."""
    try:
        load_settings()
        load_smtp()
    except ConfigError as exc:
        return False, f"unsafe or unusable settings: {exc}"
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = database_revisions(conn)
    except SQLAlchemyError as exc:
        return False, f"database unreachable ({type(getattr(exc, 'orig', None) or exc).__name__})"
    finally:
        engine.dispose()
    heads = code_heads()
    if current != heads:
        return False, (
            f"schema not current: the database is at {', '.join(sorted(current)) or 'nothing'}, "
            f"this code at {', '.join(sorted(heads))} (run `python -m lib.cli init`)"
        )
    return True, f"ok: database reachable, schema {', '.join(sorted(heads))}, settings safe"
