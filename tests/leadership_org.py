"""A small organisation with known leadership figures, for the overview's unit and page tests.

Relative to `today` (T), for the "last 30 days" view [T-29, T] and its previous period [T-59, T-30]:
workforce alice, bob, carol (Sales) and dan, gus (Marketing); erin (Marketing) has left; vera
is an executive and hana HR (neither is in the workforce). carol hides from leaderboards.
The expected figures are in EXPECTED; see each list below for how they add up.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import update

from lib.core.db import session_scope
from lib.core.models import (
    Certification,
    Contribution,
    CustomerSignal,
    Department,
    LessonProgress,
    ModuleCompletion,
    QuizAttempt,
    Team,
    TrainingModule,
    User,
)
from lib.core.permissions import Actor
from lib.people import accounts as auth
from lib.training.catalogue import load_modules, policy
from tests.conftest import PASSWORD

PEOPLE = {  # username: (department, team, roles, profile)
    "alice": ("Sales", "Key accounts", ("employee",), {}),
    "bob": ("Sales", "Key accounts", ("employee",), {}),
    "carol": ("Sales", "SMB", ("employee",), {"leaderboard_opt_out": True}),
    "dan": ("Marketing", "Brand", ("employee",), {}),
    "gus": ("Marketing", "Brand", ("employee",), {}),
    "erin": ("Marketing", "Brand", ("employee",), {"is_active": False}),
    "vera": (None, None, ("executive",), {}),
    "hana": (None, None, ("hr",), {}),
}
# who, days before T, platform, impressions, reactions, comments, shares, clicks; "-" = no department
CONTRIBUTIONS = [
    ("alice", 1, "linkedin", 1000, 50, 10, 5, 20),
    ("alice", 2, "x", None, 7, None, None, None),
    ("bob", 3, "linkedin", 500, 20, 5, 0, 10),
    ("carol", 10, "facebook", 200, 4, 1, 1, None),
    ("dan", 5, "linkedin", 300, None, None, None, 3),
    ("erin", 20, "instagram", 100, 2, 0, 0, 1),
    ("alice-", 1, "linkedin", 50, 1, 0, 0, 0),
    ("bob", 40, "linkedin", 400, 10, 2, 1, 5),  # previous period
    ("dan", 45, "blog", None, 3, 1, 0, None),  # previous period
    ("alice", 100, "linkedin", 9999, 99, 9, 9, 99),  # before both periods
]
# who, type, days before T, hour, value, currency, status, hours to acknowledge
SIGNALS = [
    ("alice", "win", 3, 9, 1000, "EUR", "resolved", 4),
    ("dan", "win", 8, 10, 500, "USD", "acknowledged", 2),
    ("bob", "loss", 2, 8, 2000, "EUR", "new", None),
    ("carol", "loss", 15, 12, None, None, "in_progress", 10),
    ("dan", "loss", 20, 9, 300, "EUR", "resolved", 6),
    ("bob", "win", 35, 9, 100, "EUR", "resolved", 1),  # previous period
    ("alice", "loss", 50, 9, None, None, "resolved", 3),  # previous period
]
# Three modules required of everyone (HR's choice, lib.training.assignments.set_required_modules):
# the figures need more than the one-module core to show partial completion.
REQUIRED = list(load_modules()[:3])
R = len(REQUIRED)
EXPECTED = {
    "current": {
        "workforce": 5,
        "contributors": 5,
        "workforce_contributors": 4,
        "active_ambassadors": 2,  # alice and bob: certified and contributors (erin has left)
        "contributions": 7,
        "impressions": 2150,
        "impressions_known": 6,
        "engagement_known": 99,
        "reactions": 84,
        "comments": 16,
        "shares": 6,
        "clicks": 34,
        "engagements": 0,
        "impressions_imported": 0,
        "wins": 2,
        "win_value": 1460.0,
        "losses": 3,
        "loss_value": 2300.0,
        "open_losses": 2,
        "signals_reported": 5,
        "signals_resolved": 2,
        "median_ack_hours": 5.0,
        "modules_passed": 2 * R + 2,
        "modules_expected": 5 * R,
        "certified": 2,
    },
    "previous": {
        "workforce": 5,
        "contributors": 2,
        "workforce_contributors": 2,
        "active_ambassadors": 0,  # bob contributed but was certified only later; alice did not contribute
        "contributions": 2,
        "impressions": 400,
        "impressions_known": 1,
        "engagement_known": 13,
        "reactions": 13,
        "comments": 3,
        "shares": 1,
        "clicks": 5,
        "engagements": 0,
        "impressions_imported": 0,
        "wins": 1,
        "win_value": 100.0,
        "losses": 1,
        "loss_value": 0.0,
        "open_losses": 0,
        "signals_reported": 2,
        "signals_resolved": 2,
        "median_ack_hours": 2.0,
        "modules_passed": R + 2,
        "modules_expected": 5 * R,
        "certified": 1,
    },
    "sales": {
        "workforce": 3,
        "contributors": 3,
        "workforce_contributors": 3,
        "active_ambassadors": 2,
        "contributions": 4,
        "impressions": 1700,
        "impressions_known": 3,
        "engagement_known": 96,
        "reactions": 81,
        "comments": 16,
        "shares": 6,
        "clicks": 30,
        "engagements": 0,
        "impressions_imported": 0,
        "wins": 1,
        "win_value": 1000.0,
        "losses": 2,
        "loss_value": 2000.0,
        "open_losses": 2,
        "signals_reported": 3,
        "signals_resolved": 1,
        "median_ack_hours": 7.0,
        "modules_passed": 2 * R + 2,
        "modules_expected": 3 * R,
        "certified": 2,
    },
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour))


def pass_modules(session, user_id: int, when: datetime, modules) -> None:
    for m in modules:
        attempt = QuizAttempt(
            user_id=user_id,
            module_slug=m.slug,
            module_version=m.version,
            score_pct=100,
            passed=True,
            answers={},
            submitted_at=when,
        )
        session.add(attempt)
        session.flush()
        session.add(
            ModuleCompletion(
                user_id=user_id,
                module_slug=m.slug,
                module_version=m.version,
                attempt_id=attempt.id,
                passed_at=when,
            )
        )


def certify(session, user_id: int, when: datetime, days: int = 365) -> None:
    session.add(
        Certification(
            user_id=user_id,
            policy_version=policy()["version"],
            modules={},
            issued_at=when,
            expires_at=when + timedelta(days=days),
        )
    )


def build(engine, today: date) -> dict[str, int]:
    """Create the organisation; returns every person's and department's id by name."""
    T = today
    with session_scope(engine) as session:
        ids: dict[str, int] = {}
        for dept_name, team_name in {(d, t) for d, t, _, _ in PEOPLE.values() if d}:
            if dept_name not in ids:
                dept = Department(name=dept_name)
                session.add(dept)
                session.flush()
                ids[dept_name] = dept.id
            team = Team(department_id=ids[dept_name], name=team_name)
            session.add(team)
            session.flush()
            ids[team_name] = team.id
        for username, (dept_name, team_name, roles, profile) in PEOPLE.items():
            user, _ = auth.create_user(
                session,
                Actor.command_line(),
                username=username,
                full_name=username.title() + " Example",
                email=f"{username}@example.com",
                roles=list(roles),
                password=PASSWORD,
                department_id=ids.get(dept_name),
                team_id=ids.get(team_name),
            )
            ids[username] = user.id
            if profile:
                session.execute(update(User).where(User.id == user.id).values(**profile))
        for who, back, platform, imp, react, com, shr, clk in CONTRIBUTIONS:
            name = who.rstrip("-")
            session.add(
                Contribution(
                    user_id=ids[name],
                    department_id=None if who.endswith("-") else ids[PEOPLE[name][0]],
                    occurred_on=T - timedelta(days=back),
                    platform=platform,
                    kind="share",
                    impressions=imp,
                    reactions=react,
                    comments=com,
                    shares=shr,
                    clicks=clk,
                )
            )
        for who, kind, back, hour, value, currency, status, ack in SIGNALS:
            reported = at(T - timedelta(days=back), hour)
            session.add(
                CustomerSignal(
                    reporter_id=ids[who],
                    department_id=ids[PEOPLE[who][0]],
                    signal_type=kind,
                    category="customer_won" if kind == "win" else "complaint",
                    customer_name=f"Customer of {who}",
                    estimated_value=value,
                    currency=currency,
                    description="Seen on LinkedIn.",
                    status=status,
                    reported_at=reported,
                    ack_due_at=reported + timedelta(hours=24),
                    acknowledged_at=reported + timedelta(hours=ack) if ack is not None else None,
                )
            )
        modules = REQUIRED
        session.execute(
            update(TrainingModule).values(required=TrainingModule.slug.in_([m.slug for m in modules]))
        )
        for who, back in (("alice", 40), ("bob", 10), ("erin", 40)):
            pass_modules(session, ids[who], at(T - timedelta(days=back)), modules)
            certify(session, ids[who], at(T - timedelta(days=back), 10))
        pass_modules(session, ids["carol"], at(T - timedelta(days=50)), modules[:2])
        session.add(
            LessonProgress(
                user_id=ids["carol"],
                module_slug=modules[2].slug,
                module_version=modules[2].version,
                lesson_id="intro",
                completed_at=at(T - timedelta(days=50)),
            )
        )
        session.add(
            QuizAttempt(
                user_id=ids["gus"],
                module_slug=modules[0].slug,
                module_version=modules[0].version,
                score_pct=20,
                passed=False,
                answers={},
                submitted_at=at(T - timedelta(days=3)),
            )
        )
    return ids
