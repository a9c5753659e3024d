"""AppTest helpers: the real app on a fresh database, signed in through the real form."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from bench.apptest import SteadyPagesManager
from lib.core.config import ROOT
from lib.core.db import make_engine
from tests.conftest import PASSWORD, create_account

TIMEOUT = 60


@pytest.fixture(autouse=True)
def steady_navigation(monkeypatch):
    """Every page test runs Streamlit's navigation as a real server does after its first run."""
    monkeypatch.setattr(app_test_module, "PagesManager", SteadyPagesManager)


@pytest.fixture
def app_engine(sqlite_url, monkeypatch):
    """The database the app under test uses (DATABASE_URL points at it)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def add_user(app_engine):
    """`create_account` on the app's database."""
    return lambda username, *roles, **profile: create_account(app_engine, username, *roles, **profile)


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the real sign-in form."""
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def signed_in(username: str, password: str = PASSWORD) -> AppTest:
    return sign_in(new_app().run(), username, password)


def written(table) -> pd.DataFrame:
    """A shown table's cells as the reader sees them (its Styler's display values), where
    `table.value` keeps the values the table sorts on."""
    return convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, titles, alerts, captions)."""
    parts = [
        e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in getattr(at, kind)
    ]
    parts += [e.value for kind in ("error", "info", "success", "warning") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)
