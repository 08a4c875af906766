"""web sessions, sign-in links, web chat threads, notes on versions, Slack frame posts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import memory.records

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", memory.records.UTCDateTime(), nullable=False),
        sa.Column("expires_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"]),
        sa.PrimaryKeyConstraint("id_sha256"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_key_id"), ["key_id"], unique=False)

    op.create_table(
        "web_chat_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "project_id"),
    )

    op.create_table(
        "version_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("created_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("version_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_version_comments_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "signin_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", memory.records.UTCDateTime(), nullable=False),
        sa.Column("used_at", memory.records.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"]),
        sa.PrimaryKeyConstraint("token_sha256"),
    )

    op.create_table(
        "slack_frame_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("thread_ts", sa.String(length=64), nullable=False),
        sa.Column("posted_at", memory.records.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "channel_id", "thread_ts"),
    )
    with op.batch_alter_table("slack_frame_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_frame_posts_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_frame_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_frame_posts_version_id"))
    op.drop_table("slack_frame_posts")
    op.drop_table("signin_links")
    with op.batch_alter_table("version_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_version_comments_version_id"))
    op.drop_table("version_comments")
    op.drop_table("web_chat_threads")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_key_id"))
    op.drop_table("web_sessions")
