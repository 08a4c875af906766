"""slack channels and events

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import memory.records

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", memory.records.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("slack_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_events_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "slack_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id"),
    )
    with op.batch_alter_table("slack_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_channels_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_channels_project_id"))

    op.drop_table("slack_channels")
    with op.batch_alter_table("slack_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_events_received_at"))

    op.drop_table("slack_events")
