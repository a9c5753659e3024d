"""The Account and Administration pages, driven as a person would."""

from datetime import date

from sqlalchemy import func, select

from lib.core import formatting as fmt
from lib.core.db import session_scope
from lib.core.models import User, utcnow
from lib.people import accounts as auth
from lib.people import organisation as org
from tests.apptest.conftest import signed_in, texts, written
from tests.conftest import PASSWORD


def open_page(username: str, page: str, tab: str | None = None):
    """Sign in, open the page and, if given, its Administration tab `tab` (users, create, manage,
    audit: only the open tab runs)."""
    at = signed_in(username)
    at.switch_page(f"pages/{page}.py").run()
    if tab:
        at.session_state["admin_tab"] = tab
        at.run()
    return at


def test_account_password_change(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "account")
    form = at.text_input
    form[0].input("wrong current password")
    form[1].input("a new long passphrase")
    form[2].input("a new long passphrase")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "Current password: is not correct." in texts(at)

    at.text_input[0].input(PASSWORD)
    at.text_input[1].input("a new long passphrase")
    at.text_input[2].input("different passphrase!")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "The two passwords differ." in texts(at)

    at.text_input[0].input(PASSWORD)
    at.text_input[1].input("a new long passphrase")
    at.text_input[2].input("a new long passphrase")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "Password changed" in texts(at)
    with session_scope(app_engine) as session:
        assert auth.check_login(session, "emma", "a new long passphrase")


def test_account_password_over_72_bytes_is_explained(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "account")
    at.text_input[0].input(PASSWORD)
    at.text_input[1].input("é" * 40)
    at.text_input[2].input("é" * 40)
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "longer than 72 bytes" in texts(at)


