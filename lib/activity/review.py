"""Plausibility review of contribution figures: checks, the HR queue and its decisions.

A contribution whose figures look implausible is *held out* (review = "pending"): the rollup
triggers leave it out of reach, engagement, earned value and contribution counts, and points
ignore it, until HR approves it (counted as is), corrects it (counted with HR's figures) or
rejects it (never counted). The person sees the status and the reasons; every decision is
audited. Checks (each a reason code, `review.reason.<code>` in the interface strings):

- above_ceiling: impressions above the platform's ceiling (option `review.ceilings`);
- above_usual: impressions far above the person's usual reach on that platform (the median of
  their last counted contributions there with known reach, when there are enough of them);
- engagement_above_reach, clicks_above_reach: more engagement or clicks than impressions;
- future_date: a date after today; before_joining: a date before the person's start date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.core import audit, options
from lib.core.errors import NotFound, Problem, ValidationError
from lib.core.fields import Checker
from lib.core.models import Contribution, Department, User, utcnow
from lib.core.permissions import Actor, require

REASONS = (
    "above_ceiling",
    "above_usual",
    "engagement_above_reach",
    "clicks_above_reach",
    "future_date",
    "before_joining",
)
COUNTED = ("ok", "approved")  # the review states whose figures count (see `counted`)
STATES = ("ok", "pending", "approved", "rejected")
DECISIONS = ("approve", "correct", "reject")
CEILINGS_KEY = "review.ceilings"
DEFAULT_CEILINGS = {
    "linkedin": 1_000_000,
    "x": 5_000_000,
    "facebook": 1_000_000,
    "instagram": 1_000_000,
    "youtube": 2_000_000,
    "blog": 500_000,
    "other": 500_000,
}
USUAL_FACTOR = 20  # "far above": more than 20 times the usual reach ...
USUAL_FLOOR = 5_000  # ... and at least this many impressions
USUAL_HISTORY = 3  # contributions with known reach needed before "usual" means anything
USUAL_WINDOW = 50  # the last contributions the usual reach is taken from
QUEUE_LIMIT = 500


def counted():
    """The SQL condition "this contribution's figures count" (not held out for review)."""
    return Contribution.review.in_(COUNTED)


def ceilings(session: Session) -> dict[str, int]:
    return {**DEFAULT_CEILINGS, **options.get(session, CEILINGS_KEY, {})}


def usual_reach(session: Session, user_id: int, platform: str, exclude_id: int | None = None) -> float | None:
    """The person's usual impressions on `platform` (median of the last counted ones), or None."""
    c = Contribution
    query = (
        select(c.impressions)
        .where(c.user_id == user_id, c.platform == platform, c.impressions.is_not(None), counted())
        .order_by(c.occurred_on.desc(), c.id.desc())
        .limit(USUAL_WINDOW)
    )
    if exclude_id is not None:
        query = query.where(c.id != exclude_id)
    values = [v for v in session.scalars(query) if v is not None]
    return float(median(values)) if len(values) >= USUAL_HISTORY else None


@dataclass
class Checks:
    """The plausibility checks for one person, with what they need read once (many rows)."""

    session: Session
    user_id: int
    today: date

    def __post_init__(self) -> None:
        self.ceilings = ceilings(self.session)
        self.start_date = self.session.scalar(select(User.start_date).where(User.id == self.user_id))
        self._usual: dict[tuple[str, int | None], float | None] = {}

    def usual(self, platform: str, exclude_id: int | None = None) -> float | None:
        key = (platform, exclude_id)
        if key not in self._usual:
            self._usual[key] = usual_reach(self.session, self.user_id, platform, exclude_id)
        return self._usual[key]

    def reasons(self, values: dict, exclude_id: int | None = None) -> list[str]:
        """The reason codes that hold `values` (a contribution's fields) for review."""
        out: list[str] = []
        day, platform = values.get("occurred_on"), values.get("platform")
        reach = values.get("impressions")
        if reach is not None and platform:
            if reach > self.ceilings.get(platform, DEFAULT_CEILINGS["other"]):
                out.append("above_ceiling")
            else:
                usual = self.usual(platform, exclude_id)
                if usual is not None and reach >= USUAL_FLOOR and reach > USUAL_FACTOR * max(usual, 1):
                    out.append("above_usual")
            engagement = sum(values.get(n) or 0 for n in ("reactions", "comments", "shares", "engagements"))
            if engagement > reach:
                out.append("engagement_above_reach")
            if (values.get("clicks") or 0) > reach:
                out.append("clicks_above_reach")
        if day is not None and day > self.today:
            out.append("future_date")
        if day is not None and self.start_date is not None and day < self.start_date:
            out.append("before_joining")
        return out


