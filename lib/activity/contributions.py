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

from lib.activity import review
from lib.activity.urls import url_key
from lib.core import audit, options
from lib.core.db import fetch
from lib.core.errors import NotFound, PermissionDenied
from lib.core.fields import Checker
from lib.core.models import AnalyticsImport, ContentItem, Contribution, User, utcnow
from lib.core.permissions import Actor, require
from lib.core.vocab import CONTRIBUTION_KINDS, KINDS_WITH_LINK, PLATFORMS

FIGURES = ("impressions", "reactions", "comments", "shares", "clicks")
# Field names as in the import file; problems name them `contrib.<column>`.
COLUMNS = ("date", "platform", "kind", "url", *FIGURES, "minutes_spent", "note")
MAX_MINUTES = 24 * 60
MAX_NOTE = 2000
LIST_LIMIT = 500
WEEKLY_GOAL = 2  # default of option contributions.weekly_goal


def engagement_expr():
    """Reactions + comments + shares of a contribution, plus the platform's engagement total when
    it gives no split (unknown figures count as 0)."""
    c = Contribution
    return (
        func.coalesce(c.reactions, 0)
        + func.coalesce(c.comments, 0)
        + func.coalesce(c.shares, 0)
        + func.coalesce(c.engagements, 0)
    )


def latest_day() -> date:
    """The latest date accepted: today (UTC). A future date is refused, not kept out of sight."""
    return utcnow().date()


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
    if clean["kind"] in KINDS_WITH_LINK:
        if clean["url"] is None and not any(p.field == "contrib.url" for p in ck.problems):
            ck.fail("contrib.link_required", "contrib.url")
    elif (
        clean["kind"]
        and clean["url"] is None
        and clean["note"] is None
        and not any(p.field in ("contrib.url", "contrib.note") for p in ck.problems)
    ):
        ck.fail("contrib.what_was_done", "contrib.note")
    return clean


def duplicate_of(session: Session, user_id: int, key: str | None, exclude_id: int | None = None):
    """The person's contribution with the same post (url_key), if any: (id, date, platform)."""
    if key is None:
        return None
    c = Contribution
    query = select(c.id, c.occurred_on, c.platform, c.kind).where(c.user_id == user_id, c.url_key == key)
    if exclude_id is not None:
        query = query.where(c.id != exclude_id)
    return session.execute(query.order_by(c.id).limit(1)).first()


def duplicate_problem(ck: Checker, found) -> None:
    """Refuse a link already logged, pointing to the existing entry (date, platform, kind)."""
    _, day, platform, kind = found
    ck.fail("contrib.duplicate_link", "contrib.url", date=day, platform=platform, kind=kind)


def _validated(session: Session, user_id: int, values: dict, exclude_id: int | None = None) -> dict:
    ck = Checker()
    clean = check(ck, values)
    item_id = values.get("content_item_id")
    if item_id is not None and session.get(ContentItem, item_id) is None:
        ck.fail("contrib.unknown_content", "contrib.content_item")
    clean["url_key"] = url_key(clean["url"])
    found = duplicate_of(session, user_id, clean["url_key"], exclude_id)
    if found is not None:
        duplicate_problem(ck, found)
    ck.raise_if_any()
    clean["content_item_id"] = item_id
    return clean


def _has_figures(values: dict) -> bool:
    return any(values.get(n) is not None for n in FIGURES)


def log_contribution(session: Session, actor: Actor, **values) -> Contribution:
    """Record one of the actor's own contributions (values keyed as COLUMNS, plus content_item_id).
    Figures are marked as typed; implausible ones hold the contribution for review."""
    require(actor, "contributions.log")
    clean = _validated(session, actor.user_id, values)
    author = fetch(session, User, actor.user_id, "error.user_not_found")
    reasons = review.Checks(session, actor.user_id, utcnow().date()).reasons(clean)
    row = Contribution(
        user_id=actor.id,
        department_id=author.department_id,
        figures_source="typed",
        figures_at=utcnow() if _has_figures(clean) else None,
        review="ok",
        **clean,
    )
    review.apply(row, reasons)
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
    require(actor, "contributions.log")
    row = _own(session, actor, contribution_id)
    clean = _validated(session, actor.user_id, values, exclude_id=row.id)
    changed = any(getattr(row, n) != clean[n] for n in FIGURES)
    for name, value in clean.items():
        setattr(row, name, value)
    if changed:  # figures the person changes are theirs again, whatever they came from
        row.figures_source, row.figures_at, row.analytics_import_id = "typed", utcnow(), None
        if row.engagements is not None and any(
            clean[n] is not None for n in ("reactions", "comments", "shares")
        ):
            row.engagements = None
    checks = review.Checks(session, actor.user_id, utcnow().date())
    review.apply(row, checks.reasons({**clean, "engagements": row.engagements}, exclude_id=row.id))
    session.flush()
    return row


