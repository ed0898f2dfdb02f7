"""Engine, the shared declarative Base, and one session per request (or CLI command).

SQLite gets WAL, foreign keys, a busy timeout and transactions that we begin ourselves, so that
write requests take the write lock up front (BEGIN IMMEDIATE) and wait for each other instead
of failing half-way with "database is locked".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC everywhere and always hands back aware datetimes (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if url in ("sqlite://", "sqlite:///:memory:"):
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Holds the engine and hands out the session of the current app context."""

    def __init__(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # Tests bind every session to one outer transaction that they roll back.
        self.test_connection: Any = None
        app.extensions["tierlight_db"] = self
        app.teardown_appcontext(self._teardown)

    def new_session(self, *, write: bool = True) -> Session:
        if self.test_connection is not None:
            return Session(
                bind=self.test_connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
        bind = self.engine.execution_options(sqlite_immediate=True) if write else self.engine
        return sessionmaker(bind=bind, expire_on_commit=False)()

    @staticmethod
    def _teardown(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()  # rolls back anything not committed


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["tierlight_db"]


def get_session() -> Session:
    """The session of this request or command; write requests lock SQLite up front."""
    session = g.get("db_session")
    if session is None:
        write = not has_request_context() or request.method in WRITE_METHODS
        session = get_db().new_session(write=write)
        g.db_session = session
    return session


def is_busy_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def allocate_ids(session: Session, table: Any, count: int) -> list[int]:
    """Primary keys for `count` rows about to be bulk-inserted with explicit ids.

    INSERT ... RETURNING in parameter order costs PostgreSQL about three times a plain insert,
    so bulk paths take ids first: a batch of the serial's sequence on PostgreSQL; on SQLite
    the next ids after the largest, safe because write transactions hold the database lock.
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"),
            {"table": table.name, "count": count},
        ))
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))
