"""ledger budget approvals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import memory.records

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("needs_role", sa.String(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_role", sa.String(length=16), nullable=True),
        sa.Column("decided_at", memory.records.UTCDateTime(), nullable=True),
        sa.Column("created_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approvals_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_approvals_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("budget", sa.String(length=40), nullable=False),
        sa.Column("budget_micros", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "account"),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_lines_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "external_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("external_costs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_costs_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scene", sa.String(length=16), nullable=True),
        sa.Column("shot", sa.String(length=32), nullable=True),
        sa.Column("version_id", sa.String(length=24), nullable=True),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=24), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_entries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entries_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entries_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entries_shot"), ["shot"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_shot"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_project_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_at"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_account"))

    op.drop_table("ledger_entries")
    with op.batch_alter_table("external_costs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_costs_project_id"))

    op.drop_table("external_costs")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_lines_project_id"))

    op.drop_table("budget_lines")
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approvals_thread_id"))
        batch_op.drop_index(batch_op.f("ix_approvals_project_id"))

    op.drop_table("approvals")