def delete_contribution(session: Session, actor: Actor, contribution_id: int) -> None:
    require(actor, "contributions.log")
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
    require(actor, "contributions.log")
    c = Contribution
    total = session.scalar(select(func.count()).select_from(c).where(*_mine(actor, f))) or 0
    query = (
        select(
            c.id,
            c.occurred_on,
            c.platform,
            c.kind,
            c.url,
            ContentItem.title.label("content_item"),
            *[getattr(c, n) for n in FIGURES],
            c.engagements,
            engagement_expr().label("engagement"),
            c.minutes_spent,
            c.note,
            c.figures_source,
            AnalyticsImport.filename.label("source_file"),
            c.figures_at,
            c.review,
            c.review_reasons,
            c.review_note,
        )
        .outerjoin(ContentItem, ContentItem.id == c.content_item_id)
        .outerjoin(AnalyticsImport, AnalyticsImport.id == c.analytics_import_id)
        .where(*_mine(actor, f))
        .order_by(c.occurred_on.desc(), c.id.desc())
        .limit(limit)
    )
    rows = session.execute(query).all()
    df = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
    return df.astype(dict.fromkeys((*FIGURES, "engagements", "engagement", "minutes_spent"), "Int64")), total


def my_figures(session: Session, actor: Actor, f: Filters) -> dict:
    """Count, reach, engagement, engagement rate, minutes for `f`, and the weekly streak."""
    require(actor, "contributions.log")
    c = Contribution
    eng = engagement_expr()
    known = c.impressions.is_not(None)
    row = session.execute(
        select(
            func.count(),
            func.sum(c.impressions),
            func.sum(
                case(
                    (
                        c.reactions.is_not(None)
                        | c.comments.is_not(None)
                        | c.shares.is_not(None)
                        | c.engagements.is_not(None),
                        eng,
                    )
                )
            ),
            func.sum(case((known, eng), else_=0)),
            func.sum(c.minutes_spent),
        ).where(*_mine(actor, f), review.counted())
    ).one()
    count, reach, engagement, engagement_known, minutes = row
    held = session.scalar(select(func.count()).select_from(c).where(*_mine(actor, f), c.review == "pending"))
    goal = max(1, int(options.get(session, "contributions.weekly_goal", WEEKLY_GOAL)))
    weeks, this_week = streak(session, actor.user_id, utcnow().date(), goal)
    return {
        "count": count,
        "reach": reach,
        "engagement": engagement,
        "engagement_rate": (engagement_known / reach) if reach else None,
        "minutes": minutes,
        "streak_weeks": weeks,
        "this_week": this_week,
        "weekly_goal": goal,
        "held": int(held or 0),  # waiting for review: counted nowhere until HR decides
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
        .where(c.user_id == user_id, c.occurred_on <= today, review.counted())
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
    require(actor, "contributions.log")
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
            c.engagements,
            c.figures_source,
            AnalyticsImport.filename.label("figures_file"),
            AnalyticsImport.imported_at.label("figures_imported_at_utc"),
            c.figures_at.label("figures_at_utc"),
            c.review,
            c.review_reasons,
        )
        .outerjoin(ContentItem, ContentItem.id == c.content_item_id)
        .outerjoin(AnalyticsImport, AnalyticsImport.id == c.analytics_import_id)
        .where(c.user_id == actor.id)
        .order_by(c.occurred_on, c.id)
    )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    return df.astype(dict.fromkeys((*FIGURES, "minutes_spent", "engagements"), "Int64"))


def pick_labels(entries: list[tuple[int, str]]) -> dict[int, str]:
    """Labels for the edit picker, one per contribution and all different: a label shared by
    several entries (same day, platform, kind, link and figures) gets " (2)", " (3)"... in list
    order. Streamlit tells options apart by their label, so equal labels open the same entry."""
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for key, text in entries:
        seen[text] = seen.get(text, 0) + 1
        out[key] = text if seen[text] == 1 else f"{text} ({seen[text]})"
    return out
