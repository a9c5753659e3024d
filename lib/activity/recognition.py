"""Recognition: points for contributions and resolved signals, and leaderboards for a period.

How points are counted (the defaults below; HR and admins change them, option `recognition.rules`):

- a contribution earns points for its kind: 3 for an original post or a reply to a customer, 2 for
  a group discussion, an event promotion or a job-offer share, 1 for a share or a comment;
- plus 1 point per 10 engagements (reactions + comments + shares), at most 20 per contribution:
  engagement weighs more than the number of posts, and impressions alone earn nothing;
- only a person's 5 best contributions of a day count, and a day brings at most 40 points, so
  volume cannot be gamed;
- a customer signal they reported earns 10 points once resolved (won, lost or closed), counting at
  most 3 signals reported on the same day.

Points are computed from the records in SQL, never stored: a rule change applies to every period.
People who opt out appear as an anonymous ambassador; teams are ranked on their members' points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from lib.activity import review
from lib.activity.contributions import WEEKLY_GOAL, engagement_expr
from lib.core import audit, options
from lib.core.db import fetch
from lib.core.fields import Checker
from lib.core.models import Contribution, CustomerSignal, Department, Team, User
from lib.core.permissions import Actor, require
from lib.core.vocab import CONTRIBUTION_KINDS

DEFAULTS = {
    "original_post": 3,
    "customer_reply": 3,
    "group_discussion": 2,
    "event_promotion": 2,
    "job_share": 2,
    "share": 1,
    "comment": 1,
    "engagement_per_point": 10,
    "engagement_cap": 20,
    "contributions_per_day": 5,
    "daily_cap": 40,
    "signal_resolved": 10,
    "signals_per_day": 3,
}
AT_LEAST_ONE = ("engagement_per_point", "contributions_per_day", "signals_per_day")
MAX_RULE = 1000
TOP = 20


def rules(session: Session, actor: Actor | None = None) -> dict[str, int]:
    """The point rules in force: the defaults, overridden by option recognition.rules."""
    return {**DEFAULTS, **options.get(session, "recognition.rules", {})}


def update_rules(session: Session, actor: Actor, values: dict, weekly_goal) -> None:
    """HR/admin: change the point rules and the weekly contribution goal (whole numbers)."""
    require(actor, "recognition.configure")
    ck = Checker()
    clean = {key: _whole(ck, f"recognition.{key}", values.get(key), key in AT_LEAST_ONE) for key in DEFAULTS}
    goal = _whole(ck, "recognition.weekly_goal", weekly_goal, True, maximum=100)
    ck.raise_if_any()
    options.put(session, actor, "recognition.rules", clean)
    options.put(session, actor, "contributions.weekly_goal", goal)


def _whole(ck: Checker, field: str, value, positive: bool, maximum: int = MAX_RULE) -> int | None:
    """A required whole number from 0 (or 1 when `positive`) to `maximum`."""
    number = ck.count(field, value, maximum)
    if value is None or value == "":
        ck.fail("activity.required", field)
    elif positive and number == 0:
        ck.fail("recognition.at_least_one", field)
    return number


def settings(session: Session, actor: Actor) -> dict:
    return {
        "rules": rules(session),
        "weekly_goal": int(options.get(session, "contributions.weekly_goal", WEEKLY_GOAL)),
    }


def set_opt_out(session: Session, actor: Actor, opt_out: bool) -> None:
    """A person hides (or shows again) their name on the leaderboard."""
    require(actor, "recognition.view")
    user = fetch(session, User, actor.user_id, "error.user_not_found")
    user.leaderboard_opt_out = bool(opt_out)
    audit.record(session, actor, "leaderboard.opt_out" if opt_out else "leaderboard.opt_in", subject=actor.id)


def _capped(value, cap):
    return case((value > cap, cap), else_=value)


def _contribution_points(r: dict, start: date, end: date):
    """(user_id, points) per person and day: best contributions of the day, day capped."""
    c = Contribution
    base = case(*[(c.kind == k, r[k]) for k in CONTRIBUTION_KINDS], else_=0)
    points = base + _capped(engagement_expr() // r["engagement_per_point"], r["engagement_cap"])
    ranked = (
        select(
            c.user_id,
            c.occurred_on,
            points.label("points"),
            func.row_number()
            .over(partition_by=(c.user_id, c.occurred_on), order_by=(points.desc(), c.id))
            .label("rn"),
        )
        .where(c.occurred_on >= start, c.occurred_on <= end, review.counted())  # held out: no points
        .subquery()
    )
    daily = (
        select(ranked.c.user_id, func.sum(ranked.c.points).label("points"))
        .where(ranked.c.rn <= r["contributions_per_day"])
        .group_by(ranked.c.user_id, ranked.c.occurred_on)
        .subquery()
    )
    return select(daily.c.user_id, _capped(daily.c.points, r["daily_cap"]).label("points"))


def _signal_points(r: dict, start: date, end: date):
    """(user_id, points) per resolved signal in the period, at most `signals_per_day` per reporting day."""
    s = CustomerSignal
    ranked = (
        select(
            s.reporter_id.label("user_id"),
            func.row_number()
            .over(partition_by=(s.reporter_id, func.date(s.reported_at)), order_by=s.id)
            .label("rn"),
        )
        .where(
            s.status == "resolved",
            s.resolved_at >= datetime.combine(start, time()),
            s.resolved_at < datetime.combine(end + timedelta(days=1), time()),
        )
        .subquery()
    )
    return select(ranked.c.user_id, literal(r["signal_resolved"]).label("points")).where(
        ranked.c.rn <= r["signals_per_day"]
    )


def _totals(session: Session, start: date, end: date):
    """Points per active person for the period, as a subquery (user_id, points)."""
    r = rules(session)
    earned = union_all(_contribution_points(r, start, end), _signal_points(r, start, end)).subquery()
    return (
        select(earned.c.user_id, func.sum(earned.c.points).label("points"))
        .join(User, User.id == earned.c.user_id)
        .where(User.is_active)
        .group_by(earned.c.user_id)
        .having(func.sum(earned.c.points) > 0)
        .subquery()
    )


@dataclass(frozen=True)
class Standings:
    """Everyone's points for a period (the same for every reader, so it can be cached)."""

    people: pd.DataFrame  # user_id, name, opted_out, team, points, rank (best first)
    teams: pd.DataFrame  # team, department, ambassadors, points (best first)

    def for_person(self, user_id: int, top: int = TOP) -> pd.DataFrame:
        """The top people and the reader (rank, name, team, points, is_me); opted-out names hidden
        from everyone else."""
        p = self.people
        is_me = p["user_id"] == user_id
        shown = p[(p["rank"] <= top) | is_me].assign(is_me=is_me)
        shown["name"] = shown["name"].where(~shown["opted_out"] | shown["is_me"], None)
        return shown[["rank", "name", "team", "points", "is_me"]].reset_index(drop=True)

    def of(self, user_id: int) -> tuple[int, int | None]:
        """(points, rank) of one person; (0, None) without points."""
        row = self.people[self.people["user_id"] == user_id]
        return (0, None) if row.empty else (int(row["points"].iloc[0]), int(row["rank"].iloc[0]))


