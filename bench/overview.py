"""Benchmark of the leadership overview: `python -m bench.overview --employees 10000 --contributions 1000000`.

Seeds a demo organisation (in a child process, into a temporary SQLite file, or into the empty
database given with --database-url; a database that already holds one is reused), then measures,
on the same data, the company-wide view of the last two years:

- data_cold_ms / data_warm_ms: every figure and chart series of the page, without the cache (fresh
  connections) and when nothing changed (the cache, keyed on the data version);
- page_first_ms / page_cold_ms / page_warm_ms: the whole page through streamlit.testing.v1.AppTest
  (sign-in shell included): the first run of this process, then runs with the data cold and warm;
- groupby_ms: the same contribution and signal figures as plain GROUP BY queries over the raw tables;
- naive_ms: reading those raw rows into pandas and grouping there (in a child process);
- peak_rss_mb: the peak memory of this process (the app's), which never holds the raw rows.

Times are medians of --runs runs, in milliseconds. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from lib.core import formatting, periods
from lib.core.config import ROOT
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Contribution, Department, User, UserRole, utcnow
from lib.core.periods import Period, View
from lib.core.permissions import Actor
from lib.insight import leadership as overview

PAGE = "pages/leadership_overview.py"
DAYS = 730


def _median_ms(fn: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _seed(url: str, employees: int, contributions: int, seed: int) -> None:
    """Load the demo organisation in a child process (its memory is not the app's)."""
    command = [
        sys.executable,
        "-m",
        "lib.cli",
        "load-demo",
        "--employees",
        str(employees),
        "--days",
        str(DAYS),
        "--seed",
        str(seed),
        "--contributions",
        str(contributions),
    ]
    subprocess.run(
        command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL
    )


def _raw_sql(dialect: str) -> list[str]:
    """Plain GROUP BY queries over the raw tables for the figures and series the page shows."""
    week = (
        "date(occurred_on, 'weekday 0', '-6 days')"
        if dialect == "sqlite"
        else "CAST(date_trunc('week', occurred_on) AS DATE)"
    )
    signal_week = week.replace("occurred_on", "reported_at")
    hours = (
        "(julianday(acknowledged_at) - julianday(reported_at)) * 24"
        if dialect == "sqlite"
        else "EXTRACT(EPOCH FROM acknowledged_at - reported_at) / 3600"
    )
    in_period = "occurred_on BETWEEN :prev_start AND :end"
    engagement = "coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)"
    signals = "FROM customer_signals WHERE reported_at >= :prev_start_at AND reported_at < :end_at"
    return [
        (
            "SELECT occurred_on >= :start, count(*), count(DISTINCT user_id), sum(impressions), "
            f"count(impressions), sum(CASE WHEN impressions IS NULL THEN 0 ELSE {engagement} END), "
            f"sum(reactions), sum(comments), sum(shares), sum(clicks) FROM contributions WHERE {in_period} "
            "GROUP BY 1"
        ),
        (
            f"SELECT {week}, platform, count(*), sum(impressions), sum({engagement}) FROM contributions "
            "WHERE occurred_on BETWEEN :start AND :end GROUP BY 1, 2"
        ),
        (
            "SELECT department_id, count(*), count(DISTINCT user_id) FROM contributions "
            "WHERE occurred_on BETWEEN :start AND :end GROUP BY 1"
        ),
        (
            "SELECT u.department_id, count(DISTINCT c.user_id) "
            "FROM contributions c JOIN users u ON u.id = c.user_id "
            "WHERE c.occurred_on BETWEEN :start AND :end AND u.is_active GROUP BY 1"
        ),
        (
            "SELECT user_id, count(*) FROM contributions WHERE occurred_on BETWEEN :start AND :end "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
        ),
        (
            "SELECT u.team_id, count(*), count(DISTINCT c.user_id) "
            "FROM contributions c JOIN users u ON u.id = c.user_id "
            "WHERE c.occurred_on BETWEEN :start AND :end GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
        ),
        (
            f"SELECT reported_at >= :start_at, signal_type, count(*), sum(estimated_value), "
            f"sum(CASE WHEN status <> 'resolved' THEN 1 ELSE 0 END) {signals} GROUP BY 1, 2"
        ),
        f"SELECT {signal_week}, signal_type, count(*), sum(estimated_value) {signals} GROUP BY 1, 2",
        (
            f"SELECT avg(h) FROM (SELECT h, row_number() OVER (ORDER BY h) AS rn, count(*) OVER () AS n FROM "
            f"(SELECT {hours} AS h {signals} AND acknowledged_at IS NOT NULL) AS a) AS o "
            "WHERE rn IN ((n + 1) / 2, (n + 2) / 2)"
        ),
    ]


def _params(period: Period) -> dict:
    previous = period.previous()
    return {
        "start": period.start,
        "end": period.end,
        "prev_start": previous.start,
        "start_at": period.starts_at,
        "end_at": period.ends_at,
        "prev_start_at": previous.starts_at,
    }


def _naive(url: str, period: Period, queue) -> None:
    """Read the raw rows into pandas, then group there (runs in a child process)."""
    import pandas as pd

    engine = make_engine(url)
    start = time.perf_counter()
    with engine.connect() as conn:
        c = pd.read_sql(
            text(
                "SELECT user_id, department_id, occurred_on, platform, impressions, reactions, comments, "
                "shares, clicks FROM contributions"
            ),
            conn,
        )
        s = pd.read_sql(
            text(
                "SELECT signal_type, department_id, estimated_value, status, reported_at, "
                "acknowledged_at FROM customer_signals"
            ),
            conn,
        )
    c["occurred_on"] = pd.to_datetime(c["occurred_on"])
    c = c[c["occurred_on"].between(pd.Timestamp(period.previous().start), pd.Timestamp(period.end))]
    current = c[c["occurred_on"] >= pd.Timestamp(period.start)]
    c.groupby(c["occurred_on"] >= pd.Timestamp(period.start)).agg(
        n=("user_id", "size"),
        people=("user_id", "nunique"),
        impressions=("impressions", "sum"),
        reactions=("reactions", "sum"),
        comments=("comments", "sum"),
        shares=("shares", "sum"),
        clicks=("clicks", "sum"),
    )
    current.groupby([current["occurred_on"].dt.to_period("W").dt.start_time, "platform"]).agg(
        n=("user_id", "size"), impressions=("impressions", "sum")
    )
    current.groupby("department_id", dropna=False).agg(n=("user_id", "size"), people=("user_id", "nunique"))
    current.groupby("user_id").size().nlargest(10)
    s["reported_at"] = pd.to_datetime(s["reported_at"])
    s = s[s["reported_at"] >= pd.Timestamp(period.previous().start)]
    s.groupby([s["reported_at"] >= pd.Timestamp(period.start), "signal_type"]).agg(
        n=("status", "size"), value=("estimated_value", "sum")
    )
    s.groupby([s["reported_at"].dt.to_period("W").dt.start_time, "signal_type"]).size()
    (pd.to_datetime(s["acknowledged_at"]) - s["reported_at"]).median()
    queue.put((time.perf_counter() - start) * 1000)


def _naive_ms(url: str, period: Period, runs: int) -> float:
    context = multiprocessing.get_context("spawn")
    target = importlib.import_module("bench.overview")._naive  # by its module name, even when run as __main__
    times = []
    for _ in range(runs):
        queue = context.Queue()
        child = context.Process(target=target, args=(url, period, queue))
        child.start()
        times.append(queue.get())
        child.join()
    return round(statistics.median(times), 1)


def _page_runs(url: str, executive: str, view: View, runs: int) -> dict[str, float]:
    """The whole page showing `view` through AppTest, signed in as `executive` (session state as
    after sign-in)."""
    from bench.apptest import signed_in_app
    from lib.ui import shell as ui

    at = signed_in_app(url, executive, timeout=120)

    def cold():
        overview._cache.clear()
        ui.engine().dispose()

    at.query_params.update(periods.to_query(view))
    at.switch_page(PAGE)
    cold()
    start = time.perf_counter()
    at.run()
    first = (time.perf_counter() - start) * 1000
    shown_start = formatting.day(view.period.start, "en")
    if at.exception or not at.metric or not any(shown_start in c.value for c in at.caption):
        raise SystemExit(f"the page failed: {at.exception} {[t.value for t in at.title]}")

    def run():
        return at.run()

    return {
        "page_first_ms": round(first, 1),
        "page_cold_ms": _median_ms(run, runs, before=cold),
        "page_warm_ms": _median_ms(run, runs),
    }


def measure(url: str, runs: int) -> dict:
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine, write=False) as session:
        contributions = session.scalar(select(func.count()).select_from(Contribution))
        latest = session.scalar(select(func.max(Contribution.occurred_on))) or utcnow().date()
        executive = session.scalar(
            select(User.username)
            .join(UserRole)
            .where(UserRole.role == "executive", User.is_active)
            .order_by(User.id)
        )
    view = View("custom", Period(latest - timedelta(days=DAYS - 1), latest))
    viewer = Actor(id=None, username="bench", roles=frozenset({"executive"}))

    def data():
        with session_scope(engine, write=False) as session:
            return overview.overview(session, viewer, view)

    def cold():
        overview._cache.clear()
        engine.dispose()  # new connections: nothing cached by the database driver either

    figures = {"data_cold_ms": _median_ms(data, runs, before=cold)}
    data()
    figures["data_warm_ms"] = _median_ms(data, runs)
    queries, params = [text(q) for q in _raw_sql(engine.dialect.name)], _params(view.period)

    def group_by():
        with engine.connect() as conn:
            for query in queries:
                conn.execute(query, params).all()

    figures["groupby_ms"] = _median_ms(group_by, runs, before=engine.dispose)
    figures["naive_ms"] = _naive_ms(url, view.period, max(1, min(runs, 3)))
    if executive:
        figures |= _page_runs(url, executive, view, runs)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {
        **figures,
        "contributions": contributions,
        "database": engine.dialect.name,
        "period": f"{view.period.start}..{view.period.end}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overview", description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (medians are reported)")
    parser.add_argument("--database-url", help="use this database (seeded first if it holds no organisation)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_overview_") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'overview.db'}"
        engine = make_engine(url)
        migrate(engine)
        with session_scope(engine, write=False) as session:
            empty = not session.scalar(select(func.count()).select_from(Department))
        engine.dispose()
        if empty:
            print(
                f"seeding {args.employees} employees and {args.contributions} contributions…", file=sys.stderr
            )
            started = time.perf_counter()
            _seed(url, args.employees, args.contributions, args.seed)
            print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if engine.dialect.name == "postgresql":  # planner statistics after a bulk load, as autovacuum would
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            engine.dispose()
        result = measure(url, args.runs)
    for key, value in result.items():
        print(f"{key:>15}: {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
