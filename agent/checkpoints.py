"""Where conversations persist: SQLite in FRAMELINE_HOME, or Postgres beside the records.

Checkpoints survive a restart of the process, so a conversation, and a pause for approval,
continue with their history from any process on the same home or database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

CONVERSATIONS_FILE = "conversations.db"


def postgres_conninfo(database_url: str | None) -> str | None:
    """The libpq URL of a Postgres records database (SQLAlchemy's driver suffix removed)."""
    if not database_url:
        return None
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
        return None
    return f"postgresql://{rest}"


@contextmanager
def open_checkpointer(settings: Any) -> Iterator[BaseCheckpointSaver[Any]]:
    """The checkpointer for these settings, ready to use, closed on exit."""
    conninfo = postgres_conninfo(settings.database_url)
    if conninfo is not None:
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(conninfo) as saver:
            saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = settings.home / CONVERSATIONS_FILE
    # check_same_thread=False is safe: the saver serialises its use of the connection.
    with closing(sqlite3.connect(path, check_same_thread=False, timeout=30)) as connection:
        connection.execute("PRAGMA synchronous=NORMAL")
        saver = SqliteSaver(connection)
        saver.setup()
        yield saver
