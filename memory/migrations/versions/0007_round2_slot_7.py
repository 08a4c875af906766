"""scene contents, character looks, version depicts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contents", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("look", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("look_edited", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("depicts", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("depicts")
    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.drop_column("look_edited")
        batch_op.drop_column("look")
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.drop_column("contents")