def apply(row: Contribution, reasons: list[str]) -> None:
    """Hold `row` for review when there are reasons; release it when a re-check finds none.
    A rejected contribution stays rejected; an approved one is held again only for new reasons."""
    if row.review == "rejected":
        return
    if reasons:
        if row.review == "approved" and set(reasons) <= set((row.review_reasons or "").split(",")):
            return
        row.review, row.review_reasons = "pending", ",".join(reasons)
        row.reviewed_by = row.reviewed_at = row.review_note = None
    elif row.review == "pending":
        row.review, row.review_reasons = "ok", None


# --- the queue ----------------------------------------------------------------------------


def pending_count(session: Session, department_id: int | None = None) -> int:
    """How many contributions wait for a review decision (in a department of the contribution)."""
    query = select(func.count()).select_from(Contribution).where(Contribution.review == "pending")
    if department_id:
        query = query.where(Contribution.department_id == department_id)
    return int(session.scalar(query) or 0)


def queue(session: Session, actor: Actor, state: str = "pending", limit: int = QUEUE_LIMIT) -> pd.DataFrame:
    """Contributions in review `state` (pending by default), oldest first, with the person's
    usual reach on the platform so the reviewer can compare."""
    require(actor, "contributions.review")
    if state not in STATES:
        raise ValidationError([Problem("activity.unknown_value", "review.state", params={"value": state})])
    c = Contribution
    query = (
        select(
            c.id,
            c.user_id,
            User.full_name.label("person"),
            Department.name.label("department"),
            c.occurred_on,
            c.platform,
            c.kind,
            c.url,
            c.note,
            c.impressions,
            c.reactions,
            c.comments,
            c.shares,
            c.engagements,
            c.clicks,
            c.figures_source,
            c.review,
            c.review_reasons,
            c.review_note,
            c.created_at,
        )
        .join(User, User.id == c.user_id)
        .outerjoin(Department, Department.id == c.department_id)
        .where(c.review == state)
        .order_by(c.created_at, c.id)
        .limit(limit)
    )
    df = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    df["usual_reach"] = [
        usual_reach(session, uid, platform, cid)
        for uid, platform, cid in zip(df["user_id"], df["platform"], df["id"], strict=True)
    ]
    figures = ("impressions", "reactions", "comments", "shares", "engagements", "clicks")
    return df.astype(dict.fromkeys(figures, "Int64"))


def decide(
    session: Session,
    actor: Actor,
    contribution_id: int,
    decision: str,
    *,
    note: str | None = None,
    figures: dict | None = None,
) -> Contribution:
    """HR's decision on a held contribution: approve, correct (with `figures`) or reject."""
    require(actor, "contributions.review")
    row = session.get(Contribution, contribution_id)
    if row is None:
        raise NotFound("contrib.not_found")
    ck = Checker()
    if decision not in DECISIONS:
        ck.fail("activity.unknown_value", "review.decision", value=str(decision))
    clean_note = ck.optional_text("review.note", note, 2000)
    if decision == "reject" and not clean_note:
        ck.fail("review.note_required", "review.note")
    corrected: dict = {}
    if decision == "correct":
        for name in ("impressions", "reactions", "comments", "shares", "engagements", "clicks"):
            if figures and name in figures:
                corrected[name] = ck.count(f"contrib.{name}", figures[name])
        if not corrected:
            ck.fail("review.figures_required", "contrib.impressions")
        elif corrected.get("impressions") is not None:
            reach = corrected["impressions"]
            merged = {
                n: getattr(row, n) for n in ("reactions", "comments", "shares", "engagements", "clicks")
            }
            merged.update({k: v for k, v in corrected.items() if k != "impressions"})
            if sum(merged[n] or 0 for n in ("reactions", "comments", "shares", "engagements")) > reach:
                ck.fail("review.reason.engagement_above_reach", "contrib.impressions")
    ck.raise_if_any()
    before = {n: getattr(row, n) for n in corrected}
    for name, value in corrected.items():
        setattr(row, name, value)
    now = utcnow()
    if corrected:
        row.figures_source, row.figures_at = "corrected", now
    previous = row.review
    row.review = "rejected" if decision == "reject" else "approved"
    row.reviewed_by, row.reviewed_at, row.review_note = actor.id, now, clean_note
    audit.record(
        session,
        actor,
        f"contribution.review_{decision}",
        str(row.id),
        subject=row.user_id,
        previous=previous,
        reasons=row.review_reasons,
        note=clean_note,
        before=before or None,
        after=corrected or None,
    )
    session.flush()
    return row
