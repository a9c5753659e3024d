"""A deterministic, realistic demo organisation: departments, people, training, activity, signals.

Only a handful of people get a sign-in account (HR, executives, an admin and a few employees):
everyone else is on the roster with history but no password, which keeps loading fast.
Rows are bulk-inserted through the driver (executemany on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import yaml
from sqlalchemy import Connection, Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from lib.core.config import DATA_DIR
from lib.core.db import driver_connection, fetch, is_sqlite
from lib.core.i18n import problem_text
from lib.core.models import (
    Campaign,
    Certification,
    ContentItem,
    Contribution,
    CustomerSignal,
    Department,
    LessonProgress,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    Setting,
    Team,
    User,
    UserRole,
    utcnow,
)
from lib.core.vocab import LOSS_CATEGORIES, ROLES, SIGNAL_OUTCOMES, WIN_CATEGORIES
from lib.people import accounts as auth
from lib.training import alerts
from lib.training.catalogue import load_modules, policy, sync_catalogue

DEPARTMENTS = {
    "Sales": ["Key accounts", "SMB", "Inside sales"],
    "Marketing": ["Brand", "Digital"],
    "Customer service": ["Support", "Success"],
    "Engineering": ["Platform", "Product", "Data"],
    "Human resources": ["Recruiting", "People"],
    "Finance": ["Accounting"],
    "Operations": ["Logistics", "Quality"],
    "Communications": ["Press", "Internal"],
}
FIRST = [
    "Camille",
    "Léa",
    "Lucas",
    "Hugo",
    "Chloé",
    "Louis",
    "Emma",
    "Nathan",
    "Inès",
    "Jules",
    "Manon",
    "Gabriel",
    "Sarah",
    "Adam",
    "Julie",
    "Paul",
    "Alice",
    "Thomas",
    "Lina",
    "Arthur",
    "Zoé",
    "Raphaël",
    "Anna",
    "Mehdi",
    "Clara",
    "Yanis",
    "Eva",
    "Noah",
    "Jade",
    "Samuel",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Nguyen",
]
PLATFORM_WEIGHTS = {
    "linkedin": 50,
    "x": 14,
    "facebook": 12,
    "instagram": 10,
    "youtube": 3,
    "blog": 5,
    "other": 6,
}
KIND_WEIGHTS = {
    "share": 34,
    "original_post": 18,
    "comment": 22,
    "customer_reply": 8,
    "group_discussion": 8,
    "event_promotion": 4,
    "job_share": 6,
}
# Median impressions per platform (log-normal around it).
REACH = {
    "linkedin": 900,
    "x": 600,
    "facebook": 400,
    "instagram": 500,
    "youtube": 1200,
    "blog": 300,
    "other": 150,
}
EMPLOYEE, HR, EXECUTIVE, ADMIN = ROLES  # the demo gives a few people each role
PASSWORDED = {HR: 2, EXECUTIVE: 2, EMPLOYEE: 5}  # demo accounts with a password, by role
# The content library's demo items: title, English and French texts.
CONTENT_FILE = DATA_DIR / "demo" / "content.yaml"
# The post checker's lists as HR would fill them (Content library › Publish and manage); the
# customers named in the demo's signal ledger are known to the checker as well.
CHECKER_LISTS = {
    "checker.company_names": ["Aurelis", "Aurelis Systems", "Sensor Pro", "Aurelis Gateway"],
    "checker.competitor_names": ["BetaCorp", "Capteo", "NordSense"],
    "checker.customer_names": ["Carrefour", "Decathlon", "SNCF"],
    "checker.confidential_terms": ["Project Falcon", "Orion"],
    "checker.own_domains": ["aurelis.example", "demo.porte-voix.example"],
}
# Whom ambassadors alert (shown under the guidelines and on the printable sheet).
ALERT_CONTACTS = {
    "office": "Communications desk: +33 1 84 88 00 10, alerte@aurelis.example (Mon-Fri 8:30-18:30)",
    "out_of_hours": "On-call communications manager: +33 6 12 00 00 99 (evenings, weekends, holidays)",
}


@dataclass
class DemoReport:
    accounts: list[tuple[str, str, str | None]] = field(default_factory=list)  # username, role, password
    employees: int = 0
    contributions: int = 0
    signals: int = 0


class DemoError(ValueError):
    pass


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _bulk_insert(conn: Connection, table, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` fast, in the load's transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    raw = driver_connection(conn.connection)
    if conn.dialect.name == "postgresql":
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        cols = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", rows)


@contextmanager
def _session(conn: Connection) -> Iterator[Session]:
    """An ORM session inside the load's one transaction (its commit only flushes)."""
    session = Session(bind=conn, expire_on_commit=False)
    try:
        yield session
        session.commit()
    finally:
        session.close()


