"""The executives' monthly digest carries last month's board report (PDF) for the whole company."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from lib.core.db import session_scope
from lib.core.i18n import t
from lib.core.periods import Period, View
from lib.core.permissions import Actor
from lib.insight import board_report, leadership
from lib.notifications.due import Due


def board_report_attachment(engine: Engine, due: Due) -> tuple[str, str, bytes] | None:
    """(file name, MIME type, content) of the report for the digest's month; None for other kinds."""
    if due.kind != "executive_digest":
        return None
    period = Period(date.fromisoformat(due.params["start"]), date.fromisoformat(due.params["end"]))
    with session_scope(engine, write=False) as session:
        overview = leadership.overview(session, Actor.command_line(), View("custom", period))
    document = board_report.board_report_pdf(overview, due.language, t("leadership.company", due.language))
    return f"porte-voix_board_report_{period.start}_{period.end}.pdf", "application/pdf", document
