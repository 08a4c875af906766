"""Opening the records database and keeping its schema at the newest migration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.errors import BackendUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the server and CLI commands read while one writes; foreign keys guard lineage."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgres_url(url: str) -> str:
    """Plain postgres URLs are read as psycopg 3, the driver the `postgres` extra installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_engine(url: str) -> Engine:
    """An engine for the records; SQLite files get WAL and their folder is created."""
    url = _postgres_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def needs_upgrade(engine: Engine) -> bool:
    """Whether the database is behind the newest migration (cheap: no Alembic command run)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != heads


def upgrade(engine: Engine) -> None:
    """Run the migrations up to the newest one (what `frameline db upgrade` does)."""
    from alembic import command

    try:
        if needs_upgrade(engine):
            command.upgrade(_alembic_config(engine), "head")
    except Exception as error:  # driver errors differ between SQLite and Postgres
        from sqlalchemy.exc import OperationalError

        if isinstance(error, OperationalError):
            raise BackendUnavailable(
                f"records database {engine.url.render_as_string()} cannot be opened: {error.orig}"
            ) from error
        raise


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded rows readable after commit (results outlive transactions)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: everything commits together or nothing does."""
    with factory() as session, session.begin():
        yield session
