"""E-mail notifications against a real SMTP server (aiosmtpd on 127.0.0.1) and real databases."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
from datetime import date, datetime, timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from lib.cli import main
from lib.core.config import ConfigError
from lib.core.db import make_engine, session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import Assignment, Certification, CustomerSignal, Notification, utcnow
from lib.notifications import dispatch, kinds
from lib.notifications.digest import board_report_attachment
from lib.notifications.kinds import Choice
from lib.notifications.smtp import SmtpConfig, load_smtp
from lib.training import catalogue
from tests.conftest import create_account

BASE = "https://porte-voix.example.com"
NOW = datetime(2026, 12, 7, 9, 0)  # a Monday
MODULE = catalogue.load_modules()[0].slug


class Inbox:
    """The messages the server accepted; recipients listed in `refuse` are answered 550."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.config = SmtpConfig("127.0.0.1", controller.port, "none", "porte-voix@example.com")
    yield box
    controller.stop()


def _text(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode("utf-8")


def _html(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode("utf-8")


def _run(engine, inbox, **kw):
    return dispatch.run(engine, inbox.config, BASE, now=NOW, **kw)


@pytest.fixture
def people(engine):
    """A French employee with an assignment due in 3 days, an English one whose certificate
    expires in 5 days, both reporting to a manager."""
    boss = create_account(engine, "manon", "employee", language="fr")
    emma = create_account(engine, "emma", "employee", language="fr", manager_id=boss.id)
    noah = create_account(engine, "noah", "employee", language="en", manager_id=boss.id)
    with session_scope(engine) as session:
        session.add(
            Assignment(
                module_slug=MODULE,
                scope="user",
                user_id=emma.id,
                due_on=NOW.date() + timedelta(days=3),
                created_at=NOW - timedelta(days=1),
            )
        )
        session.add(
            Certification(
                user_id=noah.id,
                policy_version=1,
                modules={},
                issued_at=NOW - timedelta(days=360),
                expires_at=NOW + timedelta(days=5),
            )
        )
    return {"boss": boss, "emma": emma, "noah": noah}


def test_reminders_arrive_once_in_the_recipients_language_with_a_link(engine, inbox, people):
    report = _run(engine, inbox)
    assert not report.failed
    emma = inbox.to("emma@example.com")
    subjects = sorted(m["Subject"] for m in emma)
    assert len(emma) == 2
    assert subjects[0].startswith("Formation à valider d’ici le 10\u00a0décembre\u00a02026\u00a0: ")
    assert subjects[1].startswith("Nouvelle formation pour vous\u00a0: ")
    assert [str(m["Content-Language"]) for m in emma] == ["fr", "fr"]
    assert all(f"{BASE}/training" in _text(m) and f'href="{BASE}/training"' in _html(m) for m in emma)
    assert "Bonjour Emma," in _text(emma[0])
    noah = inbox.to("noah@example.com")
    assert [m["Subject"] for m in noah] == [
        "Your ambassador certification expires on 12\u00a0December\u00a02026"
    ]
    assert "(5 days left)" in _text(noah[0]) and "cannot be switched off" in _text(noah[0])
    # The 7-day reminder, not the 30-day one as well.
    with session_scope(engine, write=False) as session:
        keys = set(
            session.scalars(Notification.__table__.select().with_only_columns(Notification.dedupe_key))
        )
    assert any(k.startswith("certification_expiring:") and k.endswith(":7") for k in keys)
    assert not any(k.endswith(":30") for k in keys)

    count = len(inbox.messages)
    again = _run(engine, inbox)
    assert again.sent == [] and len(inbox.messages) == count


def test_manager_summary_gives_counts_and_never_names(engine, inbox, people):
    _run(engine, inbox)
    [summary] = inbox.to("manon@example.com")
    body = _text(summary)
    assert "1 des personnes" in body and "Emma" not in body and "emma" not in body.lower().split("bonjour")[0]
    assert "Emma" not in _html(summary) and "Noah" not in body


def test_a_kind_switched_off_sends_nothing(engine, inbox, people, admin):
    with session_scope(engine) as session:
        wanted = kinds.choices(session)
        wanted["training_assigned"] = Choice(False, wanted["training_assigned"].timing)
        wanted["training_due_soon"] = Choice(False, wanted["training_due_soon"].timing)
        kinds.set_choices(session, admin, wanted)
    _run(engine, inbox)
    assert inbox.to("emma@example.com") == []
    assert inbox.to("noah@example.com")


def test_bad_settings_change_nothing(engine, people, admin):
    with session_scope(engine) as session:
        before = kinds.choices(session)
        with pytest.raises(ValidationError):
            kinds.set_choices(session, admin, {"training_due_soon": Choice(True, (0,))})
        with pytest.raises(ValidationError):
            kinds.set_signal_contacts(session, admin, {"Sales": "sales@example.com, not-an-address"})
        with pytest.raises(PermissionDenied):
            kinds.set_choices(session, people["emma"], before)
    with session_scope(engine, write=False) as session:
        assert kinds.choices(session) == before and kinds.signal_contacts(session) == {}


def test_a_refused_address_is_retried_and_never_stops_the_others(engine, inbox, people):
    inbox.refuse = {"emma@example.com"}
    report = _run(engine, inbox)
    assert len(report.failed) == 2 and all("550" in reason for _, reason in report.failed)
    assert inbox.to("noah@example.com") and not inbox.to("emma@example.com")
    inbox.refuse = set()
    retry = _run(engine, inbox)
    assert {d.recipient for d in retry.sent} == {"emma@example.com"} and len(
        inbox.to("emma@example.com")
    ) == 2
    with session_scope(engine, write=False) as session:
        rows = session.scalars(
            Notification.__table__.select()
            .with_only_columns(Notification.attempts)
            .where(Notification.recipient == "emma@example.com")
        ).all()
    assert rows == [2, 2]


def test_a_server_down_fails_every_message_then_the_next_run_sends_them(engine, inbox, people):
    down = SmtpConfig("127.0.0.1", _free_port(), "none", "porte-voix@example.com")
    report = dispatch.run(engine, down, BASE, now=NOW)
    assert report.sent == [] and report.failed and all("unreachable" in r for _, r in report.failed)
    later = _run(engine, inbox)
    assert len(later.sent) == len(report.failed) and len(inbox.messages) == len(report.failed)


def test_a_dry_run_writes_and_sends_nothing(engine, inbox, people):
    report = _run(engine, inbox, dry_run=True)
    assert {d.kind for d in report.sent} >= {
        "training_assigned",
        "training_due_soon",
        "certification_expiring",
    }
    assert inbox.messages == []
    with session_scope(engine, write=False) as session:
        assert session.query(Notification).count() == 0


def test_two_runs_at_once_send_each_message_once(engine, inbox, people):
    results = []
    threads = [threading.Thread(target=lambda: results.append(_run(engine, inbox))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [(m["To"], m["Subject"]) for m in inbox.messages]
    assert len(keys) == len(set(keys)) == 4  # two for Emma, one for Noah, Manon's summary
    assert len(results) == 2, "a run crashed (the lock row's first insert raced)"


def test_signals_go_to_the_team_contacts_and_back_to_the_reporter(engine, inbox, admin):
    emma = create_account(engine, "emma", "employee", language="fr")
    with session_scope(engine) as session:
        kinds.set_signal_contacts(session, admin, {"Sales": "sales@example.com", "*": "desk@example.com"})
        common = {
            "reporter_id": emma.id,
            "category": "price",
            "description": "d",
            "reported_at": NOW - timedelta(days=2),
        }
        session.add(
            CustomerSignal(
                signal_type="loss",
                customer_name="Acme",
                status="new",
                owner_team="Sales",
                ack_due_at=NOW - timedelta(hours=5),
                **common,
            )
        )
        session.add(
            CustomerSignal(
                signal_type="win",
                customer_name="Globex",
                status="new",
                ack_due_at=NOW - timedelta(hours=1),
                **common,
            )
        )
        session.add(
            CustomerSignal(
                signal_type="win",
                customer_name="Initech",
                status="resolved",
                resolution="won",
                ack_due_at=NOW,
                resolved_at=NOW - timedelta(days=1),
                **common,
            )
        )
    _run(engine, inbox)
    [sales] = inbox.to("sales@example.com")
    assert "Acme" in _text(sales) and "5 h" in _text(sales)
    [desk] = inbox.to("desk@example.com")
    assert "Globex" in _text(desk)
    [resolved] = inbox.to("emma@example.com")
    assert resolved["Subject"].startswith("Votre signal client n°") and "Initech" in _text(resolved)


def test_executives_get_the_monthly_digest_with_the_board_report_unless_they_opt_out(engine, inbox):
    create_account(engine, "ceo", "executive")
    cfo = create_account(engine, "cfo", "executive", language="fr")
    with session_scope(engine) as session:
        kinds.set_opt_outs(session, cfo, cfo.id, {"executive_digest"})
        with pytest.raises(ValidationError):
            kinds.set_opt_outs(session, cfo, cfo.id, {"certification_expired"})
    dispatch.run(
        engine, inbox.config, BASE, now=NOW, attachment_for=lambda d: board_report_attachment(engine, d)
    )
    [digest] = inbox.to("ceo@example.com")
    assert digest["Subject"] == "Porte-voix: the month of November\u00a02026"
    [attachment] = [p for p in digest.walk() if p.get_filename()]
    assert attachment.get_filename() == "porte-voix_board_report_2026-11-01_2026-11-30.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF")
    assert inbox.to("cfo@example.com") == []


def test_smtp_settings_are_checked(monkeypatch):
    for name in ("HOST", "PORT", "SECURITY", "SENDER", "USER", "PASSWORD"):
        monkeypatch.delenv(f"PORTE_VOIX_SMTP_{name}", raising=False)
    monkeypatch.setattr("lib.notifications.smtp.secrets_section", lambda name: {})
    assert load_smtp() is None
    monkeypatch.setenv("PORTE_VOIX_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("PORTE_VOIX_SMTP_SENDER", "porte-voix@example.com")
    assert load_smtp() == SmtpConfig("mail.example.com", 587, "starttls", "porte-voix@example.com")
    for name, value, words in [
        ("PORT", "99999", "port"),
        ("SECURITY", "ssl3", "security"),
        ("SENDER", "nobody", "sender"),
        ("USER", "bot", "together"),
    ]:
        monkeypatch.setenv(f"PORTE_VOIX_SMTP_{name}", value)
        with pytest.raises(ConfigError, match=words):
            load_smtp()
        monkeypatch.delenv(f"PORTE_VOIX_SMTP_{name}")
        if name == "SENDER":
            monkeypatch.setenv("PORTE_VOIX_SMTP_SENDER", "porte-voix@example.com")


def test_erasure_forgets_the_address(engine, inbox, people, admin):
    _run(engine, inbox)
    from lib.people import privacy

    with session_scope(engine) as session:
        privacy.erase(session, admin, people["emma"].id)
    with session_scope(engine, write=False) as session:
        recipients = set(
            session.scalars(Notification.__table__.select().with_only_columns(Notification.recipient))
        )
    assert "emma@example.com" not in recipients


def test_an_old_backlog_is_not_sent(engine, inbox):
    emma = create_account(engine, "emma", "employee")
    with session_scope(engine) as session:
        session.add(
            Assignment(
                module_slug=MODULE,
                scope="user",
                user_id=emma.id,
                due_on=date(2025, 1, 1),
                created_at=datetime(2024, 12, 1),
            )
        )
    assert _run(engine, inbox).sent == []


@pytest.fixture
def cli(monkeypatch, capsys):
    """`python -m lib.cli send-notifications ...` in this process: (status, stdout, stderr)."""

    def run(url: str, *args: str, **env: str):
        for name in [k for k in os.environ if k.startswith("PORTE_VOIX_SMTP_")]:
            monkeypatch.delenv(name)
        for name, value in {"DATABASE_URL": url, "PORTE_VOIX_BASE_URL": BASE, **env}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr("lib.notifications.smtp.secrets_section", lambda name: {})
        status = main(["send-notifications", *args])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


def test_the_scheduler_command_sends_once_and_refuses_bad_settings(sqlite_url, inbox, cli):
    engine = make_engine(sqlite_url)
    emma = create_account(engine, "emma", "employee")
    with session_scope(engine) as session:
        session.add(
            Assignment(
                module_slug=MODULE, scope="user", user_id=emma.id, due_on=utcnow().date() + timedelta(days=3)
            )
        )
    smtp = {
        "PORTE_VOIX_SMTP_HOST": "127.0.0.1",
        "PORTE_VOIX_SMTP_PORT": str(inbox.config.port),
        "PORTE_VOIX_SMTP_SECURITY": "none",
        "PORTE_VOIX_SMTP_SENDER": "porte-voix@example.com",
    }

    dry = cli(sqlite_url, "--dry-run")
    assert dry[0] == 0 and "would send" in dry[1] and "training_due_soon" in dry[1]
    assert inbox.messages == []

    unconfigured = cli(sqlite_url)
    assert unconfigured[0] == 2 and unconfigured[2].count("\n") == 1 and "not configured" in unconfigured[2]
    bad = cli(sqlite_url, **{**smtp, "PORTE_VOIX_SMTP_PORT": "twenty-five"})
    assert bad[0] == 2 and bad[2].startswith("error: SMTP port") and bad[2].count("\n") == 1

    first = cli(sqlite_url, **smtp)
    assert first[0] == 0 and "2 sent, 0 failed" in first[1], first[2]
    assert sorted(m["Subject"].split(" ")[0] for m in inbox.messages) == ["New", "Training"]
    second = cli(sqlite_url, **smtp)
    assert second[0] == 0 and "0 sent, 0 failed" in second[1] and len(inbox.messages) == 2
    engine.dispose()
