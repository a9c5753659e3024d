"""Field checks shared by the activity forms and imports: each collects problems instead of raising,
so that a form or a file reports every mistake at once."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from lib.core.errors import Problem, ValidationError

MAX_URL = 2000
MAX_INT = 2_147_483_647  # the largest value an INTEGER column holds
EARLIEST = date(2000, 1, 1)
DIGITS_RE = re.compile(r"^\d+$")
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", re.IGNORECASE)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_day(text: str) -> date | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY, or None."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class Checker:
    """Collects the problems of one form or one imported row (`row` as the user sees it)."""

    def __init__(self, row: int | None = None):
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, key: str, field: str, **params) -> None:
        self.problems.append(Problem(key, field, self.row, params))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def required_text(self, field: str, value, max_len: int) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            self.fail("activity.required", field)
        elif len(text) > max_len:
            self.fail("activity.too_long", field, n=max_len)
        return text

    def optional_text(self, field: str, value, max_len: int) -> str | None:
        if _blank(value):
            return None
        return self.required_text(field, value, max_len)

    def choice(self, field: str, value, options, aliases: dict | None = None) -> str | None:
        """A code from `options`; `aliases` maps other accepted spellings (lower case) to codes."""
        if _blank(value):
            self.fail("activity.required", field)
            return None
        text = str(value).strip()
        code = text if text in options else (aliases or {}).get(text.lower())
        if code is None:
            self.fail("activity.unknown_value", field, value=text)
        return code

    def url(self, field: str, value, required: bool = False) -> str | None:
        """An absolute http(s) address with a real host name, or None when blank and optional."""
        if _blank(value):
            if required:
                self.fail("activity.required", field)
            return None
        text = str(value).strip()
        try:
            parts = urlsplit(text)
            host = parts.hostname or ""
        except ValueError:
            parts, host = None, ""
        if parts is None or parts.scheme.lower() not in ("http", "https"):
            self.fail("activity.bad_url_scheme", field)
        elif len(text) > MAX_URL:
            self.fail("activity.too_long", field, n=MAX_URL)
        elif any(c.isspace() for c in text) or not (HOST_RE.match(host) or host == "localhost"):
            self.fail("activity.bad_url", field)
        else:
            return text
        return None

    def count(self, field: str, value, maximum: int = MAX_INT) -> int | None:
        """A non-negative whole number (spaces as thousands separators allowed), or None if blank."""
        if _blank(value):
            return None
        if isinstance(value, bool):
            self.fail("activity.not_a_count", field)
            return None
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
            if text.startswith("-") and DIGITS_RE.match(text[1:]):
                self.fail("activity.negative", field)
                return None
            if not DIGITS_RE.match(text):
                self.fail("activity.not_a_count", field)
                return None
            number = int(text)
        if number < 0:
            self.fail("activity.negative", field)
        elif number > maximum:
            self.fail("activity.too_large", field, n=maximum)
        else:
            return number
        return None

    def amount(self, field: str, value) -> Decimal | None:
        """A non-negative amount with at most two decimals (comma or dot), or None if blank."""
        if _blank(value):
            return None
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail("activity.not_an_amount", field)
            return None
        exponent = number.as_tuple().exponent  # a letter for NaN and infinity
        if not isinstance(exponent, int) or exponent < -2:
            self.fail("activity.not_an_amount", field)
        elif number < 0:
            self.fail("activity.negative", field)
        elif number >= Decimal("1e12"):
            self.fail("activity.too_large", field, n="999 999 999 999")
        else:
            return number
        return None

    def day(self, field: str, value, latest: date) -> date | None:
        """A calendar date (a date, YYYY-MM-DD or DD/MM/YYYY) between 2000-01-01 and `latest`."""
        if _blank(value):
            self.fail("activity.required", field)
            return None
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            parsed = _parse_day(str(value).strip())
            if parsed is None:
                self.fail("activity.bad_date", field, value=str(value).strip())
                return None
            day = parsed
        if day > latest:
            self.fail("activity.future_date", field)
        elif day < EARLIEST:
            self.fail("activity.too_old", field, earliest=EARLIEST.isoformat())
        else:
            return day
        return None
