"""An ambassador's contributions: log, edit, delete, list, and their figures for a period.

Employees act on their own contributions only. The author's department is copied onto each row
when it is logged, so that history stays with the department it happened in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lib.core import audit, options
from lib.core.errors import NotFound, PermissionDenied
from lib.core.fields import Checker
from lib.core.models import ContentItem, Contribution, User, utcnow
from lib.core.permissions import Actor, require_role
from lib.core.vocab import CONTRIBUTION_KINDS, PLATFORMS

FIGURES = ("impressions", "reactions", "comments", "shares", "clicks")
# Field names as in the import file; problems name them `contrib.<column>`.
COLUMNS = ("date", "platform", "kind", "url", *FIGURES, "minutes_spent", "note")
MAX_MINUTES = 24 * 60
MAX_NOTE = 2000
LIST_LIMIT = 500
WEEKLY_GOAL = 2  # default of option contributions.weekly_goal


def engagement_expr():
    """Reactions + comments + shares of a contribution (unknown figures count as 0)."""
    c = Contribution
    return func.coalesce(c.reactions, 0) + func.coalesce(c.comments, 0) + func.coalesce(c.shares, 0)


def latest_day() -> date:
    """The latest date accepted: tomorrow in UTC, so that people east of UTC can log their evening."""
    return utcnow().date() + timedelta(days=1)


def check(ck: Checker, values: dict, aliases: dict | None = None) -> dict:
    """The contribution fields from `values` (keyed as COLUMNS), cleaned; problems go to `ck`."""
    aliases = aliases or {}
    get = values.get
    clean = {
        "occurred_on": ck.day("contrib.date", get("date"), latest_day()),
        "platform": ck.choice("contrib.platform", get("platform"), PLATFORMS, aliases.get("platform")),
        "kind": ck.choice("contrib.kind", get("kind"), CONTRIBUTION_KINDS, aliases.get("kind")),
        "url": ck.url("contrib.url", get("url")),
        "minutes_spent": ck.count("contrib.minutes_spent", get("minutes_spent"), MAX_MINUTES),
        "note": ck.optional_text("contrib.note", get("note"), MAX_NOTE),
    }
    for name in FIGURES:
        clean[name] = ck.count(f"contrib.{name}", get(name))
    return clean


def _validated(session: Session, values: dict) -> dict:
    ck = Checker()
    clean = check(ck, values)
    item_id = values.get("content_item_id")
    if item_id is not None and session.get(ContentItem, item_id) is None:
        ck.fail("contrib.unknown_content", "contrib.content_item")
    ck.raise_if_any()
    clean["content_item_id"] = item_id
    return clean


def log_contribution(session: Session, actor: Actor, **values) -> Contribution:
    """Record one of the actor's own contributions (values keyed as COLUMNS, plus content_item_id)."""
    require_role(actor, "employee")
    clean = _validated(session, values)
    author = session.get(User, actor.id)
    row = Contribution(user_id=actor.id, department_id=author.department_id, **clean)
    session.add(row)
    session.flush()
    return row


def _own(session: Session, actor: Actor, contribution_id: int) -> Contribution:
    row = session.get(Contribution, contribution_id)
    if row is None:
        raise NotFound("contrib.not_found")
    if row.user_id != actor.id:
        raise PermissionDenied("contrib.not_yours")
    return row


def update_contribution(session: Session, actor: Actor, contribution_id: int, **values) -> Contribution:
    """Change one of the actor's own contributions (the department snapshot is kept)."""
    require_role(actor, "employee")
    row = _own(session, actor, contribution_id)
    for name, value in _validated(session, values).items():
        setattr(row, name, value)
    return row


def delete_contribution(session: Session, actor: Actor, contribution_id: int) -> None:
    require_role(actor, "employee")
    row = _own(session, actor, contribution_id)
    audit.record(session, actor, "contribution.deleted", str(row.id), occurred_on=row.occurred_on.isoformat())
    session.delete(row)


