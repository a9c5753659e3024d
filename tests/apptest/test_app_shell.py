"""The app shell: first administrator, real sign-in form, role-based pages, isolation, direct links."""

import pytest

from lib.core.db import session_scope
from lib.core.i18n import t
from lib.core.permissions import Actor
from lib.core.screens import BY_SLUG, visible_screens
from lib.people import accounts as auth
from tests.apptest.conftest import new_app, sign_in, signed_in, texts
from tests.conftest import PASSWORD


def test_empty_database_offers_first_administrator(app_engine):
    at = new_app().run()
    assert "no account yet" in texts(at)
    at.text_input[0].input("ada")
    at.text_input[1].input("Ada Lovelace")
    at.text_input[2].input("ada@example.com")
    at.text_input[3].input(PASSWORD)
    at.text_input[4].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert "Administrator created" in texts(at)
    sign_in(at, "ada")
    assert at.session_state["actor"].roles == {"admin", "employee"}
    with session_scope(app_engine) as session:
        assert auth.find_user(session, "ada").password_hash.startswith("$2b$")


def test_first_administrator_form_rejects_a_short_password(app_engine):
    at = new_app().run()
    for i, value in enumerate(["ada", "Ada", "ada@example.com", "too short", "too short"]):
        at.text_input[i].input(value)
    at.button[0].click().run()
    assert "at least 12 characters" in texts(at)
    with session_scope(app_engine) as session:
        assert not auth.has_accounts(session)


def test_wrong_password_is_refused_with_a_clear_message(app_engine, add_user):
    add_user("root", "admin")
    at = signed_in("root", "not the password")
    assert "Incorrect username or password" in texts(at)
    assert "actor" not in at.session_state


def places(block, kind: str) -> list[int]:
    return [i for i, element in block.children.items() if element.type == kind]


def test_sign_in_form_keeps_its_place_after_the_first_run(app_engine, add_user):
    """The cookie component is drawn on a session's first run only. Were the form to move, the
    browser would mount it afresh and lose what the person had started typing."""
    add_user("emma", "employee")
    at = new_app().run()
    first = places(at.main, "form")
    at.run()
    assert places(at.main, "form") == first == [first[0]]


def test_sidebar_keeps_its_place_after_the_cookie_is_set(app_engine, add_user):
    """Likewise for the sign-out button, after the run that sets the remember-me cookie."""
    add_user("emma", "employee")
    at = signed_in("emma")
    first = places(at.sidebar, "button")
    at.run()
    assert places(at.sidebar, "button") == first == [first[0]]


@pytest.mark.parametrize(
    "roles",
    [("employee",), ("hr",), ("executive",), ("admin",), ("employee", "hr"), ("executive", "admin")],
)
def test_each_role_sees_exactly_its_pages(app_engine, add_user, roles):
    add_user("root", "admin")
    add_user("someone", *roles)
    at = signed_in("someone")
    expected = [s.slug for s in visible_screens(roles)]
    assert at.session_state["menu"] == expected
    # The default page is the first one of the menu.
    assert at.title[0].value == t(BY_SLUG[expected[0]].title_key)


@pytest.mark.parametrize("page", ["administration", "participation", "leadership_overview"])
def test_a_page_refuses_a_role_it_does_not_allow(app_engine, add_user, page):
    add_user("root", "admin")
    add_user("emma", "employee")
    at = signed_in("emma")
    at.switch_page(f"pages/{page}.py").run()
    assert "You do not have access to this page" in texts(at)
    assert not at.dataframe and not at.text_input


def test_roles_are_read_from_the_database_on_every_run(app_engine, add_user):
    admin = add_user("root", "admin")
    boss = add_user("boss", "executive", "employee")
    at = signed_in("boss")
    at.switch_page("pages/leadership_overview.py").run()
    assert "You do not have access" not in texts(at)
    with session_scope(app_engine) as session:
        auth.set_roles(session, admin, boss.id, ["employee"])
    at.run()
    assert "You do not have access to this page" in texts(at)


def test_deactivated_user_is_signed_out_on_next_run(app_engine, add_user):
    admin = add_user("root", "admin")
    emma = add_user("emma")
    at = signed_in("emma")
    with session_scope(app_engine) as session:
        auth.set_active(session, admin, emma.id, False)
    at.run()
    assert "actor" not in at.session_state
    assert at.button[0].label == "Sign in"


def test_second_session_sees_none_of_the_first(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    first = signed_in("root")
    second = new_app().run()
    assert "actor" not in second.session_state
    assert second.button[0].label == "Sign in"
    assert first.session_state["actor"].username == "root"


def test_temporary_password_must_be_changed_before_anything_else(app_engine, add_user):
    admin = add_user("root", "admin")
    with session_scope(app_engine) as session:
        _, temporary = auth.create_user(
            session,
            admin,
            username="newbie",
            full_name="New Bie",
            email="newbie@example.com",
            roles=["employee"],
        )
    at = signed_in("newbie", temporary)
    assert "Choose your password" in texts(at)
    assert "menu" not in at.session_state
    at.text_input[0].input(temporary)
    at.text_input[1].input("my own long passphrase")
    at.text_input[2].input("my own long passphrase")
    at.button[0].click().run()
    assert at.title[0].value == "Training"
    with session_scope(app_engine) as session:
        assert auth.check_login(session, "newbie", "my own long passphrase")


def test_direct_link_lands_on_the_requested_page_after_sign_in(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    at = new_app()
    at.run()
    at.session_state["requested_page"] = "customer_signals"  # what a direct link records
    sign_in(at, "boss")
    assert at.title[0].value == "Customer signals"


def test_interface_switches_to_french(app_engine, add_user):
    add_user("root", "admin", "employee")
    at = signed_in("root")
    at.switch_page("pages/account.py").run()
    at.segmented_control(key="lang_picker").set_value("fr").run()
    assert at.title[0].value == "Compte"
    with session_scope(app_engine) as session:
        assert auth.find_user(session, "root").language == "fr"
    # The saved language is adopted at the next sign-in.
    again = signed_in("root")
    assert again.title[0].value == "Formation"


def test_a_one_time_password_page_in_the_person_s_language_with_sign_out(app_engine, add_user):
    add_user("root", "admin")
    with session_scope(app_engine) as session:
        user, _ = auth.create_user(
            session,
            Actor.command_line(),
            username="newbie",
            full_name="Newbie",
            email="newbie@example.com",
            roles=["employee"],
            language="fr",
        )
        user.password_hash = auth.hash_password(PASSWORD)
    at = signed_in("newbie")
    assert at.title[0].value == "Choisissez votre mot de passe"
    assert at.segmented_control(key="lang_picker").value == "fr"  # the picker says what the page shows
    assert at.sidebar.button(key="first_change_logout").label == "Se déconnecter"
    for i, value in enumerate([PASSWORD, "a brand new password 2026", "a brand new password 2026"]):
        at.text_input[i].input(value)
    at.button[0].click().run()
    assert "Mot de passe modifié" in texts(at)  # the confirmation, on the first screen
    assert at.title[0].value == "Formation"
    at.sidebar.button(key="sidebar_logout").click().run()
    assert "actor" not in at.session_state
