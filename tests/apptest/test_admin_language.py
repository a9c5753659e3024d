"""Switching the interface language keeps the Administration page working (translated options)."""

from tests.apptest.test_account_admin import open_page


def test_administration_survives_a_language_switch(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("root", "administration", "manage")
    at.selectbox(key="admin_pick").select(emma.id).run()
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Administration"
    assert at.multiselect(key=f"roles_{emma.id}_fr").value == ["employee"]
    assert "Collaborateur" in at.multiselect(key=f"roles_{emma.id}_fr").options
