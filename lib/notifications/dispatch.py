"""Sending what is due: under a database lock (one run at a time, whatever the replica), each
message is claimed by inserting its row (unique key) before it goes out, then marked sent or
failed. A failed message is retried on the next run, up to MAX_ATTEMPTS; one failure never stops
the others. A dry run writes nothing."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lib.core.db import rowcount, session_scope
from lib.core.i18n import t
from lib.core.models import JobLock, Notification, utcnow
from lib.core.permissions import Actor
from lib.notifications import messages
from lib.notifications.due import Due, due_now
from lib.notifications.smtp import Mailer, SmtpConfig, describe

log = logging.getLogger(__name__)
LOCK = "send-notifications"
LOCK_MINUTES = 30
MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=30)  # a claim left by a run that died while sending

Attachment = tuple[str, str, bytes]


@dataclass
class RunReport:
    """What one run did (or, dry, would do)."""

    sent: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)
    skipped_locked: bool = False


@contextmanager
def job_lock(engine: Engine, name: str, now: datetime) -> Iterator[bool]:
    """Hold the named lock for this block; yields False when another process holds it."""
    me = f"{socket.gethostname()}:{os.getpid()}"[:64]
    try:
        with session_scope(engine) as session:
            if session.get(JobLock, name) is None:
                session.add(JobLock(name=name, holder=None, expires_at=now))
        with session_scope(engine) as session:
            taken = rowcount(
                session.execute(
                    update(JobLock)
                    .where(JobLock.name == name, JobLock.expires_at <= now)
                    .values(holder=me, expires_at=now + timedelta(minutes=LOCK_MINUTES))
                )
            )
    except IntegrityError:  # a concurrent first insert of the lock row
        taken = 0
    try:
        yield bool(taken)
    finally:
        if taken:
            with session_scope(engine) as session:
                session.execute(
                    update(JobLock)
                    .where(JobLock.name == name, JobLock.holder == me)
                    .values(expires_at=utcnow())
                )


def _claim(engine: Engine, due: Due, subject: str, now: datetime) -> bool:
    """Take the message for this run: a new row, or a failed / abandoned one to retry."""
    try:
        with session_scope(engine) as session:
            row = session.scalars(select(Notification).where(Notification.dedupe_key == due.key)).first()
            if row is None:
                session.execute(
                    insert(Notification).values(
                        dedupe_key=due.key,
                        kind=due.kind,
                        user_id=due.user_id,
                        recipient=due.recipient,
                        language=due.language,
                        subject=subject[:300],
                        status="sending",
                        attempts=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return True
            retry = row.status == "failed" and row.attempts < MAX_ATTEMPTS
            abandoned = row.status == "sending" and row.updated_at < now - STALE_SENDING
            if not (retry or abandoned):
                return False
            return bool(
                rowcount(
                    session.execute(
                        update(Notification)
                        .where(Notification.id == row.id, Notification.updated_at == row.updated_at)
                        .values(status="sending", attempts=row.attempts + 1, updated_at=now, last_error=None)
                    )
                )
            )
    except IntegrityError:  # claimed by another process at the same instant
        return False


def _finish(engine: Engine, due: Due, error: str | None) -> None:
    now = utcnow()
    values = {"status": "failed", "last_error": error[:500]} if error else {"status": "sent", "sent_at": now}
    with session_scope(engine) as session:
        session.execute(
            update(Notification).where(Notification.dedupe_key == due.key).values(updated_at=now, **values)
        )


def _pending(engine: Engine, due: list[Due]) -> list[Due]:
    """The due messages not sent yet (nor given up after MAX_ATTEMPTS)."""
    with session_scope(engine, write=False) as session:
        done = set(
            session.scalars(
                select(Notification.dedupe_key).where(
                    (Notification.status == "sent") | (Notification.attempts >= MAX_ATTEMPTS)
                )
            )
        )
    return [d for d in due if d.key not in done]


def run(
    engine: Engine,
    config: SmtpConfig | None,
    base_url: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    attachment_for: Callable[[Due], Attachment | None] | None = None,
) -> RunReport:
    """Work out what is due at `now` and send it (or, dry, only say what would go)."""
    now = now or utcnow()
    report = RunReport()
    with job_lock(engine, LOCK, now) as held:
        if not held:
            report.skipped_locked = True
            log.info("notifications: another run holds the lock; nothing done")
            return report
        with session_scope(engine, write=False) as session:
            due = due_now(session, now)
        todo = _pending(engine, due)
        if dry_run or config is None:
            report.sent = todo
            return report
        mailer = Mailer(config)
        try:
            for item in todo:
                _send_one(engine, mailer, item, base_url, now, attachment_for, report)
        finally:
            mailer.close()
    log.info("notifications: %d sent, %d failed", len(report.sent), len(report.failed))
    return report


def _send_one(engine, mailer, item: Due, base_url, now, attachment_for, report: RunReport) -> None:
    written = messages.write(item, base_url)
    if not _claim(engine, item, written.subject, now):
        return
    try:
        attachment = attachment_for(item) if attachment_for else None
        mailer.send(messages.email(item, written, attachment))
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried; others go on
        reason = describe(error)
        log.warning(
            "notifications: %s to user %s failed: %s", item.kind, item.user_id or "(team contact)", reason
        )
        _finish(engine, item, reason)
        report.failed.append((item, reason))
        return
    _finish(engine, item, None)
    report.sent.append(item)


def send_test(config: SmtpConfig, base_url: str, address: str, language: str, actor: Actor) -> None:
    """One test e-mail to `address` (raises what the server raised)."""
    message = EmailMessage()
    message["To"] = address
    message["Subject"] = t("notify.test.subject", language)
    message.set_content(t("notify.test.body", language, link=base_url))
    mailer = Mailer(config)
    try:
        mailer.send(message)
    finally:
        mailer.close()
    log.info("notifications: test e-mail sent by user %s", actor.id)
