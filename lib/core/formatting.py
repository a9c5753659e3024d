"""Formatting for the reader's language, in one place: numbers, percentages, money, hours, dates,
date-times in the viewer's time zone (named), CSV dialects and typed Excel workbooks, and the
separators plotly charts take. No page, chart or report formats a value itself.

French follows the Imprimerie nationale conventions: narrow no-break space (U+202F) between
thousands and before % and €, decimal comma, «1 déc. 2026», «01/12/2026». English: "1,234.5",
"90%", "€1,234", "1 Dec 2026", and ISO dates (2026-12-01) where a numeric date is needed, since
day/month order is ambiguous between English readers.

Nothing here imports streamlit: the viewer's zone is passed in by name (lib.ui reads the
browser's zone from `st.context.timezone`).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from lib.core.spreadsheets import neutralise

NNBSP = "\u202f"  # narrow no-break space: French thousands, before « % », « € », « h »
NBSP = "\u00a0"
DASH = "—"  # an unknown value
LANGS = ("en", "fr")

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
}
MONTHS_LONG = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
# st.date_input's `format` per language (its own tokens).
DATE_INPUT_FORMAT = {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY"}
# Excel number formats of date and date-time cells.
EXCEL_DATE = {"en": "yyyy-mm-dd", "fr": "dd/mm/yyyy"}
EXCEL_DATETIME = {"en": "yyyy-mm-dd hh:mm", "fr": "dd/mm/yyyy hh:mm"}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


# --- numbers ---------------------------------------------------------------------------------


def rounded(value, decimals: int = 0) -> float:
    """The one rounding rule of every figure shown: halves away from zero (12.5 % reads 13 %
    everywhere; Python's round() and printf's %.0f round halves to even, 12 %)."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def number(value, lang: str = "en", decimals: int = 0) -> str:
    """1,234.5 in English, «1 234,5» in French (narrow no-break space); "—" when unknown."""
    if _missing(value):
        return DASH
    text = f"{rounded(value, decimals):,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0"
    if _lang(lang) == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(share, lang: str = "en", decimals: int = 1) -> str:
    """A share (0.9) as a percentage: "90.0%" / «90,0 %»; "—" when unknown."""
    if _missing(share):
        return DASH
    text = number(float(share) * 100, lang, decimals)
    return f"{text}{NNBSP}%" if _lang(lang) == "fr" else f"{text}%"


def points(diff_share, lang: str = "en", decimals: int = 1) -> str:
    """A signed change of a share in percentage points: "+2.5 pts" / «+2,5 pts»."""
    if _missing(diff_share):
        return DASH
    sign = "-" if diff_share < 0 and number(abs(diff_share) * 100, lang, decimals).strip("0,.") else "+"
    return f"{sign}{number(abs(diff_share) * 100, lang, decimals)}{NNBSP}pts"


def money(value, lang: str = "en", currency: str = "EUR", decimals: int = 0) -> str:
    """An amount: "€1,234" / «1 234 €»; other currencies by code ("USD 1,234" / «1 234 USD»)."""
    if _missing(value):
        return DASH
    return _with_currency(number(value, lang, decimals), lang, currency)


