"""The roster import: people, departments and teams kept in step with the HR system's CSV export.

An import checks every row first (rows are the file's line numbers: the header is line 1, so the
first person is row 2), previews what would change, then applies all of it or nothing. People are
matched by e-mail, whatever its case. Newcomers get the employee role and no password (they cannot
sign in until an administrator issues a one-time password); leavers are deactivated, never
deleted, so that history and aggregates stay right. Importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from lib.core import audit
from lib.core.errors import Conflict, Problem, ValidationError
from lib.core.fields import Checker
from lib.core.formatting import to_csv, to_excel
from lib.core.i18n import t
from lib.core.models import Department, Team, User, UserRole, utcnow
from lib.core.permissions import Actor, holders, require
from lib.core.spreadsheets import read_csv
from lib.core.vocab import BASE_ROLE
from lib.people.accounts import EMAIL_RE
from lib.people.organisation import MAX_NAME

COLUMNS = (
    "email",
    "full_name",
    "department",
    "team",
    "manager_email",
    "job_title",
    "start_date",
    "status",
    "left_on",
)
REQUIRED = ("email", "full_name", "department", "team", "status")
STATUSES = ("active", "left")
ACTIONS = ("created", "updated", "deactivated", "unchanged")
FIRST_DATA_ROW = 2  # the header is line 1
EARLIEST_START = date(1950, 1, 1)
# Fields compared to decide whether a person changes (as the preview names them).
TRACKED = ("full_name", "department", "team", "manager_email", "job_title", "start_date", "status", "left_on")


# One example row for the templates (a fictitious person, on the reserved example.com domain).
EXAMPLE = {
    "email": "camille.martin@example.com",
    "full_name": "Camille Martin",
    "department": "Sales",
    "team": "Key accounts",
    "manager_email": "",
    "job_title": "Account manager",
    "start_date": "2024-03-01",
    "status": "active",
    "left_on": "",
}
# What each column accepts: (required, key of the description in data/i18n).
RULES = {c: (c in REQUIRED, f"roster.rule.{c}") for c in COLUMNS}


def template(lang: str = "en") -> bytes:
    """A CSV with the import's columns, in order, and one example row to overwrite."""
    return to_csv(pd.DataFrame([EXAMPLE], columns=list(COLUMNS)), lang)


def allowed_values(lang: str = "en") -> pd.DataFrame:
    """One line per column: its name, whether it is required, and what it accepts."""
    return pd.DataFrame(
        [
            {
                t("roster.rule.column", lang): column,
                t("roster.rule.required", lang): t("roster.rule.yes" if required else "roster.rule.no", lang),
                t("roster.rule.accepts", lang): t(key, lang),
                t("roster.rule.example", lang): EXAMPLE[column],
            }
            for column, (required, key) in RULES.items()
        ]
    )


def template_excel(lang: str = "en") -> bytes:
    """The template as a workbook: the example row, and a sheet with each column's allowed values."""
    return to_excel(
        {
            "roster": pd.DataFrame([EXAMPLE], columns=list(COLUMNS)),
            t("roster.rule.sheet", lang): allowed_values(lang),
        },
        lang,
    )


