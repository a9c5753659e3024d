"""Ending a person's sessions elsewhere ends every open one at its next run (issue 10, item 5):
sign-out in another browser, a password change; on every screen."""

from lib.core.db import session_scope
from lib.core.screens import SCREENS
from lib.people import accounts as auth
from tests.apptest.conftest import signed_in
from tests.conftest import PASSWORD

ROLES = ("admin", "employee", "hr", "executive")  # every screen open to this person


def signed_out(at) -> bool:
    return "actor" not in at.session_state and at.button[0].label == "Sign in" and not at.exception


def test_open_sessions_end_when_the_person_signs_out_or_changes_password_elsewhere(app_engine, add_user):
    add_user("root", "admin")
    boss = add_user("boss", *ROLES)
    password, other = PASSWORD, "another long passphrase"
    surviving, tried = [], 0
    for screen in SCREENS:
        for event in ("sign-out elsewhere", "password change elsewhere"):
            a = signed_in("boss", password)
            a.switch_page(screen.path).run()
            assert a.session_state["actor"].username == "boss" and not a.exception, screen.slug
            if event == "sign-out elsewhere":
                b = signed_in("boss", password)
                b.button(key="sidebar_logout").click().run()
                assert signed_out(b)
            else:
                with session_scope(app_engine) as session:
                    auth.change_password(session, boss, current=password, new=other)
                password, other = other, password
            a.run()
            tried += 1
            if not signed_out(a):
                surviving.append((screen.slug, event))
    print(f"open sessions surviving sign-out elsewhere: {len(surviving)} of {tried}")
    assert surviving == []


def test_changing_ones_own_password_keeps_this_session(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = signed_in("emma")
    at.switch_page("pages/account.py").run()
    inputs = [w for w in at.text_input if w.proto.type == w.proto.PASSWORD]
    inputs[0].input(PASSWORD)
    inputs[1].input("my own long passphrase")
    inputs[2].input("my own long passphrase")
    [button] = [b for b in at.button if b.label == "Change password"]
    button.click().run()
    assert "actor" in at.session_state and "Password changed" in str([s.value for s in at.success])
    at.run()
    assert at.session_state["actor"].username == "emma"