def get_mine(session: Session, actor: Actor, contribution_id: int) -> dict:
    """One of the actor's contributions as form values (keyed as COLUMNS, plus content_item_id)."""
    row = _own(session, actor, contribution_id)
    values = {name: getattr(row, name) for name in COLUMNS if name != "date"}
    return {
        **values,
        "url": row.url or "",
        "note": row.note or "",
        "date": row.occurred_on,
        "content_item_id": row.content_item_id,
    }


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    platforms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def _mine(actor: Actor, f: Filters):
    """Conditions on the actor's rows in a period (served by the (user_id, occurred_on) index)."""
    c = Contribution
    conditions = [c.user_id == actor.id, c.occurred_on >= f.start, c.occurred_on <= f.end]
    if f.platforms:
        conditions.append(c.platform.in_(f.platforms))
    if f.kinds:
        conditions.append(c.kind.in_(f.kinds))
    return conditions


def list_mine(
    session: Session, actor: Actor, f: Filters, limit: int = LIST_LIMIT
) -> tuple[pd.DataFrame, int]:
    """The actor's contributions matching `f`, most recent first (at most `limit`), and how many match."""
    require_role(actor, "employee")
    c = Contribution
    total = session.scalar(select(func.count()).select_from(c).where(*_mine(actor, f)))
    query = (
        select(
            c.id,
            c.occurred_on,
            c.platform,
            c.kind,
            c.url,
            ContentItem.title.label("content_item"),
            *[getattr(c, n) for n in FIGURES],
            engagement_expr().label("engagement"),
            c.minutes_spent,
            c.note,
        )
        .outerjoin(ContentItem, ContentItem.id == c.content_item_id)
        .where(*_mine(actor, f))
        .order_by(c.occurred_on.desc(), c.id.desc())
        .limit(limit)
    )
    rows = session.execute(query).all()
    df = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
    return df.astype({n: "Int64" for n in (*FIGURES, "engagement", "minutes_spent")}), total


def my_figures(session: Session, actor: Actor, f: Filters) -> dict:
    """Count, reach, engagement, engagement rate, minutes for `f`, and the weekly streak."""
    require_role(actor, "employee")
    c = Contribution
    eng = engagement_expr()
    known = c.impressions.is_not(None)
    row = session.execute(
        select(
            func.count(),
            func.sum(c.impressions),
            func.sum(case((c.reactions.is_not(None) | c.comments.is_not(None) | c.shares.is_not(None), eng))),
            func.sum(case((known, eng), else_=0)),
            func.sum(c.minutes_spent),
        ).where(*_mine(actor, f))
    ).one()
    count, reach, engagement, engagement_known, minutes = row
    goal = max(1, int(options.get(session, "contributions.weekly_goal", WEEKLY_GOAL)))
    weeks, this_week = streak(session, actor.id, utcnow().date(), goal)
    return {
        "count": count,
        "reach": reach,
        "engagement": engagement,
        "engagement_rate": (engagement_known / reach) if reach else None,
        "minutes": minutes,
        "streak_weeks": weeks,
        "this_week": this_week,
        "weekly_goal": goal,
    }


def streak(session: Session, user_id: int, today: date, goal: int) -> tuple[int, int]:
    """(consecutive ISO weeks up to this one in which the person logged at least `goal`
    contributions, contributions so far this week).

    The current week counts once the goal is met; until then it does not break the streak.
    """
    monday = today - timedelta(days=today.weekday())
    c = Contribution
    per_day = session.execute(
        select(c.occurred_on, func.count())
        .where(c.user_id == user_id, c.occurred_on <= today)
        .group_by(c.occurred_on)
    ).all()
    weeks: dict[date, int] = {}
    for day, n in per_day:
        start = day - timedelta(days=day.weekday())
        weeks[start] = weeks.get(start, 0) + n
    this_week = weeks.get(monday, 0)
    count = 1 if this_week >= goal else 0
    week = monday - timedelta(weeks=1)
    while weeks.get(week, 0) >= goal:
        count += 1
        week -= timedelta(weeks=1)
    return count, this_week


def export_mine(session: Session, actor: Actor) -> pd.DataFrame:
    """All the actor's contributions, in the import file's columns (plus the shared content item)."""
    require_role(actor, "employee")
    c = Contribution
    query = (
        select(
            c.occurred_on.label("date"),
            c.platform,
            c.kind,
            c.url,
            *[getattr(c, n) for n in FIGURES],
            c.minutes_spent,
            c.note,
            ContentItem.title.label("content_item"),
            c.created_at.label("recorded_at_utc"),
        )
        .outerjoin(ContentItem, ContentItem.id == c.content_item_id)
        .where(c.user_id == actor.id)
        .order_by(c.occurred_on, c.id)
    )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    return df.astype({n: "Int64" for n in (*FIGURES, "minutes_spent")})
