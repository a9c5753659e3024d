"""Helpers shared by the page tests of ambassador activity (contributions, signals, content)."""

from sqlalchemy import select

from lib.core.db import session_scope
from tests.apptest.conftest import signed_in


def open_page(username: str, page: str, tab: str | None = None):
    """Sign in, open `pages/<page>.py` and, if given, its tab labelled `tab` (the page's tabs
    are keyed `<page>_tabs`)."""
    at = signed_in(username)
    at.switch_page(f"pages/{page}.py").run()
    if tab:
        at.session_state[TABS[page]] = tab
        at.run()
    return at


TABS = {
    "my_contributions": "contrib_tabs",
    "customer_signals": "signals_tabs",
    "content_library": "library_tabs",
}


def rows(engine, model) -> list:
    """Every row of `model`'s table, as plain tuples with attribute access, in id order."""
    with session_scope(engine, write=False) as session:
        return session.execute(select(model.__table__).order_by(model.id)).all()
