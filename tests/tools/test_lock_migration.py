"""Migration 0008 on a database that already holds a shot with two locked versions: the newest
stays locked, the other returns to approved with a line in its history, and the index holds."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from memory.database import _alembic_config
from memory.records import Version
from memory.store import get_version
from tools.context import Actor
from tools.frames import render_frame

ADMIN = Actor("local", "admin")


def test_upgrading_keeps_one_locked_version_per_shot(studio: Any) -> None:
    first, second = render_frame(studio, ADMIN, "demo", "5", count=2, seed=2)
    ids = [int(v.version_id[1:]) for v in (first, second)]
    engine = studio.engine
    command.downgrade(_alembic_config(engine), "0007")
    with studio.transaction() as session:
        session.execute(update(Version).where(Version.id.in_(ids)).values(status="locked"))
    command.upgrade(_alembic_config(engine), "head")

    with studio.transaction() as session:
        older = get_version(session, first.version_id)
        newer = get_version(session, second.version_id)
        assert (older.status, newer.status) == ("approved", "locked")
        assert older.status_history[-1]["by"] == "migration 0008"
    with pytest.raises(IntegrityError), studio.transaction() as session:
        session.execute(update(Version).where(Version.id == ids[0]).values(status="locked"))