def test_logout_clears_the_whole_session(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("emma", "account")
    at.session_state["scratch"] = "something from this session"
    at.button(key="account_logout").click().run()
    assert "scratch" not in at.session_state
    assert "actor" not in at.session_state
    with session_scope(app_engine) as session:
        user = session.get(User, emma.id)
        assert not auth.cookie_still_valid(session, "emma", user.sessions_valid_after.replace(microsecond=0))


def test_admin_lists_and_filters_accounts(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    add_user("hugo", "hr")
    at = open_page("root", "administration")
    assert "3 accounts, 3 active" in texts(at)
    assert len(at.dataframe[0].value) == 3
    at.text_input(key="admin_filter").input("hug").run()
    assert at.dataframe[0].value["Username"].tolist() == ["hugo"]


def test_admin_creates_an_account_with_a_one_time_password(app_engine, add_user):
    add_user("root", "admin")
    at = open_page("root", "administration", "create")
    at.text_input(key="new_username").input("lea.martin")
    at.text_input(key="new_full_name").input("Léa Martin")
    at.text_input(key="new_email").input("lea.martin@example.com")
    at.button(key="FormSubmitter:create_user-Create").click().run()
    assert "Account **lea.martin** created" in texts(at)
    temporary = at.code[0].value
    with session_scope(app_engine) as session:
        user = auth.find_user(session, "lea.martin")
        assert user.must_change_password and user.roles == ["employee"]
        assert auth.check_login(session, "lea.martin", temporary)


def test_admin_create_with_bad_input_changes_nothing(app_engine, add_user):
    add_user("root", "admin")
    at = open_page("root", "administration", "create")
    at.text_input(key="new_username").input("root")
    at.text_input(key="new_full_name").input("Someone")
    at.text_input(key="new_email").input("not an email")
    at.button(key="FormSubmitter:create_user-Create").click().run()
    shown = texts(at)
    assert "“root” is already taken." in shown and "not a valid e-mail address" in shown
    with session_scope(app_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_admin_changes_roles_deactivates_and_resets(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("root", "administration", "manage")
    at.selectbox(key="admin_pick").select(emma.id).run()
    at.multiselect(key=f"roles_{emma.id}_en").set_value(["employee", "hr"]).run()
    at.button(key="save_roles").click().run()
    assert "Roles saved." in texts(at)
    assert at.button(key="deactivate")  # the page stays on its tab (only the open tab runs)
    at.button(key="deactivate").click().run()
    assert "Deactivate **Emma**?" in texts(at)  # asks first: nothing changed yet
    with session_scope(app_engine) as session:
        assert auth.find_user(session, "emma").is_active
    at.button(key="admin_confirm_deactivate").click().run()
    assert "Account deactivated" in texts(at)
    assert at.button(key="reactivate")  # still on the Manage tab, the same person
    at.button(key="reset_password").click().run()
    assert not at.code and "Reset the password of **Emma**?" in texts(at)
    at.button(key="admin_confirm_reset").click().run()
    temporary = at.code[0].value
    with session_scope(app_engine) as session:
        user = auth.find_user(session, "emma")
        assert user.roles == ["employee", "hr"] and not user.is_active
        assert user.password_hash and auth.verify_password(temporary, user.password_hash)


def test_admin_cannot_remove_the_last_admin_role(app_engine, add_user):
    root = add_user("root", "admin")
    at = open_page("root", "administration", "manage")
    at.selectbox(key="admin_pick").select(root.id).run()
    at.multiselect(key=f"roles_{root.id}_en").set_value(["employee"]).run()
    at.button(key="save_roles").click().run()
    assert "last active administrator" in texts(at)


def test_admin_browses_and_filters_the_audit_trail(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    signed_in("emma", "wrong password here")
    at = open_page("root", "administration", "audit")
    table = at.dataframe[-1].value
    assert {"Signed in (root).", "Account emma created with the roles Employee."} <= set(table["Event"])
    at.selectbox(key="audit_action_en").select("login.failed").run()
    table = at.dataframe[-1].value
    assert table["Event"].tolist() == ["Failed sign-in attempt (emma)."]  # a sentence, not a code
    at.text_input(key="audit_actor").input("nobody-like-this").run()
    assert "No event matches these filters." in texts(at)


def test_reset_asked_then_cancelled_changes_nothing(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("root", "administration", "manage")
    at.selectbox(key="admin_pick").select(emma.id).run()
    at.button(key="reset_password").click().run()
    at.button(key="admin_cancel").click().run()
    assert "Reset the password" not in texts(at) and not at.code
    with session_scope(app_engine) as session:
        assert auth.check_login(session, "emma", PASSWORD)


def test_admin_creates_an_account_with_where_the_person_works(app_engine, add_user):
    root = add_user("root", "admin")
    with session_scope(app_engine) as session:
        sales = org.create_department(session, root, "Sales")
        north = org.create_team(session, root, sales, "North")
    boss = add_user("boss", "employee")
    at = open_page("root", "administration", "create")
    at.text_input(key="new_username").input("lea.martin")
    at.text_input(key="new_full_name").input("Léa Martin")
    at.text_input(key="new_email").input("lea.martin@example.com")
    boxes = {s.label: s for s in at.selectbox}
    boxes["Team"].select(north)  # the department comes with the team
    boxes["Manager"].select(boss.id)
    next(t for t in at.text_input if t.label == "Job title").input("Account manager")
    next(d for d in at.date_input if d.label == "Start date").set_value(date(2026, 11, 2))
    at.button(key="FormSubmitter:create_user-Create").click().run()
    assert "Account **lea.martin** created" in texts(at)
    assert at.text_input(key="new_username")  # still on the Create tab
    with session_scope(app_engine) as session:
        user = auth.find_user(session, "lea.martin")
        assert (user.department_id, user.team_id, user.manager_id) == (sales, north, boss.id)
        assert (user.job_title, user.start_date, user.language) == (
            "Account manager",
            date(2026, 11, 2),
            "en",
        )


def test_a_french_administrator_creates_french_accounts_by_default(app_engine, add_user):
    add_user("root", "admin", language="fr")
    at = open_page("root", "administration", "create")
    assert at.radio[0].value == "fr"
    at.text_input(key="new_username").input("lea.martin")
    at.text_input(key="new_full_name").input("Léa Martin")
    at.text_input(key="new_email").input("lea.martin@example.com")
    at.button(key="FormSubmitter:create_user-Créer").click().run()
    assert at.text_input(key="new_username")  # still on the Create tab
    with session_scope(app_engine) as session:
        assert auth.find_user(session, "lea.martin").language == "fr"


def test_french_tables_write_dates_for_the_language(app_engine, add_user):
    add_user("root", "admin", language="fr")
    at = open_page("root", "administration", "users")
    accounts = at.dataframe[0]
    assert accounts.value["Créé le"][0].date() == utcnow().date()  # the moment itself: sorts as one
    assert written(accounts)["Créé le"].tolist() == [fmt.day(utcnow().date(), "fr")]  # «4 déc. 2026»
    assert accounts.value["Statut"].tolist() == ["Actif"]
    at = open_page("root", "administration", "audit")
    when = written(at.dataframe[-1])["Quand (UTC)"][0]  # the viewer's zone (AppTest has none: UTC)
    assert when.count("/") == 2 and "-" not in when  # «04/12/2026 18:05», not ISO


def test_employee_downloads_own_data(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "account")
    button = at.download_button(key="my_data")
    assert button.label == "My data, machine-readable (JSON)"
    readable = at.download_button(key="my_data_xlsx")
    assert readable.label == "My data, readable (Excel)"
    assert "lang_picker" in at.session_state and not at.radio  # one language picker: the sidebar's


def test_admin_erases_a_person_after_typing_the_username(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("root", "administration", "manage")
    at.selectbox(key="admin_pick").select(emma.id).run()
    assert at.button(key="erase").disabled
    at.text_input(key="erase_confirm").input("emma").run()
    at.button(key="erase").click().run()
    assert "Personal data erased." in texts(at)
    with session_scope(app_engine) as session:
        assert auth.find_user(session, "emma") is None
        assert session.get(User, emma.id).username == f"erased-{emma.id}"
