"""data changed at: when the overview's data last changed, kept by the database

`data_version.changed_at` is set, with `version`, by the triggers of 0006 at every committed change
to what the overview reads. The overview's "figures last changed" caption reads it, so every server
process (and replica) tells the same time, instead of the time each process first noticed a change.
The time is UTC, to the second on SQLite (CURRENT_TIMESTAMP), at commit on PostgreSQL.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_BUMP = "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1;"
NEW_BUMP = (
    "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1, changed_at = CURRENT_TIMESTAMP;"
)
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
    "IF current_setting('porte_voix.version_bumped', true) IS DISTINCT FROM 'yes' THEN\n"
    "PERFORM set_config('porte_voix.version_bumped', 'yes', true);\n"
    "INSERT INTO data_version (id, version{column}) VALUES (1, txid_current(){value}) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version{update};\n"
    "END IF;\nRETURN NULL;\nEND $$"
)


def _sqlite_version_triggers(conn) -> list[tuple[str, str]]:
    rows = conn.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE '%\\_version\\_%' ESCAPE '\\'"
        )
    )
    return [(name, sql) for name, sql in rows if "data_version" in sql]


def _rewrite_sqlite_triggers(old: str, new: str) -> None:
    conn = op.get_bind()
    for name, sql in _sqlite_version_triggers(conn):
        op.execute(f"DROP TRIGGER {name}")
        op.execute(sql.replace(old, new))


def upgrade() -> None:
    op.add_column("data_version", sa.Column("changed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE data_version SET changed_at = CURRENT_TIMESTAMP")
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_triggers(OLD_BUMP, NEW_BUMP)
    else:
        op.execute(
            PG_FUNCTION.format(
                column=", changed_at",
                value=", clock_timestamp() AT TIME ZONE 'UTC'",
                update=", changed_at = excluded.changed_at",
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_triggers(NEW_BUMP, OLD_BUMP)
    else:
        op.execute(PG_FUNCTION.format(column="", value="", update=""))
    # In place (SQLite 3.35+): a batch rebuild of the table would break the triggers that name it.
    op.execute("ALTER TABLE data_version DROP COLUMN changed_at")
