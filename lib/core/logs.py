"""Operator logs: Python logging configured once, one line per event that matters to an operator.

Configuration (environment):
- PORTE_VOIX_LOG_LEVEL: DEBUG, INFO (default), WARNING, ERROR.
- PORTE_VOIX_LOG_FORMAT: `plain` (default: `time level logger event key=value ...`) or `json`
  (one JSON object per line: time, level, logger, event, message and the event's fields).

Events (logger `porte_voix.<area>`, field `event`): failed sign-ins and lockouts, account and role
changes, imports and exports (every audited action goes to `porte_voix.audit` once its transaction
commits), migrations, backups and restores, and unexpected errors. A field whose name suggests a
secret (password, cookie, key, token, secret, hash) is never written: its value is replaced.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

ROOT_LOGGER = "porte_voix"
LEVEL_VAR, FORMAT_VAR = "PORTE_VOIX_LOG_LEVEL", "PORTE_VOIX_LOG_FORMAT"
FORMATS = ("plain", "json")
SECRET_PARTS = ("password", "cookie", "key", "token", "secret", "hash")
REDACTED = "[redacted]"
_PENDING = "porte_voix_pending_logs"  # Session.info key: lines waiting for the commit
_HANDLER_NAME = "porte_voix"


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_PARTS)


def redact(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with every secret-looking value replaced (recursively in nested dicts)."""
    return {
        k: REDACTED if is_secret(k) else redact(v) if isinstance(v, dict) else v for k, v in fields.items()
    }


def _plain_value(value: Any) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (not text or any(c in text for c in ' ="\n')) else text


class PlainFormatter(logging.Formatter):
    """`2026-12-04T15:00:00Z WARNING porte_voix.accounts sign_in.locked user_id=7 minutes=15`."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = getattr(record, "fields", {})
        parts = [when, record.levelname, record.name, record.getMessage()]
        parts += [f"{k}={_plain_value(v)}" for k, v in fields.items()]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "event", None) or record.getMessage(),
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _StandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record comes (not the stream of the first call)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure(level: str | None = None, fmt: str | None = None) -> logging.Logger:
    """Set up the `porte_voix` loggers once (calling again only updates level and format)."""
    level = (level or os.environ.get(LEVEL_VAR) or "INFO").upper()
    fmt = (fmt or os.environ.get(FORMAT_VAR) or "plain").lower()
    if fmt not in FORMATS:
        fmt = "plain"
    root = logging.getLogger(ROOT_LOGGER)
    root.setLevel(getattr(logging, level, logging.INFO))
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = _StandardError()
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    return root


def get(area: str) -> logging.Logger:
    """The logger of one area (`porte_voix.<area>`)."""
    return logging.getLogger(f"{ROOT_LOGGER}.{area}")


def emit(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Write one event line now; secret-looking fields are redacted."""
    logger.log(level, event, extra={"event": event, "fields": redact(fields)})


def unexpected(logger: logging.Logger, **fields: Any) -> None:
    """Log the exception being handled as an unexpected error, with its traceback."""
    # Called from the caller's `except` block, so the exception being handled is there to log.
    logger.exception(  # noqa: LOG004
        "unexpected_error", extra={"event": "unexpected_error", "fields": redact(fields)}
    )


def on_commit(session: Session, logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Write one event line when `session` commits (and never if it rolls back)."""
    session.info.setdefault(_PENDING, []).append((logger, level, event, fields))


@sa_event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for logger, level, event, fields in session.info.pop(_PENDING, []):
        emit(logger, level, event, **fields)


@sa_event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