def _people(rng: random.Random, n: int, teams: list[tuple[int, int]], days: int, today: date):
    """(username, full_name, email, department_id, team_id, start_date) for `n` people."""
    people = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        username = f"{first}.{last}.{i + 1}".lower()
        username = username.translate(str.maketrans("éèëïôç", "eeeioc"))
        team_id, dept_id = teams[i % len(teams)]
        start = today - timedelta(days=rng.randint(30, days + 2000))
        people.append(
            (username, f"{first} {last}", f"{username}@demo.porte-voix.example", dept_id, team_id, start)
        )
    return people


def load_demo(
    engine: Engine,
    *,
    employees: int,
    days: int,
    seed: int,
    contributions: int | None = None,
    password: str | None = None,
    progress: Callable[[str, float], None] = lambda step, fraction: None,
    today: date | None = None,
) -> DemoReport:
    """Load the demo organisation into an empty programme (no departments yet).

    All or nothing: everything is written in one transaction, so a load that fails or is killed
    leaves the database as it was (empty: the first-administrator form still shows).
    """
    if employees < 10:
        raise DemoError("--employees must be at least 10")
    if days < 7:
        raise DemoError("--days must be at least 7")
    if password is not None and (problems := auth.password_problems(password)):
        raise DemoError(problem_text(problems[0]))
    rng = random.Random(seed)
    today = today or utcnow().date()
    total = contributions if contributions is not None else employees * days // 20
    report = DemoReport(employees=employees)
    bind = engine.execution_options(sqlite_immediate=True) if is_sqlite(engine) else engine
    with bind.begin() as conn:
        _load(conn, rng, employees, days, total, password, progress, today, report)
    progress("done", 1.0)
    return report


