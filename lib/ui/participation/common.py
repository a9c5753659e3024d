"""What every Participation tab shares: the scope chosen at the top of the page (and what it
implies: the groups shown, their names), and tables with their CSV and Excel downloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from lib.core.errors import NotFound, ValidationError
from lib.core.models import utcnow
from lib.core.permissions import Actor
from lib.insight.participation import Scope
from lib.people import organisation
from lib.training.catalogue import load_modules
from lib.ui.downloads import download_buttons
from lib.ui.shell import lang, read, show_error, tr
from lib.ui.widgets import data_table, zone

# A group's privacy note ("fewer than 5 people") is read whole: wide enough for either note.
NOTE = st.column_config.TextColumn(width="medium")
EAGER_EXPORT_ROWS = 1000  # larger tables make their files when clicked (10,000 rows of Excel take seconds)
ALL = 0  # the option for the whole company, or for every team of the department
PERSON_COLUMNS = {
    "full_name": "field.full_name",
    "email": "field.email",
    "department": "field.department",
    "team": "field.team",
}


@dataclass(frozen=True)
class Context:
    """The page's run: who looks, today, the module titles, the organisation and the chosen scope."""

    who: Actor
    today: date
    titles: dict[str, str]
    org: pd.DataFrame
    departments: dict[int, str]
    scope: Scope
    scope_label: str

    @property
    def group_label(self) -> str:
        """The heading of the groups a scope is split into: departments of the company, teams otherwise."""
        return tr("field.department") if self.scope.kind == "company" else tr("field.team")

    @property
    def group_word(self) -> str:
        """The same, as a word in a sentence."""
        return tr(f"participation.group.{'department' if self.scope.kind == 'company' else 'team'}")

    def group_names(self, df: pd.DataFrame) -> pd.Series:
        none = tr("participation.no_department" if self.scope.kind == "company" else "participation.no_team")
        return df["group"].fillna(none)


def cols(**keys: str) -> dict[str, str]:
    """{column: its label}, from {column: i18n key} (a label may name the viewer's time zone)."""
    return {column: tr(key, zone=zone()) for column, key in keys.items()}


def table(
    df: pd.DataFrame,
    labels: dict[str, str],
    filename: str,
    what: str,
    scope: str = "",
    kinds: dict[str, str] | None = None,
    config: dict | None = None,
) -> None:
    """Show `df`'s columns named in `labels` under those labels, numbers and dates written for the
    language (`kinds` as in `formatting.display_table`, for columns such as shares, 0 to 1), with
    CSV and Excel downloads (shares there as percentages)."""
    shown = df[list(labels)].rename(columns=labels)
    kinds = {c: kind for c, kind in (kinds or {}).items() if c in labels}
    config = {c: v for c, v in (({"note": NOTE}) | (config or {})).items() if c in labels}
    data_table(
        shown,
        {labels[c]: kind for c, kind in kinds.items()},
        {labels[c]: v for c, v in config.items()},
    )
    shares = {labels[c]: (shown[labels[c]] * 100).round(1) for c, kind in kinds.items() if kind == "share"}
    download_buttons(
        shown.assign(**shares),
        filename,
        what,
        scope,
        key=f"{filename}_export",
        deferred=len(shown) > EAGER_EXPORT_ROWS,
    )


def safe_read(fn, *args):
    """`read`, showing a domain error (bad period, unknown scope) and stopping the tab."""
    try:
        return read(fn, *args)
    except (ValidationError, NotFound) as exc:
        show_error(exc)
        st.stop()


def choose(column, label: str, options: dict, key: str, **kwargs) -> int | None:
    """A scope selectbox; its widget is per language (the "all" option's label changes) and the
    choice is kept across a change of language under `key`."""
    keep = st.session_state.get(key, ALL)
    choice = column.selectbox(
        label,
        list(options),
        index=list(options).index(keep) if keep in options else 0,
        format_func=options.get,
        key=f"{key}_{lang()}",
        **kwargs,
    )
    st.session_state[key] = choice
    return choice or None


def scope_picker(who: Actor) -> Context:
    """The department and team boxes at the top of the page; returns the page's context."""
    org = read(organisation.organisation)
    departments = {int(r.department_id): r.department for r in org.itertuples() if pd.isna(r.team_id)}
    c1, c2 = st.columns(2)
    dept = choose(
        c1,
        tr("participation.scope.department"),
        {ALL: tr("participation.scope.company"), **departments},
        "part_department",
    )
    team_names = {
        int(r.team_id): r.team for r in org.itertuples() if r.department_id == dept and pd.notna(r.team_id)
    }
    team = choose(
        c2,
        tr("participation.scope.team"),
        {ALL: tr("participation.scope.all_teams"), **team_names},
        f"part_team_{dept}",
        disabled=dept is None,
    )
    label = team_names[team] if team else departments[dept] if dept else tr("participation.scope.company")
    titles = {m.slug: m.text("title", lang()) for m in load_modules()}
    return Context(who, utcnow().date(), titles, org, departments, Scope(dept, team), label)


def hidden_note(df: pd.DataFrame, minimum: int) -> pd.Series:
    return df["hidden"].map(
        lambda h: tr(f"participation.hidden.{h}", n=minimum) if isinstance(h, str) else ""
    )
