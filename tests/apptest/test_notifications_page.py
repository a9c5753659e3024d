"""The Notifications page (HR) and the optional e-mails on the Account page."""

from __future__ import annotations

from datetime import timedelta

from lib.core.db import session_scope
from lib.core.models import Notification, utcnow
from lib.notifications import kinds
from tests.apptest.activity_helpers import open_page
from tests.apptest.conftest import signed_in, texts

SAVE = "FormSubmitter:notify_settings_en-Save the settings"


def test_refused_for_employees(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = signed_in("emma")
    at.switch_page("pages/notifications.py").run()
    assert "You do not have access to this page" in texts(at)


def test_says_when_email_is_not_configured(app_engine, add_user, monkeypatch):
    monkeypatch.delenv("PORTE_VOIX_SMTP_HOST", raising=False)
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "notifications")
    assert not at.exception
    assert "E-mail is not configured, so nothing is sent" in texts(at)
    assert at.button(key="notify_test").disabled


def test_a_bad_smtp_setting_is_explained(app_engine, add_user, monkeypatch):
    monkeypatch.setenv("PORTE_VOIX_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("PORTE_VOIX_SMTP_SENDER", "no-at-sign")
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "notifications")
    assert "The e-mail settings are unusable: SMTP sender must be an e-mail address" in texts(at)


def test_hr_switches_a_kind_off_and_bad_timing_changes_nothing(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "notifications")
    at.toggle(key="on_training_assigned").set_value(False)
    at.text_input(key="timing_certification_expiring").input("30, 7")
    at.button(key=SAVE).click().run()
    assert "Notification settings saved." in texts(at)
    with session_scope(app_engine, write=False) as session:
        chosen = kinds.choices(session)
    assert not chosen["training_assigned"].enabled and chosen["certification_expiring"].timing == (30, 7)

    at.text_input(key="timing_training_due_soon").input("soon")
    at.text_input(key="contacts_*").input("desk@example.com, nope")
    at.button(key=SAVE).click().run()
    assert "Training due soon: enter whole numbers" in texts(at)
    at.text_input(key="timing_training_due_soon").input("500")
    at.button(key=SAVE).click().run()
    assert "Timing must be whole numbers from 1 to 60." in texts(at)
    with session_scope(app_engine, write=False) as session:
        assert kinds.choices(session) == chosen and kinds.signal_contacts(session) == {}


def test_preview_shows_both_languages(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "notifications")
    at.selectbox(key="preview_en").set_value("certification_expiring").run()
    shown = "\n".join(t.value for t in at.text)
    assert "Your certification is valid until 5\u00a0January\u00a02027" in shown
    assert "Votre certification est valable jusqu’au 5\u00a0janvier\u00a02027" in shown


def test_the_log_lists_and_exports_what_was_sent(app_engine, add_user):
    add_user("root", "admin")
    hugo = add_user("hugo", "hr")
    now = utcnow()
    with session_scope(app_engine) as session:
        for i, status in enumerate(["sent", "failed"]):
            session.add(
                Notification(
                    dedupe_key=f"k{i}",
                    kind="training_overdue",
                    user_id=hugo.id,
                    recipient="h@example.com",
                    language="en",
                    subject=f"Subject {i}",
                    status=status,
                    attempts=1,
                    last_error="server answered 451" if status == "failed" else None,
                    created_at=now - timedelta(hours=i),
                    updated_at=now,
                )
            )
    at = open_page("hugo", "notifications")
    assert "1 e-mail(s) failed in the last 7 days" in texts(at)
    [table] = at.dataframe
    assert list(table.value["Subject"]) == ["Subject 0", "Subject 1"]
    assert list(table.value["Status"]) == ["Sent", "Failed"]
    at.multiselect(key="log_status_en").set_value(["failed"]).run()
    assert list(at.dataframe[0].value["Last error"]) == ["server answered 451"]
    assert any(b.proto.label == "CSV" or "CSV" in b.proto.label for b in at.get("download_button"))


def test_people_switch_optional_emails_off_on_their_account(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("emma", "account")
    assert [c.key for c in at.checkbox if c.key.startswith("mine_")] == [
        "mine_manager_summary",
        "mine_signal_resolved",
        "mine_executive_digest",
    ]
    at.checkbox(key="mine_executive_digest").uncheck()
    at.button(key="FormSubmitter:my_emails-Save my e-mail choices").click().run()
    assert "Your e-mail choices are saved." in texts(at)
    with session_scope(app_engine, write=False) as session:
        assert kinds.opted_out(session, emma.id) == {"executive_digest"}