def standings(session: Session, actor: Actor, start: date, end: date) -> Standings:
    """Points per active person and per team from `start` to `end` (both included), ranked in SQL."""
    require(actor, "recognition.view")
    totals = _totals(session, start, end)
    # One statement: the totals (a window over every contribution of the period) are computed once;
    # each team's sum and size come with its members' rows (SQL windows), then one row per team.
    rows = session.execute(
        select(
            totals.c.user_id,
            # an opted-out person's name never leaves the database (the result is shared and cached)
            case((User.leaderboard_opt_out, None), else_=User.full_name).label("name"),
            User.leaderboard_opt_out.label("opted_out"),
            Team.name.label("team"),
            totals.c.points,
            func.rank().over(order_by=totals.c.points.desc()).label("rank"),
            Team.id.label("team_id"),
            Department.name.label("department"),
            func.count().over(partition_by=Team.id).label("ambassadors"),
            func.sum(totals.c.points).over(partition_by=Team.id).label("team_points"),
        )
        .join(User, User.id == totals.c.user_id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Department, Department.id == Team.department_id)
        .order_by(totals.c.points.desc(), User.full_name)
    ).all()
    everyone = pd.DataFrame(
        rows,
        columns=[
            *("user_id", "name", "opted_out", "team", "points", "rank"),
            *("team_id", "department", "ambassadors", "team_points"),
        ],
    )
    teams = (
        everyone[everyone["team_id"].notna() & everyone["department"].notna()]
        .drop_duplicates("team_id")
        .sort_values(["team_points", "team"], ascending=[False, True], kind="stable")
    )
    return Standings(
        everyone[["user_id", "name", "opted_out", "team", "points", "rank"]].reset_index(drop=True),
        teams[["team", "department", "ambassadors", "team_points"]]
        .rename(columns={"team_points": "points"})
        .reset_index(drop=True),
    )


def opted_out(session: Session, actor: Actor) -> bool:
    return fetch(session, User, actor.user_id, "error.user_not_found").leaderboard_opt_out
