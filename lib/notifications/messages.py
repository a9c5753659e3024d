"""Each due message written in its recipient's language: a subject, a plain-text body, the same as
HTML, and a link to the page of the app where the person acts. Only the recipient's own data, or
counts, go into a message; never another person's."""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage

from lib.core import formatting
from lib.core.i18n import label, t
from lib.notifications.due import Due
from lib.notifications.kinds import BY_CODE
from lib.training import catalogue

PAGES = {
    "training_assigned": "training",
    "training_due_soon": "training",
    "training_overdue": "training",
    "manager_summary": "training",
    "certification_expiring": "training",
    "certification_expired": "training",
    "signal_late": "customer_signals",
    "signal_resolved": "customer_signals",
    "executive_digest": "leadership_overview",
}


SAMPLES: dict[str, dict[str, object]] = {
    "training_assigned": {"module": "", "due_on": "2026-12-18", "days_late": 0},
    "training_due_soon": {"module": "", "due_on": "2026-12-18", "days_late": 0},
    "training_overdue": {"module": "", "due_on": "2026-11-20", "days_late": 14},
    "manager_summary": {"people": 3, "overdue": 2, "soon": 4},
    "certification_expiring": {"until": "2027-01-05", "days": 30},
    "certification_expired": {"until": "2026-11-30"},
    "signal_late": {
        "signal": 42,
        "type": "loss",
        "category": "price",
        "customer": "Acme",
        "team": "Sales",
        "hours_late": 6,
    },
    "signal_resolved": {"signal": 42, "type": "win", "customer": "Acme", "resolution": "won"},
    "executive_digest": {"month": "2026-11", "start": "2026-11-01", "end": "2026-11-30"},
}


def sample(kind: str, lang: str, name: str) -> Due:
    """The message of `kind` with example values, for HR's preview."""
    params = dict(SAMPLES[kind])
    if "module" in params:
        params["module"] = catalogue.load_modules()[0].slug
    if kind != "signal_late":
        params["name"] = name
    return Due(f"sample:{kind}", kind, "someone@example.com", lang, None, params)


@dataclass(frozen=True)
class Written:
    subject: str
    text: str
    html: str
    link: str


def _module_title(slug: str, lang: str) -> str:
    try:
        return catalogue.module(slug).text("title", lang)
    except (KeyError, ValueError):
        return slug


def _values(due: Due, lang: str) -> dict:
    values = dict(due.params)
    if "module" in values:
        values["module"] = _module_title(values["module"], lang)
    for date_field in ("due_on", "until"):
        if date_field in values:
            values[date_field] = formatting.day_long(values[date_field], lang)
    if "month" in values:
        values["month"] = formatting.month_long(values["month"] + "-01", lang)
    for count_field in ("people", "overdue", "soon", "days", "days_late", "hours_late"):
        if count_field in values:
            values[count_field] = formatting.number(values[count_field], lang)
    for code_field in ("type", "category", "resolution"):
        if values.get(code_field):
            values[code_field] = label(values[code_field], lang)
    return values


def write(due: Due, base_url: str) -> Written:
    """The message for `due`, in `due.language`."""
    lang = due.language
    values = _values(due, lang)
    link = f"{base_url}/{PAGES[due.kind]}"
    subject = t(f"notify.{due.kind}.subject", lang, **values)
    paragraphs = [
        t("notify.greeting", lang, **values) if "name" in values else t("notify.greeting_team", lang)
    ]
    paragraphs.append(t(f"notify.{due.kind}.body", lang, **values))
    paragraphs.append(t("notify.open", lang, link=link))
    footer = t("notify.footer_optional" if BY_CODE[due.kind].optional else "notify.footer_mandatory", lang)
    text = "\n\n".join(paragraphs) + f"\n\n-- \n{footer}\n"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[:-1])
    body += f'<p><a href="{html.escape(link)}">{html.escape(t("notify.open_button", lang))}</a></p>'
    body += f'<hr><p style="color:#555;font-size:12px">{html.escape(footer)}</p>'
    page = f'<!doctype html><html lang="{lang}"><body style="font-family:sans-serif">{body}</body></html>'
    return Written(subject, text, page, link)


def email(due: Due, written: Written, attachment: tuple[str, str, bytes] | None = None) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, and the attachment if any
    (file name, MIME type, content)."""
    message = EmailMessage()
    message["To"] = due.recipient
    message["Subject"] = written.subject
    message.set_content(written.text)
    message.add_alternative(written.html, subtype="html")
    if attachment:
        name, mime, data = attachment
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    message["Content-Language"] = due.language  # after the parts: set_content clears Content-* headers
    return message
