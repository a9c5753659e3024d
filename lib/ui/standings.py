"""Everyone's points for a period, computed once for all readers and kept for two minutes."""

from __future__ import annotations

import streamlit as st

from lib.activity import recognition
from lib.core.db import session_scope
from lib.ui.shell import actor, engine


@st.cache_data(ttl=120, show_spinner=False)
def _standings(database: str, start, end, _reader) -> recognition.Standings:
    with session_scope(engine(), write=False) as session:
        return recognition.standings(session, _reader, start, end)


def standings(start, end) -> recognition.Standings:
    """Everyone's points for a period (lib.activity.recognition): the same for every reader, so computed once
    for all of them per database and kept two minutes at most (`forget_standings` after a change)."""
    return _standings(str(engine().url), start, end, actor())


def forget_standings() -> None:
    _standings.clear()
