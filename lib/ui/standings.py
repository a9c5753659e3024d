"""Everyone's points for a period, computed once for all readers while the data is unchanged."""

from __future__ import annotations

import streamlit as st

from lib.activity import recognition
from lib.core.db import session_scope
from lib.insight.leadership import data_version
from lib.ui.shell import actor, engine

KEEP_SECONDS = 3600  # rules changes call forget_standings; this bounds anything else


@st.cache_data(ttl=KEEP_SECONDS, max_entries=32, show_spinner=False)
def _standings(database: str, version: int, start, end, _reader) -> recognition.Standings:
    with session_scope(engine(), write=False) as session:
        return recognition.standings(session, _reader, start, end)


def standings(start, end) -> recognition.Standings:
    """Everyone's points for a period (lib.activity.recognition): the same for every reader, so computed once
    for all of them per database and data version (bumped by every change to contributions, signals,
    people and teams; `forget_standings` after a change of the rules)."""
    with session_scope(engine(), write=False) as session:
        version = data_version(session)
    return _standings(str(engine().url), version, start, end, actor())


def forget_standings() -> None:
    _standings.clear()
