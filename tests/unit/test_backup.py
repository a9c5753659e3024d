"""Online backup under concurrent writes, and restore to an identical database."""

import os
import sqlite3
import threading
from pathlib import Path

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


# --- restore refuses a damaged or foreign backup (issue 10, item 1) ------------------------------


def _filled(sqlite_url, rows: int = 3000):
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        session.execute(
            insert(AuditEvent),
            [
                {"actor": "filler", "action": "test", "details": {"n": i, "pad": "x" * 300}}
                for i in range(rows)
            ],
        )
    return engine


def _overwrite(path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def _corruptions(path):
    """Ways a backup file goes bad: each a function that damages the file at `path`."""
    import random
    import sqlite3

    size = path.stat().st_size
    middle = size // 2 - 100_000
    rng = random.Random(10)

    def schema(sql):
        def damage(p):
            with sqlite3.connect(p) as conn:
                conn.execute(sql)
            conn.close()

        return damage

    return {
        "random 200 kB in the middle": lambda p: _overwrite(p, middle, rng.randbytes(200_000)),
        "zeros 200 kB in the middle": lambda p: _overwrite(p, middle, bytes(200_000)),
        "random 200 kB near the start": lambda p: _overwrite(p, 8192, rng.randbytes(200_000)),
        "one page of random bytes": lambda p: _overwrite(p, size - 8192, rng.randbytes(4096)),
        "header destroyed": lambda p: _overwrite(p, 0, b"\0" * 100),
        "truncated to half": lambda p: open(p, "r+b").truncate(size // 2),
        "truncated to 1 kB": lambda p: open(p, "r+b").truncate(1024),
        "older schema version": schema("UPDATE alembic_version SET version_num = '0001'"),
        "no schema version": schema("DROP TABLE alembic_version"),
        "a table missing": schema("DROP TABLE audit_events"),
        "a column missing": schema("ALTER TABLE audit_events DROP COLUMN details"),
        "not a database": lambda p: p.write_bytes(b"not a database at all" * 10_000),
    }


def test_restore_refuses_every_damaged_backup_and_leaves_the_live_database_intact(sqlite_url, tmp_path):
    engine = _filled(sqlite_url)
    good = tmp_path / "good.db"
    backup(engine, good)
    assert good.stat().st_size > 1_000_000
    expected = dump(engine)
    live = Path(engine.url.database)
    restored = []
    cases = _corruptions(good)
    for name, damage in cases.items():
        bad = tmp_path / f"bad-{len(restored)}-{name.replace(' ', '_')}.db"
        bad.write_bytes(good.read_bytes())
        damage(bad)
        try:
            restore(engine, bad)
            restored.append(name)
        except BackupError:
            pass
        with sqlite3.connect(live) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", name
        conn.close()
        assert dump(engine) == expected, name
    assert not list(live.parent.glob(f"{live.name}.replaced-*")), "nothing set aside when nothing restored"
    print(f"corrupted backups restored: {len(restored)} of {len(cases)}")
    assert restored == []


def test_restore_keeps_the_replaced_database_aside(sqlite_url, tmp_path):
    engine = _filled(sqlite_url, rows=10)
    backup(engine, tmp_path / "b.db")
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_events WHERE details LIKE '%\"n\": 3%'"))
    before = dump(engine)
    kept = restore(engine, tmp_path / "b.db")
    assert kept is not None and kept.name.startswith("porte_voix.db.replaced-")
    assert dump(make_engine(f"sqlite:///{kept}")) == before
    assert dump(engine) != before


def test_restore_while_the_app_reads_and_writes(sqlite_url, tmp_path):
    """Restore through the backup API while another connection keeps working: no error, a sound
    database with the backup's content at the end."""
    engine = _filled(sqlite_url, rows=500)
    backup(engine, tmp_path / "b.db")
    saved = dump(make_engine(f"sqlite:///{tmp_path / 'b.db'}"))
    other = make_engine(sqlite_url)
    stop, errors = threading.Event(), []

    def reader():
        while not stop.is_set():
            try:
                with session_scope(other, write=False) as session:
                    session.scalar(select(func.count()).select_from(AuditEvent))
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        restore(engine, tmp_path / "b.db")
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert dump(engine) == saved


def test_cli_restore_of_a_damaged_backup_is_one_line_and_status_2(sqlite_url, tmp_path):
    engine = _filled(sqlite_url)
    target = tmp_path / "b.db"
    backup(engine, target)
    _overwrite(target, target.stat().st_size // 2 - 100_000, bytes(200_000))
    result = cli(sqlite_url, "restore", "--from", str(target))
    assert result.returncode == 2 and "Database restored" not in result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3000


def test_cli_backup_to_an_unwritable_place_is_one_line_and_status_2(sqlite_url, tmp_path):
    (tmp_path / "a_file").write_text("x")
    targets = [tmp_path / "a_file" / "b.db", Path("/proc/porte_voix_b.db"), Path("/proc/sub/b.db")]
    if os.geteuid() != 0:  # root writes through permissions
        (tmp_path / "locked").mkdir(mode=0o500)
        targets.append(tmp_path / "locked" / "b.db")
    for target in targets:
        result = cli(sqlite_url, "backup", "--to", str(target))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith("error: cannot write the backup"), result.stderr
        assert not target.exists()
