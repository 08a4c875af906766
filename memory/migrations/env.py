"""Alembic environment: migrates the engine memory.database hands over, or the configured URL."""

from alembic import context
from sqlalchemy import create_engine

from memory.records import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run online against the engine Frameline opened (or one made from the URL)."""
    engine = config.attributes.get("engine") or create_engine(
        config.get_main_option("sqlalchemy.url")
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
