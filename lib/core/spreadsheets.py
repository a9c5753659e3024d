"""CSV and Excel: formula neutralisation for exports (written by lib.core.formatting, per language)
and careful reading of uploads."""

from __future__ import annotations

import csv
import io

import pandas as pd

from lib.core.errors import invalid

# A text cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that a spreadsheet would run as formulas are prefixed with `'`.

    Numbers stay numbers (a negative number is not text, so it is left alone).
    """
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
            )
    return out


def decode_upload(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM), else Latin-1 as Excel writes it."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise invalid("import.too_large", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    if b"\x00" in data[:4096]:
        raise invalid("import.not_csv")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes, required: list[str]) -> pd.DataFrame:
    """Rows of an uploaded CSV as strings (nothing guessed: "NA" stays "NA"), columns checked.

    The separator (comma or semicolon, as French Excel writes) is detected.
    """
    text = decode_upload(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise invalid("import.not_csv") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise invalid("import.missing_columns", columns=", ".join(missing))
    if len(df) > MAX_UPLOAD_ROWS:
        raise invalid("import.too_many_rows", n=MAX_UPLOAD_ROWS)
    return df.map(str.strip)
