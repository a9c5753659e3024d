"""overview rollups: summaries of contributions and signals, and a data version, kept by triggers

The leadership overview reads these small tables instead of scanning `contributions` and
`customer_signals`. Database triggers keep them exact for every write, whatever the code path
(ORM, imports, bulk COPY): row triggers on SQLite; statement triggers over transition tables on
PostgreSQL (one set-based update per statement, so a bulk COPY costs one aggregate).
`data_version.version` changes with every committed change to a table the overview reads, so
results can be cached on it; on PostgreSQL it is bumped once per transaction, at commit
(deferred), so that its row lock is held for no time.

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-25 18:00:00
"""

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

# Tables whose changes the overview shows (users: only the columns it reads).
VERSIONED = (
    "contributions",
    "customer_signals",
    "users",
    "user_roles",
    "departments",
    "teams",
    "training_modules",
    "lesson_progress",
    "quiz_attempts",
    "module_completions",
    "certifications",
)
USER_COLUMNS = "is_active, department_id, team_id, leaderboard_opt_out, full_name"
# The source columns the rollups read (SQLite row triggers copy them from OLD / NEW).
SOURCES = {
    "contributions": (
        "user_id",
        "department_id",
        "occurred_on",
        "platform",
        "impressions",
        "reactions",
        "comments",
        "shares",
        "clicks",
    ),
    "customer_signals": (
        "id",
        "department_id",
        "signal_type",
        "currency",
        "estimated_value",
        "status",
        "reported_at",
        "acknowledged_at",
    ),
}
FIGURES = ("reactions", "comments", "shares", "clicks")


@dataclass
class Rollup:
    """`table` holds, per `keys`, the `sums` of the source rows matching `where`; a row whose
    `count` falls to 0 is deleted. `extra` columns are functions of the keys."""

    table: str
    keys: dict[str, str]
    sums: dict[str, str]
    extra: dict[str, str]
    count: str
    where: str = "1 = 1"


def _rollups(dialect: str) -> dict[str, list[Rollup]]:
    if dialect == "sqlite":

        def week(c):
            return f"date({c}, 'weekday 0', '-6 days')"

        def month(c):
            return f"date({c}, 'start of month')"

        def day(c):
            return f"date({c})"

        hours = "(julianday(acknowledged_at) - julianday(reported_at)) * 24.0"
    else:

        def week(c):
            return f"CAST(date_trunc('week', {c}) AS DATE)"

        def month(c):
            return f"CAST(date_trunc('month', {c}) AS DATE)"

        def day(c):
            return f"CAST({c} AS DATE)"

        hours = "CAST(EXTRACT(EPOCH FROM (acknowledged_at - reported_at)) / 3600.0 AS DOUBLE PRECISION)"
    dept = "coalesce(department_id, 0)"
    engagement = " + ".join(f"coalesce({c}, 0)" for c in FIGURES[:3])
    count = {"contributions": "count(*)"}
    return {
        "contributions": [
            Rollup(
                "activity_daily",
                {"day": "occurred_on", "department_key": dept, "platform": "platform"},
                {
                    **count,
                    "impressions": "sum(coalesce(impressions, 0))",
                    "impressions_known": "sum(CASE WHEN impressions IS NULL THEN 0 ELSE 1 END)",
                    "engagement_known": f"sum(CASE WHEN impressions IS NULL THEN 0 ELSE {engagement} END)",
                    **{c: f"sum(coalesce({c}, 0))" for c in FIGURES},
                },
                {"week": week("occurred_on")},
                "contributions",
            ),
            Rollup(
                "ambassador_days",
                {"day": "occurred_on", "user_id": "user_id", "department_key": dept},
                count,
                {},
                "contributions",
            ),
            Rollup(
                "ambassador_months",
                {"month": month("occurred_on"), "user_id": "user_id", "department_key": dept},
                count,
                {},
                "contributions",
            ),
        ],
        "customer_signals": [
            Rollup(
                "signal_daily",
                {
                    "day": day("reported_at"),
                    "department_key": dept,
                    "signal_type": "signal_type",
                    "currency": "coalesce(currency, 'EUR')",
                },
                {
                    "signals": "count(*)",
                    "value": "sum(coalesce(estimated_value, 0))",
                    "open_signals": "sum(CASE WHEN status = 'resolved' THEN 0 ELSE 1 END)",
                },
                {"week": week(day("reported_at"))},
                "signals",
            ),
            Rollup(
                "signal_acks",
                {"reported_at": "reported_at", "department_key": dept, "signal_id": "id"},
                {"acks": "count(*)", "hours": f"sum({hours})"},
                {},
                "acks",
                "acknowledged_at IS NOT NULL",
            ),
        ],
    }


def _apply(rollups: list[Rollup], source: str, sign: int) -> list[str]:
    """Statements adding (sign=1) or removing (sign=-1) the rows of `source` to / from `rollups`.
    Keys are locked in a fixed order (ORDER BY) so that concurrent writers cannot deadlock."""
    statements, cleanups = [], []
    for r in rollups:
        cols = [*r.keys, *r.extra, *r.sums]
        exprs = [*r.keys.values(), *r.extra.values(), *(f"{sign} * {v}" for v in r.sums.values())]
        order = ", ".join(str(i + 1) for i in range(len(r.keys)))
        update = ", ".join(f"{c} = {r.table}.{c} + excluded.{c}" for c in r.sums)
        statements.append(
            f"INSERT INTO {r.table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source} "
            f"WHERE {r.where} GROUP BY {order} ORDER BY {order} "
            f"ON CONFLICT ({', '.join(r.keys)}) DO UPDATE SET {update}"
        )
        cleanups.append(
            f"DELETE FROM {r.table} WHERE {r.count} = 0 AND ({', '.join(r.keys)}) IN "
            f"(SELECT {', '.join(r.keys.values())} FROM {source})"
        )
    return statements + (cleanups if sign < 0 else [])


