"""Alembic environment: runs on the connection handed over by `lib.core.db.migrate`, or on DATABASE_URL."""

from alembic import context

from lib.core.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from lib.core.config import load_settings
        from lib.core.db import make_engine

        with make_engine(load_settings().database_url).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
