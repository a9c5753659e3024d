"""The app under `streamlit.testing.v1.AppTest` as a real server runs it, for benchmarks and tests."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import update
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from lib.core.config import ROOT
from lib.core.db import make_engine, session_scope
from lib.core.models import User


class SteadyPagesManager(PagesManager):
    """AppTest resets Streamlit's legacy `pages/` mode before every run; a real server leaves it
    after its first run (see lib.ui.shell._through_the_shell). Run in that steady state."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def steady_navigation() -> None:
    app_test_module.PagesManager = SteadyPagesManager


def signed_in_app(url: str, username: str, timeout: float = 300) -> AppTest:
    """The app on database `url`, its session as right after `username` signed in (and chose their
    own password, which demo accounts must do first), run once, in English."""
    steady_navigation()
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(update(User).where(User.username == username).values(must_change_password=False))
    engine.dispose()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTE_VOIX_COOKIE_KEY", secrets.token_urlsafe(48))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.run()
    at.session_state["lang"] = "en"  # one language throughout (AppTest keeps formatted widget values)
    return at
