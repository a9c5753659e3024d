"""quiz draws: the questions and option order of each attempt; role modules

Each attempt keeps the questions drawn for it and the order of their options, so it can be graded
and re-read exactly; `quiz_draws` holds the quiz a person has open (one per module). Modules can
belong to a role (`training_modules.role`), required for the people who hold it.

Revision ID: 0013
Revises: 0018
Create Date: 2026-12-04 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN only: SQLite does not rebuild the tables, so the triggers of 0006 stay in place.
    op.add_column("quiz_attempts", sa.Column("questions", sa.JSON(), nullable=True))
    op.add_column("training_modules", sa.Column("role", sa.String(length=16), nullable=True))
    op.create_table(
        "quiz_draws",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=64), nullable=False),
        sa.Column("module_version", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["module_slug"], ["training_modules.slug"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "module_slug"),
    )


def downgrade() -> None:
    op.drop_table("quiz_draws")
    with op.batch_alter_table("training_modules") as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.drop_column("questions")
