"""Administration command line: `python -m lib.cli COMMAND --help`.

Every command works on DATABASE_URL (default: the SQLite file under data/). Bad input exits
with status 2 and one clear line, and changes nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from lib.core import logs
from lib.core.config import ConfigError, default_database_url
from lib.core.db import SchemaError, make_engine, migrate, session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.i18n import problem_text, t
from lib.core.periods import View
from lib.core.permissions import Actor
from lib.core.vocab import ROLES
from lib.notifications import dispatch
from lib.notifications.digest import board_report_attachment
from lib.notifications.smtp import base_url, load_smtp
from lib.ops import health
from lib.ops.backup import PG_GUIDANCE, BackupError, backup, restore
from lib.ops.demo import DemoError, load_demo
from lib.people import accounts as auth

_LOG = logs.get("cli")


def _database_url() -> str:
    return os.environ.get("DATABASE_URL") or default_database_url()


def _engine():
    engine = make_engine(_database_url())
    migrate(engine)
    return engine


def _read_password(args) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    return sys.stdin.readline().rstrip("\r\n")


def cmd_init(args) -> int:
    engine = _engine()
    print(f"Database ready at {engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_create_user(args) -> int:
    password = _read_password(args)
    if password is None:
        print(
            "error: create-user: give the password on standard input with --password-stdin", file=sys.stderr
        )
        return 2
    engine = _engine()
    with session_scope(engine) as session:
        first = not auth.has_accounts(session)
        auth.create_user(
            session,
            None if first else Actor.command_line(),
            username=args.username,
            full_name=args.name,
            email=args.email,
            roles=args.role,
            password=password,
            language=args.language,
        )
    print(f"Created {args.username.lower()} with roles {', '.join(sorted(set(args.role)))}")
    return 0


def _sqlite_only() -> None:
    if not _database_url().startswith("sqlite"):
        raise BackupError(PG_GUIDANCE)


def cmd_backup(args) -> int:
    _sqlite_only()
    size = backup(_engine(), Path(args.to))
    print(f"Backup written to {args.to} ({size / 1e6:.1f} MB)")
    return 0


def cmd_restore(args) -> int:
    _sqlite_only()
    kept = restore(_engine(), Path(args.source))
    print(f"Database restored from {args.source}")
    if kept is not None:
        print(f"The replaced database is kept at {kept}")
    return 0


class _Bar:
    """A one-line progress bar on the terminal (standard error)."""

    def __init__(self):
        self.start = time.monotonic()

    def __call__(self, step: str, fraction: float) -> None:
        filled = int(30 * fraction)
        elapsed = time.monotonic() - self.start
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {step:<14} {elapsed:5.1f}s"
        )
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()


REPORT_PRESETS = ("last_90", "last_365")


def _report_period(text: str | None, today):
    """`last_90`, `last_365` or `YYYY-MM-DD:YYYY-MM-DD`; a one-line reason when it is none of them."""
    from datetime import date

    from lib.core import periods

    if text in REPORT_PRESETS:
        return periods.View(text, periods.preset_period(text, today))
    start, _, end = (text or "").partition(":")
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ValueError(
            f"--period must be last_90, last_365 or YYYY-MM-DD:YYYY-MM-DD, not {text!r}"
        ) from None
    return periods.View("custom", periods.custom_period(first, last, today))


def cmd_board_report(args) -> int:
    """Write the board report (PDF or HTML) for a period, the whole company or one department."""
    from lib.core.models import Department, utcnow
    from lib.insight import board_report, leadership

    def refuse(message: str) -> int:
        print(f"error: board-report: {message}", file=sys.stderr)
        return 2

    if args.language not in ("fr", "en"):
        return refuse(f"--language must be fr or en, not {args.language!r}")
    target = Path(args.to or "")
    if target.suffix.lower() not in (".pdf", ".html"):
        return refuse(f"--to must name a .pdf or .html file, not {args.to!r}")
    if not target.parent.is_dir():
        return refuse(f"the folder {str(target.parent)!r} does not exist")
    now = utcnow()
    try:
        view = _report_period(args.period, now.date())
    except ValueError as exc:
        return refuse(str(exc))
    except ValidationError as exc:
        return refuse("; ".join(problem_text(p) for p in exc.problems))
    engine = _engine()
    with session_scope(engine, write=False) as session:
        scope = None
        if args.department:
            from sqlalchemy import func, select

            found = session.execute(
                select(Department.id, Department.name).where(
                    func.lower(Department.name) == args.department.strip().lower()
                )
            ).first()
            if found is None:
                return refuse(f"no department is called {args.department!r}")
            view, scope = View(view.preset, view.period, found.id), found.name
        overview = leadership.overview(session, Actor.command_line(), view, now=now)
    report = board_report.build(overview, args.language, scope or _company(args.language), now)
    data = (
        board_report.to_pdf(report)
        if target.suffix.lower() == ".pdf"
        else board_report.to_html(report).encode()
    )
    target.write_bytes(data)
    print(f"Board report written to {target} ({len(data) // 1024} KB)")
    return 0


def _company(lang: str) -> str:
    from lib.core.i18n import t

    return t("leadership.company", lang)


def cmd_load_demo(args) -> int:
    password = _read_password(args)
    engine = _engine()
    report = load_demo(
        engine,
        employees=args.employees,
        days=args.days,
        seed=args.seed,
        contributions=args.contributions,
        password=password,
        progress=_Bar(),
    )
    print(
        f"Loaded {report.employees} employees, {report.contributions} contributions, "
        f"{report.signals} signals."
    )
    print(
        "Accounts that can sign in (passwords are shown only once):"
        if password is None
        else "Accounts that can sign in:"
    )
    for username, role, secret in report.accounts:
        print(f"  {role:<10} {username:<32} {secret or '(the password you gave)'}")
    return 0


def cmd_send_notifications(args) -> int:
    """Send what is due (or, with --dry-run, list it); one line per message."""
    config = load_smtp()  # ConfigError: one line, status 2
    if config is None and not args.dry_run:
        print(
            "error: e-mail is not configured (PORTE_VOIX_SMTP_HOST or [smtp] in secrets.toml): nothing sent",
            file=sys.stderr,
        )
        return 2
    engine = _engine()
    report = dispatch.run(
        engine,
        config,
        base_url(),
        dry_run=args.dry_run,
        attachment_for=lambda due: board_report_attachment(engine, due),
    )
    if report.skipped_locked:
        print("Another run is sending notifications; nothing done.")
        return 0
    verb = "would send" if args.dry_run else "sent"
    for due in report.sent:
        print(f"{verb:<10} {due.kind:<24} user {due.user_id or '-':<8} {due.key}")
    for due, reason in report.failed:
        print(f"{'failed':<10} {due.kind:<24} user {due.user_id or '-':<8} {due.key}: {reason}")
    print(f"{len(report.sent)} {verb}, {len(report.failed)} failed (retried on the next run).")
    return 0


def cmd_check(args) -> int:
    """Readiness probe: one line, status 0 (ready) or 2."""
    ready, line = health.check(_database_url())
    print(line, file=sys.stdout if ready else sys.stderr)
    return 0 if ready else 2


def cmd_import_analytics(args) -> int:
    """Import a person's LinkedIn (.xlsx) or X (.csv) analytics export, as the operator."""
    from lib.activity import analytics_import

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: import-analytics: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = _engine()
    apply = analytics_import.preview if args.dry_run else analytics_import.apply
    try:
        with session_scope(engine, write=not args.dry_run) as session:
            plan = apply(session, Actor.command_line(), data, path.name, args.user)
    except (NotFound, PermissionDenied) as exc:
        print(f"error: import-analytics: {t(exc.key, **exc.params)}", file=sys.stderr)
        return 2
    verb = "would create" if args.dry_run else "created"
    changed = len(plan.new_days) + len(plan.changed_days)
    print(
        f"{plan.export.platform} export for {args.user.lower()}: {verb} {plan.count('create')}, "
        f"{'would update' if args.dry_run else 'updated'} {plan.count('update')}, "
        f"unchanged {plan.count('unchanged')}, held for review {plan.held}, daily figures {changed}"
    )
    for row in plan.rows:
        if row["status"] != "unchanged":
            print(f"  {row['status']:<7} {row['occurred_on']} {row['url']} impressions={row['impressions']}")
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors as one clear line (status 2), like every other refusal of this command."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m lib.cli", description="Porte-voix administration.")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or migrate the database").set_defaults(func=cmd_init)
    sub.add_parser("check", help="readiness: database reachable, schema current, settings safe").set_defaults(
        func=cmd_check
    )

    cu = sub.add_parser("create-user", help="create an account (the password is read from stdin)")
    cu.add_argument("--username", required=True)
    cu.add_argument("--name", required=True, help="full name")
    cu.add_argument("--email", required=True)
    cu.add_argument("--role", required=True, action="append", choices=ROLES, help="repeat for several roles")
    cu.add_argument("--language", default="en", choices=("en", "fr"))
    cu.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    cu.set_defaults(func=cmd_create_user)

    demo = sub.add_parser("load-demo", help="load a deterministic demo organisation into an empty database")
    demo.add_argument("--employees", type=int, required=True)
    demo.add_argument("--days", type=int, required=True, help="days of history")
    demo.add_argument("--seed", type=int, required=True)
    demo.add_argument(
        "--contributions", type=int, help="total contributions (default: employees × days / 20)"
    )
    demo.add_argument(
        "--password-stdin", action="store_true", help="one password, read from stdin, for the demo accounts"
    )
    demo.set_defaults(func=cmd_load_demo)

    br = sub.add_parser("board-report", help="write the leadership board report (PDF or HTML)")
    br.add_argument("--period", default="last_90", help="last_90, last_365 or YYYY-MM-DD:YYYY-MM-DD")
    br.add_argument("--department", help="a department's name (default: the whole company)")
    br.add_argument("--language", default="en", help="fr or en")
    br.add_argument("--to", help="the file to write: FILE.pdf or FILE.html")
    br.set_defaults(func=cmd_board_report)

    bk = sub.add_parser("backup", help="online backup of the SQLite database to a new file")
    bk.add_argument("--to", required=True, help="the backup file to create")
    bk.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="replace the SQLite database with a backup")
    rs.add_argument("--from", dest="source", required=True, help="a file made by `backup`")
    rs.set_defaults(func=cmd_restore)
    notify = sub.add_parser("send-notifications", help="send the reminders and digests that are due")
    notify.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; send and write nothing"
    )
    notify.set_defaults(func=cmd_send_notifications)
    ia = sub.add_parser(
        "import-analytics", help="import a person's LinkedIn (.xlsx) or X (.csv) analytics export"
    )
    ia.add_argument("--user", required=True, help="the username whose export it is")
    ia.add_argument("--file", required=True, help="the exported file")
    ia.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    ia.set_defaults(func=cmd_import_analytics)
    return p


def main(argv: list[str] | None = None) -> int:
    # A command's refusal is its one "error:" line; operator records show from WARNING on, or from
    # INFO with PORTE_VOIX_LOG_LEVEL=INFO (the app itself logs from INFO).
    logs.configure(level=os.environ.get(logs.LEVEL_VAR) or "WARNING")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ValidationError as exc:
        print(f"error: {'; '.join(problem_text(p) for p in exc.problems)}", file=sys.stderr)
    except (DemoError, BackupError, ConfigError, SchemaError) as exc:
        if isinstance(exc, BackupError):
            logs.emit(_LOG, logging.INFO, f"{args.command}.refused", reason=str(exc))
        print(f"error: {exc}", file=sys.stderr)
    except Exception:
        logs.unexpected(_LOG, command=args.command)
        raise
    return 2


if __name__ == "__main__":
    sys.exit(main())
