"""Shared fixtures: real databases (a migrated SQLite file per test; PostgreSQL when
TEST_DATABASE_URL is set), actors, and helpers to create accounts."""

from __future__ import annotations

import os
import secrets
import shutil

import pytest
from sqlalchemy import create_engine, make_url, text

os.environ.setdefault("PORTE_VOIX_COOKIE_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("PORTE_VOIX_BCRYPT_ROUNDS", "4")

from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Base
from lib.core.permissions import Actor
from lib.people import accounts as auth
from lib.training.catalogue import sync_catalogue

PG_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(engine) as session:
        sync_catalogue(session)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    """A fresh, migrated SQLite database file for one test."""
    path = tmp_path / "porte_voix.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_url():
    """A PostgreSQL database of this test process's own (so parallel workers and runs never
    collide), created on the server of TEST_DATABASE_URL and dropped at the end."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _truncate(engine) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    with session_scope(engine) as session:
        sync_catalogue(session)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, sqlite_url):
    """The project's engine on each supported database, freshly migrated and empty."""
    if request.param == "sqlite":
        eng = make_engine(sqlite_url)
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("pg_engine")
        _truncate(eng)
        yield eng


def create_account(engine, username: str, *roles: str, **profile) -> Actor:
    """Create an account with the known test password (default role: employee); returns its Actor."""
    with session_scope(engine) as session:
        user, _ = auth.create_user(
            session,
            Actor.command_line(),
            username=username,
            full_name=username.title(),
            email=f"{username}@example.com",
            roles=list(roles) or ["employee"],
            password=PASSWORD,
            **profile,
        )
        return Actor.of(user)


@pytest.fixture
def make_user(engine):
    """`create_account` on the test's database."""
    return lambda username, *roles, **profile: create_account(engine, username, *roles, **profile)


@pytest.fixture
def admin(make_user) -> Actor:
    return make_user("root", "admin", "employee")