def export(session: Session, actor: Actor, *, include_left: bool = True) -> pd.DataFrame:
    """The roster with exactly the import's columns and values (manager by e-mail, status, ISO dates):
    HR can export it, edit it in a spreadsheet and import it back (HR or admin)."""
    require(actor, "organisation.manage")
    manager = aliased(User)
    query = (
        select(
            User.email,
            User.full_name,
            Department.name.label("department"),
            Team.name.label("team"),
            manager.email.label("manager_email"),
            User.job_title,
            User.start_date,
            User.is_active,
            User.left_on,
        )
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(manager, manager.id == User.manager_id)
        .where(User.anonymised_at.is_(None))
        .order_by(User.full_name, User.id)
    )
    if not include_left:
        query = query.where(User.is_active)
    rows = [
        {
            "email": r.email,
            "full_name": r.full_name,
            "department": r.department or "",
            "team": r.team or "",
            "manager_email": r.manager_email or "",
            "job_title": r.job_title or "",
            # dates as text, YYYY-MM-DD, so that no spreadsheet language turns them around
            "start_date": r.start_date.isoformat() if r.start_date else "",
            "status": "active" if r.is_active else "left",
            "left_on": r.left_on.isoformat() if r.left_on else "",
        }
        for r in session.execute(query)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


# --- reading and checking the file ------------------------------------------------------------


@dataclass
class Row:
    """One person as the file describes them, checked; references are resolved at planning."""

    row: int
    email: str
    full_name: str
    department: str | None
    team: str | None
    manager: str | None  # lower-case e-mail
    job_title: str | None
    start_date: date | None
    active: bool
    left_on: date | None
    given: frozenset[str]  # optional columns present in the file


def _parse_date(value: str) -> date:
    """YYYY-MM-DD, or DD/MM/YYYY as a French spreadsheet saves a date back."""
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(value)


def _date(ck: Checker, column: str, value: str, earliest: date, latest: date) -> date | None:
    if not value:
        return None
    try:
        day = _parse_date(value)
    except ValueError:
        ck.fail("roster.error.bad_date", f"roster.{column}", value=value)
        return None
    if not earliest <= day <= latest:
        ck.fail(
            "roster.error.date_range",
            f"roster.{column}",
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
        )
        return None
    return day


def _email(ck: Checker, column: str, value: str, required: bool) -> str | None:
    if not value:
        if required:
            ck.fail("roster.error.required", f"roster.{column}")
        return None
    if len(value) > 254 or not EMAIL_RE.match(value):
        ck.fail("roster.error.bad_email", f"roster.{column}", value=value)
        return None
    return value


def _check_row(
    values: dict, row: int, given: frozenset[str], known: set[str], today: date
) -> tuple[Row | None, list[Problem]]:
    """One row, checked column by column (None with its problems if it has any); `known` holds the
    e-mails (lower case) a manager may have."""
    ck = Checker(row)

    def text(column: str, n: int) -> str | None:
        return ck.optional_text(f"roster.{column}", values.get(column), n)

    email = _email(ck, "email", values["email"], required=True)
    if not values["full_name"]:
        ck.fail("roster.error.required", "roster.full_name")
    full_name = text("full_name", 200)
    department, team = text("department", MAX_NAME), text("team", MAX_NAME)
    if team and not department:
        ck.fail("roster.error.team_without_department", "roster.team")
    manager = _email(ck, "manager_email", values.get("manager_email", ""), required=False)
    manager = manager.lower() if manager else None
    if manager and email and manager == email.lower():
        ck.fail("roster.error.own_manager", "roster.manager_email")
    elif manager and manager not in known:
        ck.fail("roster.error.unknown_manager", "roster.manager_email", value=manager)
    job_title = text("job_title", 200)
    start = _date(ck, "start_date", values.get("start_date", ""), EARLIEST_START, today + timedelta(days=366))
    status = values["status"].lower()
    if status not in STATUSES:
        ck.fail("roster.error.bad_status", "roster.status", value=values["status"])
    left_on = _date(ck, "left_on", values.get("left_on", ""), EARLIEST_START, today)
    if left_on and status == "active":
        ck.fail("roster.error.left_on_when_active", "roster.left_on")
    elif left_on and start and left_on < start:
        ck.fail("roster.error.left_before_start", "roster.left_on")
    if ck.problems or email is None or full_name is None:
        return None, ck.problems
    person = Row(
        row, email, full_name, department, team, manager, job_title, start, status == "active", left_on, given
    )
    return person, []


def _read(data: bytes, on_roster: set[str], today: date) -> tuple[list[Row], list[Problem]]:
    """The file's rows that are right, and every problem of the others."""
    df = read_csv(data, list(REQUIRED))
    if df.empty:
        return [], [Problem("roster.error.empty")]
    given = frozenset(c for c in COLUMNS if c in df.columns and c not in REQUIRED)
    known = on_roster | {e.lower() for e in df["email"]}
    rows: list[Row] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for index, values in enumerate(df.to_dict("records")):
        number = index + FIRST_DATA_ROW
        row, found = _check_row(values, number, given, known, today)
        key = values["email"].lower()
        if key and key in first_row:
            found.insert(
                0, Problem("roster.error.duplicate_email", "roster.email", number, {"row": first_row[key]})
            )
        first_row.setdefault(key, number)
        problems += found
        if row is not None and not found:
            rows.append(row)
    return rows, problems


# --- planning: what the file would change ----------------------------------------------------


@dataclass
class Change:
    row: Row
    action: str  # created, updated, deactivated, unchanged
    changes: tuple[str, ...]
    values: dict  # the person's new column values, departments and teams as names
    user_id: int | None = None


@dataclass
class Preview:
    """What importing a file would do; nothing is written until `commit`."""

    sha256: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    new_teams: list[tuple[str, str]] = field(default_factory=list)  # (department, team)

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.changes)

    @property
    def changing(self) -> int:
        return sum(c.action != "unchanged" for c in self.changes)

    def table(self) -> pd.DataFrame:
        """One line per row of the file: what happens to whom, and which fields change."""
        return pd.DataFrame(
            [(c.row.row, c.action, c.row.email, c.row.full_name, list(c.changes)) for c in self.changes],
            columns=["row", "action", "email", "full_name", "changes"],
        )


