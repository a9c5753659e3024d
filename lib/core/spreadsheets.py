"""CSV and Excel: formula neutralisation for exports (written by lib.core.formatting, per language)
and careful reading of uploads."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

from lib.core.errors import invalid

# A text cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000
MAX_UPLOAD_COLUMNS = 200  # our files have about 20; a platform's analytics export fewer than 100
MAX_CELL_CHARS = 10_000
# An .xlsx is a zip: its parts are checked before openpyxl inflates anything (zip bombs).
MAX_XLSX_PARTS = 200
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_XLSX_RATIO = 200  # uncompressed / compressed, per part


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


def csv_rows(data: bytes, max_rows: int = MAX_UPLOAD_ROWS) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows of an uploaded CSV, each row with its line in the file, every
    row as long as the header (cells stripped); blank lines left out.

    The one reader of every CSV upload (roster, contributions, platform analytics). The separator
    (comma or semicolon, as French Excel writes) is detected. Size, columns, cells and rows are
    capped before anything is built: the header line's separators are counted first, then rows are
    read one by one and refused as soon as one goes past a limit (pandas would read a 500,000-column
    header into gigabytes).
    """
    text = decode_upload(data)
    first_line = text[: text.find("\n") if "\n" in text else len(text)]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;")
        sep = dialect.delimiter
    except csv.Error:  # rows of unequal length: the header says
        sep = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count(sep) >= MAX_UPLOAD_COLUMNS:
        raise invalid("import.too_many_columns", n=MAX_UPLOAD_COLUMNS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) > MAX_UPLOAD_COLUMNS:
                raise invalid("import.too_many_columns", n=MAX_UPLOAD_COLUMNS)
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise invalid("import.cell_too_long", n=MAX_CELL_CHARS)
            if header is None:
                header = row
                continue
            if len(row) > len(header):
                if any(cell.strip() for cell in row[len(header) :]):
                    raise invalid("import.not_csv")
                row = row[: len(header)]
            rows.append((reader.line_num, [cell.strip() for cell in row] + [""] * (len(header) - len(row))))
            if len(rows) > max_rows:
                raise invalid("import.too_many_rows", n=max_rows)
    except csv.Error:
        raise invalid("import.not_csv") from None
    if header is None:
        raise invalid("import.not_csv")
    return header, rows


def read_csv(data: bytes, required: list[str]) -> pd.DataFrame:
    """Rows of an uploaded CSV (read by `csv_rows`) as strings (nothing guessed: "NA" stays "NA"),
    column names in lower case, the `required` ones checked."""
    header, rows = csv_rows(data)
    columns = _unique([str(c).strip().lower() for c in header])
    missing = [c for c in required if c not in columns]
    if missing:
        raise invalid("import.missing_columns", columns=", ".join(missing))
    return pd.DataFrame([cells for _, cells in rows], columns=columns, dtype=object)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique as pandas does ("a", "a.1", ...)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}.{n}")
    return out


def open_workbook(data: bytes):
    """An uploaded .xlsx opened read-only (openpyxl), after checking its size and its zip parts:
    how many, their inflated size in total and their compression ratio. Raises ValidationError
    (import.*) for anything that is not a sound workbook; the caller closes the workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if len(data) > MAX_UPLOAD_BYTES:
        raise invalid("import.too_large", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_XLSX_PARTS:
                raise invalid("import.xlsx_too_big")
            total = 0
            for part in parts:
                total += part.file_size
                ratio = part.file_size / max(part.compress_size, 1)
                if total > MAX_XLSX_UNCOMPRESSED or (part.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO):
                    raise invalid("import.xlsx_too_big")
            if "xl/workbook.xml" not in archive.namelist():
                raise invalid("import.not_xlsx")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise invalid("import.not_xlsx") from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError):
        raise invalid("import.not_xlsx") from None
