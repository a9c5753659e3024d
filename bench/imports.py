"""Benchmark of platform analytics imports: `python -m bench.imports [--people 200] [--database-url URL]`.

On a temporary SQLite file (or the empty database given with --database-url), measures:

1. one member's LinkedIn export of 50 posts and 365 days (half the posts already logged by hand):
   preview, apply, the same file again (nothing to change) and a later export (figures updated);
   the same for an X export of 50 posts;
2. an organisation: `--people` members each importing a LinkedIn export of 50 posts and 365 days
   (10,000 contributions' worth with the default 200 people), half of each member's posts
   already logged: the total time to preview and to apply every file, and the median per file.

Times are in milliseconds (medians of --runs runs for part 1). The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from lib.activity import analytics_import as ai
from lib.activity.urls import url_key
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Contribution, User, UserRole, utcnow
from lib.core.permissions import Actor
from tests.analytics_files import linkedin_url, linkedin_xlsx, x_csv, year_of_days

POSTS, DAYS = 50, 365


def _people(engine, n: int) -> list[Actor]:
    with session_scope(engine) as session:
        start = session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0
        rows = [
            {"username": f"bench{start + i}", "email": f"bench{start + i}@example.com", "full_name": f"B {i}"}
            for i in range(n)
        ]
        session.execute(insert(User), rows)
        ids = session.scalars(select(User.id).where(User.username.in_([r["username"] for r in rows]))).all()
        session.execute(insert(UserRole), [{"user_id": i, "role": "employee"} for i in ids])
    return [Actor(id=i, username=f"u{i}", roles=frozenset({"employee"})) for i in sorted(ids)]


def _posts(person: int, later: bool = False) -> list[tuple]:
    today = utcnow().date()
    base = person * 1000
    return [
        (
            base + k,
            today - timedelta(days=3 + 7 * k),
            20 + k + (5 if later else 0),
            800 + 10 * k + (90 if later else 0),
        )
        for k in range(POSTS)
    ]


def _log_half(engine, actor: Actor, person: int) -> None:
    """Half of the member's posts were logged by hand before the export (they will be updated)."""
    now = utcnow()
    rows = [
        {
            "user_id": actor.id,
            "occurred_on": day,
            "platform": "linkedin",
            "kind": "original_post",
            "url": linkedin_url(n, 1),
            "url_key": url_key(linkedin_url(n, 1)),
            "impressions": 700,
            "created_at": now,
            "updated_at": now,
        }
        for n, day, _, _ in _posts(person)[::2]
    ]
    with session_scope(engine) as session:
        session.execute(insert(Contribution), rows)


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def _run(engine, fn, actor, data, name):
    with session_scope(engine, write=fn is ai.apply) as session:
        return fn(session, actor, data, name)


def _steps(engine, actor: Actor, data: bytes, later: bytes, xdata: bytes) -> dict:
    return {
        "linkedin_read_ms": lambda: ai.read_export(data, "e.xlsx"),
        "linkedin_preview_ms": lambda: _run(engine, ai.preview, actor, data, "e.xlsx"),
        "linkedin_apply_ms": lambda: _run(engine, ai.apply, actor, data, "e.xlsx"),
        "linkedin_reimport_ms": lambda: _run(engine, ai.apply, actor, data, "e.xlsx"),
        "linkedin_later_export_ms": lambda: _run(engine, ai.apply, actor, later, "later.xlsx"),
        "x_preview_ms": lambda: _run(engine, ai.preview, actor, xdata, "x.csv"),
        "x_apply_ms": lambda: _run(engine, ai.apply, actor, xdata, "x.csv"),
    }


def one_member(engine, runs: int) -> dict[str, float]:
    out: dict[str, list[float]] = {}
    today = utcnow().date()
    for r in range(runs):
        [actor] = _people(engine, 1)
        person = 100_000 + r
        _log_half(engine, actor, person)
        data = linkedin_xlsx(_posts(person), year_of_days(today - timedelta(days=1), DAYS))
        later = linkedin_xlsx(_posts(person, later=True), year_of_days(today, DAYS))
        xdata = x_csv([(n, d, imp, eng, 1, 1, 2) for n, d, eng, imp in _posts(person)])
        steps = _steps(engine, actor, data, later, xdata)
        for name, step in steps.items():
            ms, result = _time(step)
            out.setdefault(name, []).append(ms)
            if name == "linkedin_apply_ms":
                assert result.count("create") == POSTS // 2 and result.count("update") == POSTS // 2
            if name == "linkedin_reimport_ms":
                assert not result.changes
    return {k: round(statistics.median(v), 1) for k, v in out.items()}


def organisation(engine, people: int) -> dict[str, float]:
    today = utcnow().date()
    actors = _people(engine, people)
    files = []
    for i, actor in enumerate(actors):
        _log_half(engine, actor, i)
        files.append((actor, linkedin_xlsx(_posts(i), year_of_days(today - timedelta(days=1), DAYS))))
    previews, applies = [], []
    created = updated = 0
    for actor, data in files:
        ms, _ = _time(lambda actor=actor, data=data: _run(engine, ai.preview, actor, data, "e.xlsx"))
        previews.append(ms)
    for actor, data in files:
        ms, plan = _time(lambda actor=actor, data=data: _run(engine, ai.apply, actor, data, "e.xlsx"))
        applies.append(ms)
        created, updated = created + plan.count("create"), updated + plan.count("update")
    return {
        "org_people": people,
        "org_posts": people * POSTS,
        "org_created": created,
        "org_updated": updated,
        "org_preview_total_s": round(sum(previews) / 1000, 2),
        "org_apply_total_s": round(sum(applies) / 1000, 2),
        "org_preview_median_ms": round(statistics.median(previews), 1),
        "org_apply_median_ms": round(statistics.median(applies), 1),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=200, help="members importing (× 50 posts each)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--database-url")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        migrate(engine)
        figures = {"database": engine.dialect.name, **one_member(engine, args.runs)}
        for key, value in figures.items():
            print(f"{key:<28} {value}")
        org = organisation(engine, args.people)
        for key, value in org.items():
            print(f"{key:<28} {value}")
        engine.dispose()
    print(json.dumps({**figures, **org}))


if __name__ == "__main__":
    main()
