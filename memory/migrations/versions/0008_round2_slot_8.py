"""one locked version per shot

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Shots that already hold several locked versions keep the newest locked; the others return to
`approved` with a line in their status history (nothing is deleted).
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_versions_one_locked_per_shot"
LOCKED = sa.text("status = 'locked'")


def upgrade() -> None:
    versions = sa.table(
        "versions",
        sa.column("id", sa.Integer),
        sa.column("shot_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("status_history", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(versions.c.id, versions.c.shot_id, versions.c.status_history)
        .where(versions.c.status == "locked")
        .order_by(versions.c.shot_id, versions.c.id.desc())
    ).all()
    kept: set[int] = set()
    now = datetime.now(UTC).isoformat()
    for version_id, shot_id, history in rows:
        if shot_id not in kept:
            kept.add(shot_id)
            continue
        entry = {
            "status": "approved",
            "by": "migration 0008",
            "role": "admin",
            "at": now,
            "override": "a shot holds one locked version; a newer one is locked",
        }
        connection.execute(
            sa.update(versions)
            .where(versions.c.id == version_id)
            .values(status="approved", status_history=[*(history or []), entry])
        )
    op.create_index(
        INDEX,
        "versions",
        ["shot_id"],
        unique=True,
        sqlite_where=LOCKED,
        postgresql_where=LOCKED,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="versions")
