"""figures provenance and review: platform analytics imports, held-out contributions

- `analytics_imports` (one platform export imported for a person) and `platform_days` (the
  person's daily totals from it).
- On `contributions`: `engagements` (a platform total given without a split), `url_key` (the
  post's identity), provenance (`figures_source`, `analytics_import_id`, `figures_at`) and the
  plausibility review (`review`, `review_reasons`, `reviewed_by`, `reviewed_at`, `review_note`).
- The contribution rollups of 0006 now leave out contributions held for review (pending or
  rejected), so held-out figures reach no total; `activity_daily` gains `engagements` and
  `impressions_imported` (reach whose figures came from a platform export). Triggers are
  recreated on both databases and the rollups rebuilt from the table.

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-04 15:20:00
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None

_spec = importlib.util.spec_from_file_location(
    "rollups_0006", Path(__file__).with_name("20261125_0006_overview_rollups.py")
)
_0006 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_0006)
Rollup, _apply = _0006.Rollup, _0006._apply

COUNTED = "review IN ('ok', 'approved')"
SOURCE_COLUMNS = (
    *_0006.SOURCES["contributions"],
    "engagements",
    "figures_source",
    "review",
)
FIGURES = ("reactions", "comments", "shares", "clicks")
TABLES = ("activity_daily", "ambassador_days", "ambassador_months")


def _rollups(dialect: str, counted: bool = True) -> list:
    if dialect == "sqlite":

        def week(c):
            return f"date({c}, 'weekday 0', '-6 days')"

        def month(c):
            return f"date({c}, 'start of month')"
    else:

        def week(c):
            return f"CAST(date_trunc('week', {c}) AS DATE)"

        def month(c):
            return f"CAST(date_trunc('month', {c}) AS DATE)"

    dept = "coalesce(department_id, 0)"
    where = COUNTED if counted else "1 = 1"
    engagement = " + ".join(f"coalesce({c}, 0)" for c in (*FIGURES[:3], "engagements"))
    count = {"contributions": "count(*)"}
    sums = {
        **count,
        "impressions": "sum(coalesce(impressions, 0))",
        "impressions_known": "sum(CASE WHEN impressions IS NULL THEN 0 ELSE 1 END)",
        "engagement_known": f"sum(CASE WHEN impressions IS NULL THEN 0 ELSE {engagement} END)",
        **{c: f"sum(coalesce({c}, 0))" for c in FIGURES},
    }
    if counted:
        sums["engagements"] = "sum(coalesce(engagements, 0))"
        sums["impressions_imported"] = (
            "sum(CASE WHEN figures_source = 'imported' THEN coalesce(impressions, 0) ELSE 0 END)"
        )
    return [
        Rollup(
            "activity_daily",
            {"day": "occurred_on", "department_key": dept, "platform": "platform"},
            sums,
            {"week": week("occurred_on")},
            "contributions",
            where,
        ),
        Rollup(
            "ambassador_days",
            {"day": "occurred_on", "user_id": "user_id", "department_key": dept},
            count,
            {},
            "contributions",
            where,
        ),
        Rollup(
            "ambassador_months",
            {"month": month("occurred_on"), "user_id": "user_id", "department_key": dept},
            count,
            {},
            "contributions",
            where,
        ),
    ]


def _row(prefix: str, columns) -> str:
    return f"(SELECT {', '.join(f'{prefix}.{c} AS {c}' for c in columns)}) AS r"


def _body(*parts: list[str]) -> str:
    return "".join(f"{s};\n" for part in parts for s in part)


def _drop_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS contributions_rollup_{event}")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS contributions_rollup_{event} ON contributions")
        op.execute("DROP FUNCTION IF EXISTS contributions_rollup()")


def _create_triggers(dialect: str, counted: bool) -> None:
    rollups = _rollups(dialect, counted)
    columns = SOURCE_COLUMNS if counted else _0006.SOURCES["contributions"]
    if dialect == "sqlite":
        remove = _apply(rollups, _row("OLD", columns), -1)
        add = _apply(rollups, _row("NEW", columns), 1)
        op.execute(
            f"CREATE TRIGGER contributions_rollup_insert AFTER INSERT ON contributions BEGIN\n{_body(add)}END"
        )
        op.execute(
            f"CREATE TRIGGER contributions_rollup_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON contributions BEGIN\n{_body(remove, add)}END"
        )
        op.execute(
            "CREATE TRIGGER contributions_rollup_delete AFTER DELETE ON contributions "
            f"BEGIN\n{_body(remove)}END"
        )
        return
    remove = ";\n".join(_apply(rollups, "old_rows", -1))
    add = ";\n".join(_apply(rollups, "new_rows", 1))
    op.execute(
        "CREATE FUNCTION contributions_rollup() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"IF TG_OP <> 'INSERT' THEN\n{remove};\nEND IF;\n"
        f"IF TG_OP <> 'DELETE' THEN\n{add};\nEND IF;\n"
        "RETURN NULL;\nEND $$"
    )
    op.execute(
        "CREATE TRIGGER contributions_rollup_insert AFTER INSERT ON contributions "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contributions_rollup()"
    )
    op.execute(
        "CREATE TRIGGER contributions_rollup_update AFTER UPDATE ON contributions "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION contributions_rollup()"
    )
    op.execute(
        "CREATE TRIGGER contributions_rollup_delete AFTER DELETE ON contributions "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contributions_rollup()"
    )


def _sqlite_version_triggers() -> None:
    """A SQLite batch that copies `contributions` drops its triggers: put 0006's version ones back."""
    for statement in _0006._sqlite_triggers():
        if statement.startswith("CREATE TRIGGER contributions_version_"):
            name = statement.split()[2]
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(statement)


