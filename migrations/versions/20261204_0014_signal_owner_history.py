"""signal owner history: an assignment is a line of the signal's thread; outcomes fit the type

`signal_events` gains the owner (person and team) a signal was handed to, so the thread shows who
had it when. A loss can no longer be resolved as "won": its good outcome is "retained" (the customer
kept), and the losses already resolved as "won" are moved there.

Revision ID: 0014
Revises: 0006
Create Date: 2026-12-04 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signal_events") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("owner_team", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            "fk_signal_events_owner_id_users", "users", ["owner_id"], ["id"], ondelete="SET NULL"
        )
    op.execute(
        "UPDATE customer_signals SET resolution = 'retained' "
        "WHERE signal_type = 'loss' AND resolution = 'won'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE customer_signals SET resolution = 'won' "
        "WHERE signal_type = 'loss' AND resolution = 'retained'"
    )
    with op.batch_alter_table("signal_events") as batch:
        batch.drop_constraint("fk_signal_events_owner_id_users", type_="foreignkey")
        batch.drop_column("owner_team")
        batch.drop_column("owner_id")
