"""Remember-me cookies: honoured while valid, refused once revoked, forged or expired."""

import time

import jwt
import pytest

from lib.core.config import load_settings
from tests.e2e.conftest import COOKIE, press, settle, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:The HMAC key is:jwt.warnings.InsecureKeyLengthWarning"),
]


def cookie_for(base: str, value: str) -> dict:
    return {"name": COOKIE, "value": value, "url": base}


def opens_signed_in(browser, base: str, value: str) -> bool:
    context = browser.new_context()
    context.add_cookies([cookie_for(base, value)])
    page = context.new_page()
    page.goto(base)
    sign_out = page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out")
    sign_out.or_(page.get_by_role("textbox", name="Password")).first.wait_for()  # either outcome
    settle(page)
    signed_in = sign_out.count() > 0
    context.close()
    return signed_in


def test_cookie_is_honoured_then_revoked_by_sign_out(server, page, browser):
    sign_in(page, server["base"], "emma")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    assert opens_signed_in(browser, server["base"], token)
    press(page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out"))
    page.get_by_role("button", name="Sign in").first.wait_for()
    assert not opens_signed_in(browser, server["base"], token)


@pytest.mark.parametrize("key, days", [("some_key", 7), (None, -1)])
def test_forged_or_expired_cookie_is_refused(server, browser, key, days):
    secret = key or load_settings().cookie_key
    token = jwt.encode(
        {"username": "root", "exp_date": time.time() + days * 86400}, secret, algorithm="HS256"
    )
    assert not opens_signed_in(browser, server["base"], token)


def test_an_unreadable_cookie_is_ignored_and_removed(server, browser):
    """Issue 10, item 8: a cookie we could not have issued (alg none, HS512, a kid header...) shows
    the sign-in form, not the crash page, and is removed, so the next load is clean too."""
    from tests.unit.test_auth import _hostile_cookies

    secret = load_settings().cookie_key
    hostile = _hostile_cookies(secret, time.time())  # all of them are read by tests/unit/test_auth.py
    for name in ("alg none", "HS512 with our key", "kid header", "exp_date text"):
        value = hostile[name]
        context = browser.new_context()
        context.add_cookies([cookie_for(server["base"], value)])
        page = context.new_page()
        page.goto(server["base"])
        page.get_by_role("textbox", name="Password").first.wait_for()
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.wait_for_function(f"!document.cookie.includes('{COOKIE}=')")
        page.reload()
        page.get_by_role("textbox", name="Password").first.wait_for()
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        context.close()