def _rebuild(dialect: str, counted: bool) -> None:
    for table in TABLES:
        op.execute(f"DELETE FROM {table}")
    for statement in _apply(_rollups(dialect, counted), "contributions", 1):
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)  # a SQLite batch may copy the table, which drops its triggers
    op.create_table(
        "analytics_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("impressions", sa.BigInteger(), nullable=True),
        sa.Column("members_reached", sa.BigInteger(), nullable=True),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["imported_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_analytics_imports_user", "analytics_imports", ["user_id", "imported_at"])
    op.create_table(
        "platform_days",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=True),
        sa.Column("engagements", sa.BigInteger(), nullable=True),
        sa.Column("analytics_import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["analytics_import_id"], ["analytics_imports.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", "platform", "day"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("contributions") as batch:
        batch.add_column(sa.Column("engagements", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("url_key", sa.String(length=300), nullable=True))
        batch.add_column(
            sa.Column("figures_source", sa.String(length=12), nullable=False, server_default="typed")
        )
        batch.add_column(sa.Column("analytics_import_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("figures_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("review", sa.String(length=12), nullable=False, server_default="ok"))
        batch.add_column(sa.Column("review_reasons", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_contributions_analytics_import",
            "analytics_imports",
            ["analytics_import_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_contributions_reviewed_by", "users", ["reviewed_by"], ["id"], ondelete="SET NULL"
        )
        batch.create_check_constraint("ck_contribution_engagements", "coalesce(engagements, 0) >= 0")
        batch.create_check_constraint(
            "ck_contribution_source", "figures_source IN ('typed', 'imported', 'corrected')"
        )
        batch.create_check_constraint(
            "ck_contribution_review", "review IN ('ok', 'pending', 'approved', 'rejected')"
        )
        batch.create_index("ix_contributions_user_url", ["user_id", "url_key"])
        batch.create_index("ix_contributions_review", ["review"])
    with op.batch_alter_table("activity_daily") as batch:
        batch.add_column(sa.Column("engagements", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("impressions_imported", sa.BigInteger(), nullable=False, server_default="0")
        )
    _rebuild(dialect, True)
    _create_triggers(dialect, True)
    if dialect == "sqlite":
        _sqlite_version_triggers()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    with op.batch_alter_table("activity_daily") as batch:
        batch.drop_column("impressions_imported")
        batch.drop_column("engagements")
    with op.batch_alter_table("contributions") as batch:
        batch.drop_index("ix_contributions_review")
        batch.drop_index("ix_contributions_user_url")
        batch.drop_constraint("ck_contribution_review", type_="check")
        batch.drop_constraint("ck_contribution_source", type_="check")
        batch.drop_constraint("ck_contribution_engagements", type_="check")
        batch.drop_constraint("fk_contributions_reviewed_by", type_="foreignkey")
        batch.drop_constraint("fk_contributions_analytics_import", type_="foreignkey")
        for column in (
            "review_note",
            "reviewed_at",
            "reviewed_by",
            "review_reasons",
            "review",
            "figures_at",
            "analytics_import_id",
            "figures_source",
            "url_key",
            "engagements",
        ):
            batch.drop_column(column)
    op.drop_table("platform_days")
    op.drop_index("ix_analytics_imports_user", table_name="analytics_imports")
    op.drop_table("analytics_imports")
    _rebuild(dialect, False)
    _create_triggers(dialect, False)
    if dialect == "sqlite":
        _sqlite_version_triggers()