def _canonical(names: dict[str, str], name: str | None) -> str | None:
    """The stored spelling of `name` (matched whatever its case), or `name` itself if new."""
    return None if name is None else names.setdefault(name.lower(), name)


def _org(session: Session) -> tuple[dict, dict]:
    departments = {n.lower(): (i, n) for i, n in session.execute(select(Department.id, Department.name))}
    teams = {
        (d.lower(), t.lower()): (i, t)
        for i, t, d in session.execute(select(Team.id, Team.name, Department.name).join(Department))
    }
    return departments, teams


def _people(session: Session) -> dict[str, dict]:
    manager = aliased(User)
    query = (
        select(
            User.id,
            User.email,
            User.full_name,
            Department.name.label("department"),
            Team.name.label("team"),
            func.lower(manager.email).label("manager_email"),
            User.job_title,
            User.start_date,
            User.is_active,
            User.left_on,
        )
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(manager, manager.id == User.manager_id)
    )
    return {r.email.lower(): r._asdict() for r in session.execute(query)}


def _target(row: Row, before: dict | None, dept_names: dict, team_names: dict, today: date) -> dict:
    """The person's values after the import; optional columns absent from the file keep theirs."""
    department = _canonical(dept_names, row.department)
    team = None
    if row.team is not None and department is not None:  # a team without its department is refused
        team = team_names.setdefault((department.lower(), row.team.lower()), row.team)
    left_on = None
    if not row.active:
        left_on = row.left_on or (before or {}).get("left_on") or today
    values = {
        "full_name": row.full_name,
        "department": department,
        "team": team,
        "manager_email": row.manager,
        "job_title": row.job_title,
        "start_date": row.start_date,
        "status": "active" if row.active else "left",
        "left_on": left_on,
    }
    for column in ("manager_email", "job_title", "start_date"):
        if column not in row.given and before is not None:
            values[column] = before[column]
    return values


def _admin_problems(session: Session, actor: Actor, changes: list[Change]) -> list[Problem]:
    leaving = {c.user_id: c.row.row for c in changes if c.action == "deactivated"}
    admins = set(
        session.scalars(
            select(User.id)
            .join(UserRole)
            .where(User.is_active, UserRole.role.in_(holders("accounts.manage")))
        )
    )
    problems = []
    if actor.id in leaving:
        problems.append(Problem("roster.error.deactivates_you", "roster.status", leaving[actor.id]))
    if admins and admins <= set(leaving):
        problems += [Problem("roster.error.last_admin", "roster.status", leaving[i]) for i in sorted(admins)]
    return problems


def preview(session: Session, actor: Actor, data: bytes, today: date | None = None) -> Preview:
    """Check every row of an HR export and say what importing it would change (HR or admin)."""
    require(actor, "organisation.manage")
    today = today or utcnow().date()
    result = Preview(sha256=hashlib.sha256(data).hexdigest())
    people = _people(session)
    rows, result.problems = _read(data, set(people), today)
    departments, teams = _org(session)
    dept_names = {k: v[1] for k, v in departments.items()}
    team_names = {k: v[1] for k, v in teams.items()}
    for r in rows:
        before = people.get(r.email.lower())
        values = _target(r, before, dept_names, team_names, today)
        changed: tuple[str, ...] = ()
        if before is None:
            action = "created"
        else:
            old = {**before, "status": "active" if before["is_active"] else "left"}
            changed = tuple(name for name in TRACKED if values[name] != old[name])
            if before["is_active"] and not r.active:
                action = "deactivated"
            else:
                action = "updated" if changed else "unchanged"
        result.changes.append(Change(r, action, changed, values, before["id"] if before else None))
    result.new_departments = sorted({v for k, v in dept_names.items() if k not in departments})
    result.new_teams = sorted((dept_names[d], v) for (d, t), v in team_names.items() if (d, t) not in teams)
    result.problems += _admin_problems(session, actor, result.changes)
    return result


