"""CSV and Excel downloads of a table, each one recorded in the audit trail."""

from __future__ import annotations

from functools import partial

import streamlit as st

from lib.core import audit
from lib.core.db import session_scope
from lib.core.formatting import to_csv, to_excel
from lib.ui.shell import actor, engine, lang, tr


def _record_export(what: str, scope: str, fmt: str, rows: int) -> None:
    with session_scope(engine()) as session:
        audit.record(session, actor(), "export", what, scope=scope, format=fmt, rows=rows)


def download_buttons(
    df, filename: str, what: str, scope: str = "", key: str | None = None, deferred: bool = False
) -> None:
    """CSV and Excel downloads of `df` for the reader's language (French CSV: `;` and decimal comma;
    Excel typed), formulas neutralised; each download is audited.

    `deferred`: make the files only when clicked (for pages that rerun often, e.g. live ones).
    """
    key = key or filename
    language = lang()
    csv, excel = (
        (partial(to_csv, df, language), partial(to_excel, df, language))
        if deferred
        else (to_csv(df, language), to_excel(df, language))
    )
    left, right = st.columns(2)
    left.download_button(
        tr("export.csv"),
        csv,
        file_name=f"{filename}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        on_click=_record_export,
        args=(what, scope, "csv", len(df)),
    )
    right.download_button(
        tr("export.excel"),
        excel,
        file_name=f"{filename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_xlsx",
        on_click=_record_export,
        args=(what, scope, "xlsx", len(df)),
    )
