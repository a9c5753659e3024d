"""Online backup under concurrent writes, and restore to an identical database."""

import threading

import pytest
from sqlalchemy import func, insert, select, text

from lib.core.db import make_engine, session_scope
from lib.core.models import AuditEvent, Base
from lib.core.permissions import Actor
from lib.ops.backup import BackupError, backup, restore
from lib.people import accounts as auth
from tests.conftest import PASSWORD
from tests.unit.test_cli import cli


def dump(engine) -> dict:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(t).order_by(*t.primary_key.columns)).all()
            for t in Base.metadata.sorted_tables
        }


def test_backup_while_writing_then_restore_is_identical(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        auth.create_user(
            session,
            Actor.command_line(),
            username="root",
            full_name="Root",
            email="root@example.com",
            roles=["admin"],
            password=PASSWORD,
        )
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with session_scope(engine) as session:
                session.execute(insert(AuditEvent).values(actor="writer", action="test", details={}))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup(engine, tmp_path / "backup.db")
    finally:
        stop.set()
        thread.join()
    saved = dump(make_engine(f"sqlite:///{tmp_path / 'backup.db'}"))
    assert saved["users"] and saved["audit_events"]
    with session_scope(engine) as session:  # diverge after the backup
        session.execute(text("DELETE FROM user_roles"))
    restore(engine, tmp_path / "backup.db")
    assert dump(engine) == saved


def test_backup_refuses_to_overwrite_and_restore_refuses_foreign_files(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    (tmp_path / "exists.db").write_bytes(b"")
    with pytest.raises(BackupError):
        backup(engine, tmp_path / "exists.db")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        restore(engine, tmp_path / "junk.db")
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_cli_backup_and_restore(sqlite_url, tmp_path):
    target = tmp_path / "b.db"
    assert cli(sqlite_url, "backup", "--to", str(target)).returncode == 0
    result = cli(sqlite_url, "restore", "--from", str(target))
    assert result.returncode == 0, result.stderr
    pg = cli("postgresql+psycopg://nobody@127.0.0.1:1/none", "backup", "--to", str(tmp_path / "x"))
    assert pg.returncode == 2 and "pg_dump" in pg.stderr