def _row(table: str, prefix: str) -> str:
    """SQLite: the trigger's OLD or NEW row as a one-row table with the source's columns."""
    return f"(SELECT {', '.join(f'{prefix}.{c} AS {c}' for c in SOURCES[table])}) AS r"


def _body(*parts: list[str]) -> str:
    return "".join(f"{s};\n" for part in parts for s in part)


def _sqlite_triggers() -> list[str]:
    out = []
    for table, rollups in _rollups("sqlite").items():
        remove, add = _apply(rollups, _row(table, "OLD"), -1), _apply(rollups, _row(table, "NEW"), 1)
        out += [
            f"CREATE TRIGGER {table}_rollup_insert AFTER INSERT ON {table} BEGIN\n{_body(add)}END",
            (
                f"CREATE TRIGGER {table}_rollup_update "
                f"AFTER UPDATE OF {', '.join(SOURCES[table])} ON {table} BEGIN\n{_body(remove, add)}END"
            ),
            f"CREATE TRIGGER {table}_rollup_delete AFTER DELETE ON {table} BEGIN\n{_body(remove)}END",
        ]
    bump = (
        "INSERT INTO data_version (id, version) VALUES (1, 1) "
        "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1;"
    )
    for table in VERSIONED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            what = f"UPDATE OF {USER_COLUMNS}" if (table, event) == ("users", "UPDATE") else event
            out.append(
                f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {what} ON {table} BEGIN {bump} END"
            )
    return out


def _postgresql_triggers() -> list[str]:
    out = []
    for table, rollups in _rollups("postgresql").items():
        remove = ";\n".join(_apply(rollups, "old_rows", -1))
        add = ";\n".join(_apply(rollups, "new_rows", 1))
        out += [
            (
                f"CREATE FUNCTION {table}_rollup() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"IF TG_OP <> 'INSERT' THEN\n{remove};\nEND IF;\n"
                f"IF TG_OP <> 'DELETE' THEN\n{add};\nEND IF;\n"
                "RETURN NULL;\nEND $$"
            ),
            (
                f"CREATE TRIGGER {table}_rollup_insert AFTER INSERT ON {table} "
                f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {table}_rollup()"
            ),
            (
                f"CREATE TRIGGER {table}_rollup_update AFTER UPDATE ON {table} "
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_rollup()"
            ),
            (
                f"CREATE TRIGGER {table}_rollup_delete AFTER DELETE ON {table} "
                f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {table}_rollup()"
            ),
        ]
    out.append(
        # Once per transaction, at commit: the version row is locked only while committing.
        "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "IF current_setting('porte_voix.version_bumped', true) IS DISTINCT FROM 'yes' THEN\n"
        "PERFORM set_config('porte_voix.version_bumped', 'yes', true);\n"
        "INSERT INTO data_version (id, version) VALUES (1, txid_current()) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version;\n"
        "END IF;\nRETURN NULL;\nEND $$"
    )
    for table in VERSIONED:
        what = (
            f"INSERT OR UPDATE OF {USER_COLUMNS} OR DELETE"
            if table == "users"
            else "INSERT OR UPDATE OR DELETE"
        )
        out.append(
            f"CREATE CONSTRAINT TRIGGER {table}_version AFTER {what} ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()"
        )
    return out


def _create_tables() -> None:
    def key(name):
        return sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)

    def number(name, kind=sa.Integer):
        return sa.Column(name, kind(), nullable=False)

    op.create_table(
        "activity_daily",
        sa.Column("day", sa.Date(), nullable=False),
        key("department_key"),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        number("contributions"),
        number("impressions", sa.BigInteger),
        number("impressions_known"),
        number("engagement_known", sa.BigInteger),
        *(number(c, sa.BigInteger) for c in FIGURES),
        sa.PrimaryKeyConstraint("day", "department_key", "platform"),
        sqlite_with_rowid=False,
    )
    for table, period in (("ambassador_days", "day"), ("ambassador_months", "month")):
        op.create_table(
            table,
            sa.Column(period, sa.Date(), nullable=False),
            key("user_id"),
            key("department_key"),
            number("contributions"),
            sa.PrimaryKeyConstraint(period, "user_id", "department_key"),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "signal_daily",
        sa.Column("day", sa.Date(), nullable=False),
        key("department_key"),
        sa.Column("signal_type", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        number("signals"),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        number("open_signals"),
        sa.PrimaryKeyConstraint("day", "department_key", "signal_type", "currency"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "signal_acks",
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        key("department_key"),
        key("signal_id"),
        number("acks"),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("reported_at", "department_key", "signal_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "data_version",
        key("id"),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def upgrade() -> None:
    _create_tables()
    dialect = op.get_bind().dialect.name
    for table, rollups in _rollups(dialect).items():  # rows that exist already
        for statement in _apply(rollups, table, 1):
            op.execute(statement)
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    for statement in _sqlite_triggers() if dialect == "sqlite" else _postgresql_triggers():
        op.execute(statement)


def downgrade() -> None:
    events = ("insert", "update", "delete")
    if op.get_bind().dialect.name == "sqlite":
        names = [f"{t}_rollup_{e}" for t in SOURCES for e in events] + [
            f"{t}_version_{e}" for t in VERSIONED for e in events
        ]
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in VERSIONED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        for table in SOURCES:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_rollup_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_rollup()")
        op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    for table in (
        "data_version",
        "signal_acks",
        "signal_daily",
        "ambassador_months",
        "ambassador_days",
        "activity_daily",
    ):
        op.drop_table(table)
