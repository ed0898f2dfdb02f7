"""Alembic environment: sees every model, runs online against the app's database."""

from alembic import context

import audits.models  # noqa: F401 - registers the tables on Base.metadata
import grievances.models  # noqa: F401
import questionnaires.models  # noqa: F401
import reports.models  # noqa: F401
import risk.models  # noqa: F401
import suppliers.models  # noqa: F401
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run_with(conn)
    engine.dispose()


def _run_with(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.in_transaction():
        # Batch migrations rebuild a table by copying it and dropping the old one; with foreign
        # keys on, that DROP deletes every row that references it (ON DELETE CASCADE), e.g.
        # every relationship when `suppliers` is rebuilt. SQLite's own advice: switch them off
        # outside the transaction, check them before commit, switch them back on.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection)
    finally:
        if sqlite and not connection.in_transaction():
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left {len(broken)} rows with broken foreign "
                                   f"keys, first {broken[0]}; nothing was changed")


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run()
