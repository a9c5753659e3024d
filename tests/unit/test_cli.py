"""The administration command line, run as a real process on a real database."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from lib.core.config import ROOT
from lib.core.db import make_engine, session_scope
from lib.core.models import Contribution, CustomerSignal, User
from tests.conftest import PASSWORD


def cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def count(url: str, model) -> int:
    with session_scope(make_engine(url), write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("command", ["init", "create-user", "load-demo"])
def test_every_command_has_help(command, sqlite_url):
    result = cli(sqlite_url, command, "--help")
    assert result.returncode == 0 and "usage:" in result.stdout


def test_init_creates_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'pv.db'}"
    result = cli(url, "init")
    assert result.returncode == 0, result.stderr
    assert count(url, User) == 0


def test_create_user_then_refusals_change_nothing(sqlite_url):
    ok = cli(
        sqlite_url,
        "create-user",
        "--username",
        "ada",
        "--name",
        "Ada L",
        "--email",
        "ada@example.com",
        "--role",
        "admin",
        "--role",
        "hr",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0, ok.stderr
    bad = {
        "unknown role": [
            "--username",
            "bob",
            "--name",
            "Bob",
            "--email",
            "bob@example.com",
            "--role",
            "king",
        ],
        "duplicate": ["--username", "ADA", "--name", "Ada", "--email", "other@example.com", "--role", "hr"],
        "email": ["--username", "bob", "--name", "Bob", "--email", "bob-at-example", "--role", "hr"],
    }
    for why, args in bad.items():
        result = cli(sqlite_url, "create-user", *args, "--password-stdin", stdin=PASSWORD + "\n")
        assert result.returncode == 2, why
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    weak = cli(
        sqlite_url,
        "create-user",
        "--username",
        "bob",
        "--name",
        "Bob",
        "--email",
        "bob@example.com",
        "--role",
        "hr",
        "--password-stdin",
        stdin="password\n",
    )
    assert weak.returncode == 2 and "at least 12 characters" in weak.stderr
    assert count(sqlite_url, User) == 1


def test_load_demo_is_deterministic_and_refuses_a_second_load(tmp_path):
    urls = [f"sqlite:///{tmp_path / f'demo{i}.db'}" for i in range(2)]
    for url in urls:
        result = cli(
            url,
            "load-demo",
            "--employees",
            "40",
            "--days",
            "60",
            "--seed",
            "7",
            "--contributions",
            "3000",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert result.returncode == 0, result.stderr
        assert "100%" in result.stderr  # the progress bar
    sums = []
    for url in urls:
        with session_scope(make_engine(url), write=False) as session:
            sums.append(
                session.execute(
                    select(
                        func.count(), func.sum(Contribution.impressions), func.max(Contribution.occurred_on)
                    )
                ).one()
            )
    assert sums[0] == sums[1] and sums[0][0] == 3000
    assert count(urls[0], User) == 40 and count(urls[0], CustomerSignal) > 0
    again = cli(urls[0], "load-demo", "--employees", "40", "--days", "60", "--seed", "7")
    assert again.returncode == 2 and "already holds an organisation" in again.stderr
    assert count(urls[0], Contribution) == 3000


def test_load_demo_without_password_prints_random_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = cli(
        url, "load-demo", "--employees", "20", "--days", "30", "--seed", "1", "--contributions", "100"
    )
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert {line[0] for line in lines} >= {"hr", "executive", "admin", "employee"}
    assert len({line[2] for line in lines}) == len(lines)  # one distinct password each


def test_a_demo_load_killed_half_way_leaves_the_database_empty(engine):
    """kill -9 in the middle of the contributions: not one row of the demo stays behind, so the
    app still offers the first-administrator form, and the load can simply be run again (issue 10, item 3)."""
    import signal

    from lib.core.models import Department, QuizAttempt, UserRole
    from lib.people.accounts import has_accounts

    url = engine.url.render_as_string(hide_password=False)
    args = ["load-demo", "--employees", "300", "--days", "60", "--seed", "3", "--contributions", "60000"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
    )
    seen = b""
    while b"contributions" not in seen:  # people, roles, accounts and training written by now
        chunk = os.read(proc.stderr.fileno(), 4096)
        assert chunk, f"the load ended before it could be killed: {seen[-300:]!r}"
        seen += chunk
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    with session_scope(make_engine(url), write=False) as session:
        left = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (User, UserRole, Department, QuizAttempt, Contribution, CustomerSignal)
        }
        assert not has_accounts(session)
    assert left == dict.fromkeys(left, 0)
    again = cli(url, *args[:-2], "--contributions", "500")
    assert again.returncode == 0, again.stderr
    assert count(url, User) == 300