def money_short(value, lang: str = "en", currency: str = "EUR") -> str:
    """A large amount shortened: "€12.3k", "€1.2M" / «12,3 k€», «1,2 M€»; below 10,000 in full."""
    if _missing(value):
        return DASH
    for above, unit, suffix in ((1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= above:
            amount = number(value / unit, lang, 1)
            if _lang(lang) == "fr":
                symbol = CURRENCY_SYMBOLS.get(currency, currency)
                return f"{amount}{NNBSP}{suffix}{symbol}"
            return _with_currency(amount + suffix, lang, currency)
    return money(value, lang, currency)


def _with_currency(amount: str, lang: str, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    if _lang(lang) == "fr":
        return f"{amount}{NNBSP}{symbol or currency}"
    if symbol is None:
        return f"{currency}{NBSP}{amount}"
    return f"-{symbol}{amount[1:]}" if amount.startswith("-") else f"{symbol}{amount}"


def hours(value, lang: str = "en", decimals: int = 1) -> str:
    """A duration in hours: "3.5 h" / «3,5 h»."""
    return DASH if _missing(value) else f"{number(value, lang, decimals)}{NNBSP}h"


def signed(value, lang: str = "en", decimals: int = 0) -> str:
    """A number with its sign always shown: "+1,234", "-12"."""
    if _missing(value):
        return DASH
    text = number(abs(value), lang, decimals)
    return ("-" if value < 0 and text.strip("0,." + NNBSP) else "+") + text


# --- dates and times -------------------------------------------------------------------------


def _as_date(value) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def day(value, lang: str = "en") -> str:
    """«1 déc. 2026» / "1 Dec 2026"; "—" when unknown."""
    if _missing(value):
        return DASH
    d = _as_date(value)
    lang = _lang(lang)
    first = "1er" if lang == "fr" and d.day == 1 else str(d.day)
    return f"{first}{NBSP}{MONTHS[lang][d.month - 1]}{NBSP}{d.year}"


def day_long(value, lang: str = "en") -> str:
    """«1er décembre 2026» / "1 December 2026"."""
    if _missing(value):
        return DASH
    d = _as_date(value)
    lang = _lang(lang)
    first = "1er" if lang == "fr" and d.day == 1 else str(d.day)
    return f"{first}{NBSP}{MONTHS_LONG[lang][d.month - 1]}{NBSP}{d.year}"


def day_numeric(value, lang: str = "en") -> str:
    """«01/12/2026» in French, 2026-12-01 (ISO, unambiguous) in English."""
    if _missing(value):
        return DASH
    d = _as_date(value)
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if _lang(lang) == "fr" else d.isoformat()


def day_month(value, lang: str = "en") -> str:
    """A chart tick: «1 déc.» / "1 Dec" (no year)."""
    d = _as_date(value)
    return f"{d.day}{NBSP}{MONTHS[_lang(lang)][d.month - 1]}"


def month(value, lang: str = "en") -> str:
    """«déc. 2026» / "Dec 2026"."""
    d = _as_date(value)
    return f"{MONTHS[_lang(lang)][d.month - 1]}{NBSP}{d.year}"


def month_long(value, lang: str = "en") -> str:
    """«novembre 2026» / "November 2026"."""
    d = _as_date(value)
    return f"{MONTHS_LONG[_lang(lang)][d.month - 1]}{NBSP}{d.year}"


def day_range(start, end, lang: str = "en") -> str:
    """«du 1er nov. 2026 au 30 nov. 2026» is for sentences; this is the compact form for titles:
    "1 Nov 2026 – 30 Nov 2026"."""
    return f"{day(start, lang)} – {day(end, lang)}"


def zone_of(name: str | None) -> ZoneInfo | timezone:
    """The zone called `name` (an IANA name such as "Europe/Paris"), UTC when unknown or absent."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_name(name: str | None) -> str:
    """The zone's name as shown to the reader ("Europe/Paris", or "UTC" when unknown)."""
    zone = zone_of(name)
    return "UTC" if zone is UTC else str(zone)


def local(moment: datetime, zone: str | None) -> datetime:
    """`moment` (naive means UTC, as the database stores it) in the zone called `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_of(zone))


def time_of_day(moment: datetime, lang: str = "en", zone: str | None = None, seconds: bool = False) -> str:
    """ "14:05" in the viewer's zone (24-hour clock in both languages), without the zone's name."""
    return local(moment, zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def date_time(moment, lang: str = "en", zone: str | None = None, seconds: bool = False) -> str:
    """«1 déc. 2026, 14:05 (Europe/Paris)» / "1 Dec 2026, 14:05 (Europe/Paris)"; "—" when unknown."""
    if _missing(moment):
        return DASH
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    there = local(moment, zone)
    return f"{day(there, lang)}, {time_of_day(there, lang, zone, seconds)} ({zone_name(zone)})"


def date_time_short(moment, lang: str = "en", zone: str | None = None) -> str:
    """For table cells (the zone named in the column heading): «01/12/2026 14:05» / "2026-12-01 14:05"."""
    if _missing(moment):
        return DASH
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    there = local(moment, zone)
    return f"{day_numeric(there, lang)} {there.strftime('%H:%M')}"


# --- tables, CSV and Excel -------------------------------------------------------------------


def display_table(df: pd.DataFrame, lang: str, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of `df` whose numbers and dates are written for `lang`, for reading on screen.

    `kinds` names the kind of a column (count, decimal, share, money, hours, date, datetime);
    columns not named are guessed from their dtype (integers: count; floats: decimal; dates).
    """
    out = df.copy()
    for column, write in cell_formats(df, lang, kinds).items():
        out[column] = out[column].map(write).astype(object)
    return out


def cell_formats(
    df: pd.DataFrame, lang: str, kinds: Mapping[str, str] | None = None, zone: str | None = None
) -> dict[str, Callable[[object], str]]:
    """{column: how to write one of its cells for `lang`}, for the columns holding numbers or dates
    (`kinds` as for `display_table`; date-times in the zone called `zone`). A screen shows the
    written text while the table keeps the values, so sorting stays numeric and chronological."""
    kinds = dict(kinds or {})
    formats: dict[str, Callable[[object], str]] = {}
    for column in df.columns:
        kind = kinds.get(column) or _kind_of(df[column])
        if kind:
            formats[column] = _writer(kind, lang, zone)
    return formats


def _writer(kind: str, lang: str, zone: str | None) -> Callable[[object], str]:
    return lambda value: format_value(value, kind, lang, zone)


def _kind_of(series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        return "count" if len(whole) and (whole == whole.round()).all() else "decimal"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    if series.dtype == object:
        sample = series.dropna()
        if len(sample) and all(isinstance(v, datetime) for v in sample):
            return "datetime"
        if len(sample) and all(isinstance(v, date) for v in sample):
            return "date"
    return None


def format_value(value, kind: str, lang: str, zone: str | None = None) -> str:
    """One value of a kind: count, decimal, share (a whole percentage), share1 (to one decimal),
    money, money_short, hours, date, datetime."""
    if _missing(value):
        return DASH
    return {
        "count": lambda: number(value, lang),
        "decimal": lambda: number(value, lang, 1),
        "decimal2": lambda: number(value, lang, 2),
        "share": lambda: percent(value, lang, 0),
        "share1": lambda: percent(value, lang),
        "money": lambda: money(value, lang),
        "money_short": lambda: money_short(value, lang),
        "hours": lambda: hours(value, lang),
        "date": lambda: day(value, lang),
        "datetime": lambda: date_time_short(value, lang, zone),
    }[kind]()


def csv_dialect(lang: str) -> dict:
    """pandas `to_csv` arguments for the language's spreadsheet: French Excel expects `;` between
    fields and a decimal comma; English Excel `,` and a decimal point."""
    return {"sep": ";", "decimal": ","} if _lang(lang) == "fr" else {"sep": ",", "decimal": "."}


def _plain_dates(df: pd.DataFrame, lang: str, for_excel: bool) -> pd.DataFrame:
    """Time-zone-aware date-times made naive (Excel has no zones); for CSV, dates written numerically
    for the language (French Excel reads «01/12/2026» as a date)."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
            out[column] = series
        if for_excel:
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            fmt = "%d/%m/%Y %H:%M" if _lang(lang) == "fr" else "%Y-%m-%d %H:%M"
            out[column] = series.dt.strftime(fmt)
        elif _kind_of(series) == "date":
            out[column] = series.map(lambda v: day_numeric(v, lang) if isinstance(v, date) else v)
    return out


def to_csv(df: pd.DataFrame, lang: str = "en") -> bytes:
    """A CSV for the reader's Excel: UTF-8 with a byte-order mark (accents), the language's separator
    and decimal mark, dates in the language's order, formulas neutralised."""
    table = _plain_dates(neutralise(df), lang, for_excel=False)
    text = table.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, **csv_dialect(lang))
    return text.encode("utf-8-sig")


def to_excel(
    sheets: pd.DataFrame | Mapping[str, pd.DataFrame], lang: str = "en", sheet: str = "Data"
) -> bytes:
    """An Excel workbook, one sheet per table: numbers stay numbers, dates are dates (shown in the
    language's order), text that would run as a formula is neutralised, columns sized to fit."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {sheet: sheets}
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            title = _sheet_title(name, used)
            table = _plain_dates(neutralise(df), lang, for_excel=True)
            table.to_excel(writer, index=False, sheet_name=title)
            _style_sheet(writer.sheets[title], table, lang)
    return buffer.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet title (31 characters, none of []:*?/\\)."""
    clean = "".join("-" if c in "[]:*?/\\" else c for c in str(name)).strip("'") or "Data"
    title, n = clean[:31], 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _style_sheet(ws, table: pd.DataFrame, lang: str) -> None:
    lang = _lang(lang)
    for index, column in enumerate(table.columns, start=1):
        series = table[column]
        fmt = None
        if pd.api.types.is_datetime64_any_dtype(series):
            fmt = EXCEL_DATETIME[lang]
        elif _kind_of(series) == "date":
            fmt = EXCEL_DATE[lang]
        elif pd.api.types.is_float_dtype(series):
            fmt = "#,##0.00"
        elif pd.api.types.is_integer_dtype(series):
            fmt = "#,##0"
        letter = ws.cell(row=1, column=index).column_letter
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        width = max([len(str(column))] + [len(str(v)) for v in series.head(200)]) + 2
        ws.column_dimensions[letter].width = min(max(width, 10), 60)
    ws.freeze_panes = "A2"


# --- charts ----------------------------------------------------------------------------------


def plotly_separators(lang: str) -> str:
    """plotly's `separators` layout attribute: decimal mark, then thousands separator."""
    return f",{NNBSP}" if _lang(lang) == "fr" else ".,"


def date_ticks(days: Iterable, lang: str, bucket: str = "day", most: int = 10) -> tuple[list, list[str]]:
    """Tick positions (the buckets' own first days) and labels for a date axis: at most `most`
    ticks, evenly spread over the buckets, labelled «1 déc.» / "1 Dec" (months: «déc. 2026»)."""
    values = sorted({_as_date(d) for d in days})
    if not values:
        return [], []
    step = max(1, math.ceil(len(values) / most))
    chosen = values[::step]
    write = month if bucket == "month" else day_month
    return chosen, [write(d, lang) for d in chosen]