# --- applying it ------------------------------------------------------------------------------


def username_base(email: str) -> str:
    """A username from an e-mail's local part: ASCII lower case, letters, digits, dots and dashes."""
    local = unicodedata.normalize("NFKD", email.split("@")[0].lower()).encode("ascii", "ignore").decode()
    local = re.sub(r"[^a-z0-9._-]+", ".", local).strip("._-")[:56]
    return local if len(local) >= 2 else f"user{local}"


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}.{n}", n + 1
    taken.add(name)
    return name


def _create_org(session: Session, checked: Preview) -> tuple[dict, dict]:
    for name in checked.new_departments:
        session.add(Department(name=name))
    session.flush()
    departments = _org(session)[0]
    for dept, team in checked.new_teams:
        session.add(Team(department_id=departments[dept.lower()][0], name=team))
    session.flush()
    return _org(session)


def commit(session: Session, actor: Actor, data: bytes, today: date | None = None) -> Preview:
    """Import the file: every change, or nothing at all if any row is wrong. Returns what was done."""
    checked = preview(session, actor, data, today)
    if checked.problems:
        raise ValidationError(checked.problems)
    now = utcnow()
    departments, teams = _create_org(session, checked)

    def columns(v: dict) -> dict:
        dept = departments[v["department"].lower()][0] if v["department"] else None
        team = teams[(v["department"].lower(), v["team"].lower())][0] if v["team"] else None
        return {
            "full_name": v["full_name"],
            "department_id": dept,
            "team_id": team,
            "job_title": v["job_title"],
            "start_date": v["start_date"],
            "is_active": v["status"] == "active",
            "left_on": v["left_on"],
            "updated_at": now,
        }

    created = [c for c in checked.changes if c.action == "created"]
    changed = [c for c in checked.changes if c.action in ("updated", "deactivated")]
    try:
        if created:
            taken = set(session.scalars(select(User.username)))
            session.execute(
                insert(User),
                [
                    {
                        **columns(c.values),
                        "email": c.row.email,
                        "password_hash": None,
                        "created_at": now,
                        "username": _unique(username_base(c.row.email), taken),
                        "sessions_valid_after": now,
                    }
                    for c in created
                ],
            )
        ids = {e.lower(): i for i, e in session.execute(select(User.id, User.email))}
        if created:
            session.execute(
                insert(UserRole), [{"user_id": ids[c.row.email.lower()], "role": BASE_ROLE} for c in created]
            )
        if changed:
            # Leavers' sessions end with their deactivation.
            ended = {"sessions_valid_after": now}
            session.execute(
                update(User),
                [
                    {"id": c.user_id, **columns(c.values), **(ended if c.action == "deactivated" else {})}
                    for c in changed
                ],
            )
        managed = [
            c
            for c in created + changed
            if "manager_email" in c.changes or (c.action == "created" and c.values["manager_email"])
        ]
        if managed:
            session.execute(
                update(User),
                [
                    {"id": ids[c.row.email.lower()], "manager_id": ids.get(c.values["manager_email"])}
                    for c in managed
                ],
            )
        session.flush()
    except IntegrityError:  # the same people imported at the same moment from another session
        raise Conflict("roster.error.conflict") from None
    audit.record(
        session,
        actor,
        "roster.imported",
        f"sha256:{checked.sha256[:16]}",
        sha256=checked.sha256,
        rows=len(checked.changes),
        created=len(created),
        updated=checked.count("updated"),
        deactivated=checked.count("deactivated"),
        unchanged=checked.count("unchanged"),
        new_departments=len(checked.new_departments),
        new_teams=len(checked.new_teams),
    )
    return checked