def _load(conn, rng, employees, days, total, password, progress, today, report) -> None:
    with _session(conn) as session:
        if session.scalar(select(func.count()).select_from(Department)):
            raise DemoError("this database already holds an organisation; load the demo into an empty one")
        sync_catalogue(session)
        session.add_all(Setting(key=key, value=value) for key, value in CHECKER_LISTS.items())
        session.add(Setting(key=alerts.OPTION, value=ALERT_CONTACTS))
        teams = []
        for name, team_names in DEPARTMENTS.items():
            dept = Department(name=name)
            session.add(dept)
            session.flush()
            for team_name in team_names:
                team = Team(department_id=dept.id, name=team_name)
                session.add(team)
                session.flush()
                teams.append((team.id, dept.id))
        campaign = Campaign(name="Employer brand 2026", description="Showcase our teams and open roles.")
        session.add(campaign)
        session.flush()
        content = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))
        for k, text in enumerate(content):
            starts = today - timedelta(days=days - k * days // len(content))
            session.add(
                ContentItem(
                    campaign_id=campaign.id,
                    title=text["title"],
                    text_en=text["text_en"],
                    text_fr=text["text_fr"],
                    url=f"https://example.com/stories/{k + 1}",
                    platforms=["linkedin", "x"] if k % 2 else ["linkedin", "facebook", "instagram"],
                    starts_on=starts,
                    # The older half ran for a few weeks; the newer half is still published.
                    ends_on=starts + timedelta(days=max(days // 6, 7)) if k < len(content) // 2 else None,
                    required=k % 3 == 0,
                )
            )
        session.flush()
        items = [
            (i.id, i.starts_on, i.ends_on)
            for i in session.scalars(select(ContentItem).order_by(ContentItem.starts_on))
        ]
    progress("people", 0.05)

    people = _people(rng, employees, teams, days, today)
    user_cols = [
        "username",
        "full_name",
        "email",
        "department_id",
        "team_id",
        "start_date",
        "language",
        "is_active",
        "must_change_password",
        "leaderboard_opt_out",
        "sessions_valid_after",
        "failed_logins",
        "created_at",
        "updated_at",
    ]
    now = utcnow()
    _bulk_insert(
        conn,
        User.__table__,
        user_cols,
        [
            (*p, rng.choice(("fr", "fr", "en")), True, False, rng.random() < 0.05, now, 0, now, now)
            for p in people
        ],
    )
    with _session(conn) as session:
        ids = dict(
            session.execute(
                select(User.username, User.id).where(User.email.like("%@demo.porte-voix.example"))
            ).all()
        )
    user_ids = [ids[p[0]] for p in people]
    dept_of = {ids[p[0]]: p[3] for p in people}
    _assign_roles_and_accounts(conn, rng, user_ids, people, ids, password, report)
    progress("training", 0.15)
    _load_training(conn, rng, user_ids, days, now)
    progress("contributions", 0.25)
    report.contributions = _load_contributions(
        conn, rng, user_ids, dept_of, total, days, today, progress, items
    )
    report.signals = _load_signals(conn, rng, user_ids, dept_of, max(total // 40, 20), days, now)
    progress("saving", 0.97)


def _assign_roles_and_accounts(conn, rng, user_ids, people, ids, password, report) -> None:
    roles = [(uid, EMPLOYEE) for uid in user_ids]
    special = {HR: user_ids[1:3], EXECUTIVE: user_ids[3:5], ADMIN: user_ids[5:6]}
    roles += [(uid, role) for role, uids in special.items() for uid in uids]
    _bulk_insert(conn, UserRole.__table__, ["user_id", "role"], roles)
    login = {uid: role for role, uids in special.items() for uid in uids}
    login.update(dict.fromkeys(user_ids[6 : 6 + PASSWORDED[EMPLOYEE]], EMPLOYEE))
    names = {v: k for k, v in ids.items()}
    with _session(conn) as session:
        for uid, role in login.items():
            secret = password or auth.temporary_password()
            user = fetch(session, User, uid, "error.user_not_found")
            user.password_hash = auth.hash_password(secret)
            # A generated password is a one-time one: its owner chooses their own at first sign-in.
            # A password the operator chose (--password-stdin) is theirs to keep.
            user.must_change_password = password is None
            report.accounts.append((names[uid], role, None if password else secret))
    # Managers: the first person of each team manages the rest of it.
    first_of_team: dict[int, int] = {}
    pairs = []
    for person, uid in zip(people, user_ids, strict=True):
        manager = first_of_team.setdefault(person[4], uid)
        if manager != uid:
            pairs.append({"m": manager, "u": uid})
    if pairs:  # none when there are fewer people than teams
        conn.execute(update(User).where(User.id == bindparam("u")).values(manager_id=bindparam("m")), pairs)


def _load_training(conn, rng, user_ids, days, now) -> None:
    modules = load_modules()
    pol = policy()
    attempts, completions, acks, certs, lessons = [], [], [], [], []
    attempt_id = 0
    for uid in user_ids:
        engagement = rng.random()
        passed = {}
        for m in modules:
            if rng.random() > engagement * 1.1:
                continue
            when = now - timedelta(days=rng.randint(0, days), minutes=rng.randint(0, 1440))
            if rng.random() < 0.3:  # a failed first attempt
                attempt_id += 1
                attempts.append(
                    (
                        attempt_id,
                        uid,
                        m.slug,
                        m.version,
                        rng.choice((50, 60, 67)),
                        False,
                        "{}",
                        when - timedelta(hours=1),
                    )
                )
            attempt_id += 1
            attempts.append((attempt_id, uid, m.slug, m.version, rng.choice((83, 100)), True, "{}", when))
            completions.append((uid, m.slug, m.version, attempt_id, when))
            # A passed module was read first: every lesson, in the hours before the quiz.
            for n, lesson in enumerate(m.lessons):
                read_at = when - timedelta(hours=2) + timedelta(minutes=5 * n)
                lessons.append((uid, m.slug, m.version, lesson["id"], read_at))
            passed[m.slug] = (m.version, when)
        if passed and rng.random() < 0.8:
            ack_at = max(w for _, w in passed.values())
            acks.append((uid, pol["version"], ack_at))
            if all(m.slug in passed for m in modules if m.required):
                certs.append(
                    (
                        uid,
                        pol["version"],
                        _json({m.slug: passed[m.slug][0] for m in modules if m.required}),
                        ack_at,
                        ack_at + timedelta(days=365),
                    )
                )
    _bulk_insert(
        conn,
        QuizAttempt.__table__,
        ["id", "user_id", "module_slug", "module_version", "score_pct", "passed", "answers", "submitted_at"],
        attempts,
    )
    _bulk_insert(
        conn,
        LessonProgress.__table__,
        ["user_id", "module_slug", "module_version", "lesson_id", "completed_at"],
        lessons,
    )
    _bulk_insert(
        conn,
        ModuleCompletion.__table__,
        ["user_id", "module_slug", "module_version", "attempt_id", "passed_at"],
        completions,
    )
    _bulk_insert(
        conn, PolicyAcknowledgement.__table__, ["user_id", "policy_version", "acknowledged_at"], acks
    )
    _bulk_insert(
        conn,
        Certification.__table__,
        ["user_id", "policy_version", "modules", "issued_at", "expires_at"],
        certs,
    )


def _json(value) -> str:
    return json.dumps(value, sort_keys=True)


def _item_on(rng: random.Random, items: list[tuple[int, date, date | None]], day: date) -> int | None:
    """A content item published on `day`, picked at random, or None when there is none."""
    current = [i for i, start, end in items if start <= day and (end is None or day <= end)]
    return rng.choice(current) if current else None


def _load_contributions(conn, rng, user_ids, dept_of, total, days, today, progress, items) -> int:
    # A few very active ambassadors, many occasional ones, a third who never post.
    activity = [0.0 if rng.random() < 0.35 else rng.paretovariate(1.3) for _ in user_ids]
    platforms = list(PLATFORM_WEIGHTS)
    kinds = list(KIND_WEIGHTS)
    cols = [
        "user_id",
        "department_id",
        "occurred_on",
        "platform",
        "kind",
        "url",
        "impressions",
        "reactions",
        "comments",
        "shares",
        "clicks",
        "minutes_spent",
        "content_item_id",
        "created_at",
        "updated_at",
    ]
    batch = 200_000
    done = 0
    start = datetime.combine(today, datetime.min.time())
    while done < total:
        n = min(batch, total - done)
        authors = rng.choices(user_ids, weights=activity, k=n)
        plats = rng.choices(platforms, weights=list(PLATFORM_WEIGHTS.values()), k=n)
        kinds_k = rng.choices(kinds, weights=list(KIND_WEIGHTS.values()), k=n)
        rows = []
        for uid, plat, kind in zip(authors, plats, kinds_k, strict=True):
            back = min(int(rng.expovariate(1.2 / days)), days - 1)  # more recent activity is denser
            day = today - timedelta(days=back)
            if day.weekday() >= 5 and rng.random() < 0.6:
                day -= timedelta(days=day.weekday() - 4)
            known = rng.random() > 0.2
            imp = int(rng.lognormvariate(math.log(REACH[plat]), 1.0)) if known else None
            react = int(imp * rng.uniform(0.01, 0.06)) if known else None
            com = int(react * rng.uniform(0.05, 0.25)) if known else None
            shr = int(react * rng.uniform(0.0, 0.15)) if known else None
            clk = int(imp * rng.uniform(0.0, 0.02)) if known and rng.random() < 0.7 else None
            created = start - timedelta(days=back) + timedelta(hours=18)
            # Half of the shares relay an item of the content library published that day.
            item = _item_on(rng, items, day) if kind == "share" and rng.random() < 0.5 else None
            rows.append(
                (
                    uid,
                    dept_of[uid],
                    day,
                    plat,
                    kind,
                    None,
                    imp,
                    react,
                    com,
                    shr,
                    clk,
                    rng.randint(2, 30),
                    item,
                    created,
                    created,
                )
            )
        _bulk_insert(conn, Contribution.__table__, cols, rows)
        done += n
        progress("contributions", 0.25 + 0.7 * done / max(total, 1))
    return total


def _load_signals(conn, rng, user_ids, dept_of, n, days, now) -> int:
    active = user_ids[: max(len(user_ids) // 2, 1)]
    rows = []
    for _ in range(n):
        win = rng.random() < 0.6
        reporter = rng.choice(active)
        reported = now - timedelta(days=rng.uniform(0, days))
        age_days = (now - reported).days
        ack_due = reported + timedelta(hours=24)
        acked = (
            reported + timedelta(hours=rng.lognormvariate(math.log(8), 1.0))
            if age_days > 1 or rng.random() < 0.5
            else None
        )
        if acked and acked > now:
            acked = None
        status, resolution, resolved = "new", None, None
        if acked:
            status = "acknowledged"
            if age_days > 7:
                status = "resolved"
                resolution = rng.choice(("won", "won", "lost", "closed") if win else SIGNAL_OUTCOMES["loss"])
                resolved = min(acked + timedelta(days=rng.uniform(1, 20)), now)
            elif age_days > 2:
                status = "in_progress"
        value = round(rng.lognormvariate(math.log(8000), 1.2), 2) if rng.random() < 0.7 else None
        rows.append(
            (
                reporter,
                dept_of[reporter],
                "win" if win else "loss",
                rng.choice(WIN_CATEGORIES if win else LOSS_CATEGORIES),
                f"{rng.choice(LAST)} {rng.choice(('SA', 'SAS', 'Group', 'Industries', 'Conseil'))}",
                rng.choice(("linkedin", "x", "facebook")),
                None,
                value,
                "EUR" if value else None,
                "Spotted in a conversation on social media.",
                status,
                resolution,
                rng.choice(("Sales", "Support", "HR", "Marketing")),
                reported,
                ack_due,
                acked,
                resolved,
                1,
            )
        )
    cols = [
        "reporter_id",
        "department_id",
        "signal_type",
        "category",
        "customer_name",
        "platform",
        "url",
        "estimated_value",
        "currency",
        "description",
        "status",
        "resolution",
        "owner_team",
        "reported_at",
        "ack_due_at",
        "acknowledged_at",
        "resolved_at",
        "version",
    ]
    _bulk_insert(conn, CustomerSignal.__table__, cols, rows)
    return n
