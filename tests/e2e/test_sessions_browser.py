"""The live part of the leadership overview reruns on its own every 15 s: each of those runs checks
the person again (issue 10, item 6). An executive demoted, or deactivated, while the page is open
stops seeing the figures without reloading."""

from lib.core.db import make_engine, session_scope
from lib.core.permissions import Actor
from lib.people import accounts as auth
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in

LIVE_RUN = 45_000  # ms: at least two of the fragment's 15-second runs


def _account(url: str, username: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        user = auth.find_user(session, username)
        if user is None:
            user, _ = auth.create_user(
                session,
                Actor.command_line(),
                username=username,
                full_name=username.title(),
                email=f"{username}@example.com",
                roles=["executive"],
                password=PASSWORD,
            )
        auth.set_active(session, Actor.command_line(), user.id, True)
        auth.set_roles(session, Actor.command_line(), user.id, ["executive"])
        user_id = user.id
    engine.dispose()
    return user_id


def _change(url: str, fn, *args) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        fn(session, Actor.command_line(), *args)
    engine.dispose()


def _open_overview(page, server, username: str) -> None:
    sign_in(page, server["base"], username, path="leadership_overview")
    page.get_by_role("heading", name="Leadership overview").wait_for()
    page.locator('[data-testid="stMetric"]').or_(page.get_by_text("Nothing to show yet")).first.wait_for()


def test_a_demoted_executive_stops_seeing_the_live_figures(server, page):
    user_id = _account(server["url"], "demoted.exec")
    _open_overview(page, server, "demoted.exec")
    _change(server["url"], auth.set_roles, user_id, ["employee"])
    page.get_by_text("You do not have access to this page").wait_for(timeout=LIVE_RUN)
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_a_deactivated_executive_is_signed_out_by_the_live_part(server, page):
    user_id = _account(server["url"], "leaving.exec")
    _open_overview(page, server, "leaving.exec")
    _change(server["url"], auth.set_active, user_id, False)
    page.get_by_role("button", name="Sign in").first.wait_for(timeout=LIVE_RUN)
    assert page.locator('[data-testid="stMetric"]').count() == 0
