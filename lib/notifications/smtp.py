"""The company's SMTP server: its settings (environment or `[smtp]` in secrets.toml) and sending.

Nothing is sent when no host is configured. The password is never logged nor shown.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from lib.core.config import ConfigError, secrets_section, setting

SECURITY = ("starttls", "tls", "none")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIMEOUT_S = 15


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)


def _value(name: str, section: dict) -> str:
    return os.environ.get(f"PORTE_VOIX_SMTP_{name.upper()}") or str(section.get(name) or "")


def load_smtp() -> SmtpConfig | None:
    """The SMTP settings, None when no host is configured; ConfigError (one line) when unusable."""
    section = secrets_section("smtp")
    host = _value("host", section).strip()
    if not host:
        return None
    security = (_value("security", section) or "starttls").strip().lower()
    if security not in SECURITY:
        raise ConfigError(f"SMTP security must be one of {', '.join(SECURITY)}, not {security!r}.")
    raw_port = _value("port", section) or ("465" if security == "tls" else "587")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"SMTP port must be a number from 1 to 65535, not {raw_port!r}.")
    sender = _value("sender", section).strip()
    if not EMAIL_RE.match(sender.rsplit("<", 1)[-1].rstrip(">").strip()):
        raise ConfigError("SMTP sender must be an e-mail address (PORTE_VOIX_SMTP_SENDER or [smtp] sender).")
    user, password = _value("user", section), _value("password", section)
    if bool(user) != bool(password):
        raise ConfigError("SMTP user and password go together: set both or neither.")
    return SmtpConfig(host, int(raw_port), security, sender, user, password)


def base_url() -> str:
    """The app's address as people reach it, for links in e-mails (no trailing slash)."""
    return setting("PORTE_VOIX_BASE_URL", "base_url", "http://localhost:8501").rstrip("/")


class Mailer:
    """One SMTP connection, opened on the first message and reopened after a failure."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        if c.security == "tls":
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=TIMEOUT_S, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=TIMEOUT_S)
            if c.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if c.user:
            smtp.login(c.user, c.password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        message["From"] = self.config.sender
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def describe(error: BaseException) -> str:
    """A short, secret-free description of a sending failure, for the log and the HR page."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in error.recipients.values()}
        return f"recipient refused by the server ({', '.join(map(str, sorted(codes)))})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "authentication refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"server answered {error.smtp_code}"
    if isinstance(error, (ConnectionError, TimeoutError, OSError)):
        return f"server unreachable ({type(error).__name__})"
    return type(error).__name__
