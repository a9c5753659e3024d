"""Benchmark of the ambassador activity pages: `python -m bench.activity --contributions 1000000`.

Seeds the demo organisation (10,000 employees over two years by default) into a temporary SQLite
file, or uses the database given with --database-url (seeded first if empty), then measures for
the most active ambassador and for an HR person:

- the service calls behind each page (my figures and streak, my list, my export, the signal views,
  the current content items, the leaderboard for 30, 90 and 365 days);
- each page through streamlit.testing.v1.AppTest (sign-in shell included), on its first tab and
  on the points tab of "My contributions" (leaderboard not yet cached, then cached).

Times are medians of --runs runs, in milliseconds. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.overview import _median_ms, _seed
from lib.activity import content_library as content
from lib.activity import contributions as contrib
from lib.activity import recognition, signals
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Contribution, Department, User, UserRole, utcnow
from lib.core.permissions import Actor


def _people(engine) -> tuple[Actor, Actor, int]:
    """The most active ambassador, an HR person, and how many contributions the first one has."""
    with session_scope(engine, write=False) as session:
        user_id, count = session.execute(
            select(Contribution.user_id, func.count())
            .group_by(Contribution.user_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        hr = session.scalar(select(User).join(UserRole).where(UserRole.role == "hr", User.is_active).limit(1))
        return Actor.of(session.get(User, user_id)), Actor.of(hr), count


def _services(engine, ambassador: Actor, hr: Actor, runs: int) -> dict[str, float]:
    today = utcnow().date()
    last_90 = contrib.Filters(today - timedelta(days=89), today)

    def timed(fn, actor, *args) -> float:
        def call():
            with session_scope(engine, write=False) as session:
                fn(session, actor, *args)

        return _median_ms(call, runs)

    return {
        "my_figures_90d_ms": timed(contrib.my_figures, ambassador, last_90),
        "my_list_90d_ms": timed(contrib.list_mine, ambassador, last_90),
        "my_export_all_ms": timed(contrib.export_mine, ambassador),
        "signals_all_ms": timed(signals.list_signals, hr, signals.SignalFilters("all")),
        "signals_overdue_ms": timed(
            signals.list_signals, hr, signals.SignalFilters("all", overdue_only=True)
        ),
        "content_current_ms": timed(content.current_items, ambassador, today),
        **{
            f"leaderboard_{days}d_ms": timed(
                recognition.standings, ambassador, today - timedelta(days=days - 1), today
            )
            for days in (30, 90, 365)
        },
    }


def _pages(url: str, ambassador: Actor, hr: Actor, runs: int) -> dict[str, float]:
    """Each page through AppTest, signed in (session state as after sign-in)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from bench.apptest import signed_in_app

    def opened(username: str, page: str, tab: tuple[str, str] | None = None) -> AppTest:
        at = signed_in_app(url, username)
        at.switch_page(f"pages/{page}.py")
        if tab:
            at.session_state[tab[0]] = tab[1]
        return at

    def page_ms(username: str, page: str, tab=None, before=lambda: None) -> float:
        at = opened(username, page, tab)
        at.run()
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception}")
        return _median_ms(lambda: at.run(), runs, before)

    points = ("contrib_tabs", "Points and leaderboard")
    return {
        "page_my_contributions_ms": page_ms(ambassador.username, "my_contributions"),
        "page_points_cold_ms": page_ms(
            ambassador.username, "my_contributions", points, before=st.cache_data.clear
        ),
        "page_points_warm_ms": page_ms(ambassador.username, "my_contributions", points),
        "page_signals_all_hr_ms": page_ms(hr.username, "customer_signals", ("signals_tabs", "All signals")),
        "page_content_library_ms": page_ms(ambassador.username, "content_library"),
    }


def measure(url: str, runs: int) -> dict:
    engine = make_engine(url)
    migrate(engine)
    ambassador, hr, count = _people(engine)
    figures = _services(engine, ambassador, hr, runs) | _pages(url, ambassador, hr, runs)
    with session_scope(engine, write=False) as session:
        total = session.scalar(select(func.count()).select_from(Contribution))
    return {
        **figures,
        "contributions": total,
        "ambassador_contributions": count,
        "database": engine.dialect.name,
    }


def _with_demo(url: str, args) -> None:
    """Load the demo organisation into `url` unless it already holds one."""
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine, write=False) as session:
        seeded = session.scalar(select(func.count()).select_from(Department)) > 0
    engine.dispose()
    if not seeded:
        print(
            f"loading the demo: {args.employees} employees, {args.contributions} contributions",
            file=sys.stderr,
        )
        _seed(url, args.employees, args.contributions, args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.activity", description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (medians are reported)")
    parser.add_argument("--database-url", help="use this database (the demo is loaded first if it is empty)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_activity_") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'activity.db'}"
        _with_demo(url, args)
        result = measure(url, args.runs)
    print("\n".join(f"{key:>26}: {value}" for key, value in result.items()))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
