"""Benchmark of the Participation page (HR), on a database holding the demo organisation:

    DATABASE_URL=sqlite:////tmp/demo.db python -m lib.cli load-demo --employees 10000 --days 730 \\
        --seed 42 --contributions 1000000
    python -m bench.participation sqlite:////tmp/demo.db

Measures, as an HR person:

- the service calls behind each tab: the funnel (company and the largest department, 30 and 365
  days), completion by module and department, each follow-up list, the roster table, the file of
  the most active ambassador, the points of everyone over 30 days (lib.activity.recognition, cached
  by the page);
- the roster import of the whole organisation as the HR system would export it: preview of the
  file as it is (nothing changes) and preview + commit of a file where 5% of the rows change
  (new people, leavers, moves); the commit is rolled back;
- each tab through streamlit.testing.v1.AppTest (sign-in shell included), data and caches warm.

Times are medians of --runs runs, in milliseconds. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from bench.overview import _median_ms
from lib.activity import recognition
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Contribution, User, UserRole, utcnow
from lib.core.permissions import Actor
from lib.insight import followup, participation
from lib.insight.participation import Scope
from lib.insight.person_file import person_file
from lib.people import organisation, roster

TABS = ("Overview", "Completion", "Follow-up", "People", "Roster")


def _hr(engine) -> tuple[Actor, int, int]:
    """An HR person, the largest department and the most active ambassador."""
    with session_scope(engine, write=False) as session:
        hr = session.scalar(select(User).join(UserRole).where(UserRole.role == "hr", User.is_active).limit(1))
        dept = session.scalar(
            select(User.department_id).group_by(User.department_id).order_by(func.count().desc()).limit(1)
        )
        busiest = session.scalar(
            select(Contribution.user_id).group_by(Contribution.user_id).order_by(func.count().desc()).limit(1)
        )
        return Actor.of(hr), dept, busiest


def _services(engine, hr: Actor, dept: int, person: int, runs: int) -> dict[str, float]:
    today = utcnow().date()

    def timed(fn, *args) -> float:
        def call():
            with session_scope(engine, write=False) as session:
                fn(session, hr, *args)

        return _median_ms(call, runs)

    figures = {
        "funnel_company_30d_ms": timed(participation.funnel, Scope(), today - timedelta(days=29), today),
        "funnel_company_365d_ms": timed(participation.funnel, Scope(), today - timedelta(days=364), today),
        "funnel_department_30d_ms": timed(
            participation.funnel, Scope(dept), today - timedelta(days=29), today
        ),
        "completion_company_ms": timed(participation.completion, Scope()),
        "roster_table_ms": timed(organisation.roster),
        "organisation_ms": timed(organisation.organisation),
        "person_file_ms": timed(person_file, person),
        "points_30d_ms": timed(recognition.standings, today - timedelta(days=29), today),
    }
    for which in followup.LISTS:
        figures[f"list_{which}_ms"] = timed(followup.follow_up, Scope(), which)
    return figures


def _export(engine) -> list[dict]:
    """Everyone on the roster, in the import's columns (as the HR system would export them)."""
    with session_scope(engine, write=False) as session:
        return roster.export(session, Actor.command_line()).to_dict("records")


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(roster.COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return out.getvalue().encode()


def _changed(rows: list[dict]) -> list[dict]:
    """5% of the rows change: a third leave, a third move department, a third are new people."""
    out = [dict(r) for r in rows]
    step = 20
    for i in range(0, len(out), step):
        r = out[i]
        if r["status"] != "active" or i % (3 * step) == 0:
            out.append({**r, "email": f"new.{i}@bench.example", "manager_email": "", "status": "active"})
        elif i % (3 * step) == step:
            r["status"], r["left_on"] = "left", ""
        else:
            r["department"], r["team"] = "Bench moves", ""
    return out


def _import(engine, hr: Actor, runs: int) -> dict[str, float]:
    rows = _export(engine)
    same, changed = _csv(rows), _csv(_changed(rows))

    def timed(fn, data: bytes) -> float:
        def call():
            with session_scope(engine, write=False) as session:  # rolled back: the database is unchanged
                fn(session, hr, data)

        return _median_ms(call, runs)

    with session_scope(engine, write=False) as session:
        checked = roster.commit(session, hr, changed)
    return {
        "import_rows": len(rows),
        "import_preview_unchanged_ms": timed(roster.preview, same),
        "import_preview_5pct_ms": timed(roster.preview, changed),
        "import_commit_5pct_ms": timed(roster.commit, changed),
        "import_5pct_changes": checked.changing,
    }


def _pages(url: str, hr: Actor, person: str, runs: int) -> dict[str, float]:
    """Each tab through AppTest, signed in (session state as after sign-in); the People tab with
    `person`'s file open."""
    from bench.apptest import signed_in_app

    figures = {}
    for tab in (*TABS, "Person"):
        at = signed_in_app(url, hr.username)
        at.switch_page("pages/participation.py")
        at.session_state["part_tab"] = "People" if tab == "Person" else tab
        if tab == "Person":
            at.session_state["part_search"] = person
        at.run()
        if at.exception:
            raise SystemExit(f"{tab} failed: {at.exception}")
        figures[f"page_{tab.lower().replace('-', '_')}_ms"] = _median_ms(at.run, runs)
    return figures


def measure(url: str, runs: int) -> dict:
    engine = make_engine(url)
    migrate(engine)
    hr, dept, person = _hr(engine)
    with session_scope(engine, write=False) as session:
        email = session.get(User, person).email
    figures = (
        _services(engine, hr, dept, person, runs) | _import(engine, hr, runs) | _pages(url, hr, email, runs)
    )
    with session_scope(engine, write=False) as session:
        people = session.scalar(select(func.count()).select_from(User))
        contributions = session.scalar(select(func.count()).select_from(Contribution))
    return {**figures, "people": people, "contributions": contributions, "database": engine.dialect.name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.participation", description=__doc__.splitlines()[0]
    )
    parser.add_argument("database_url", help="a database holding the demo organisation (lib.cli load-demo)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (medians are reported)")
    args = parser.parse_args(argv)
    result = measure(args.database_url, args.runs)
    for key, value in result.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
