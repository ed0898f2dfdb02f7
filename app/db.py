"""Engine, the shared declarative Base, and one session per request (or CLI command).

SQLite gets WAL, foreign keys, a busy timeout and transactions that we begin ourselves, so that
write requests take the write lock up front (BEGIN IMMEDIATE) and wait for each other instead
of failing half-way with "database is locked". One write transaction per request: in tests,
where every session shares one connection, a second one (or a write in a read request) raises
at once instead of waiting out the busy timeout as it would on SQLite.
"""

from __future__ import annotations

import weakref
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


def make_engine(url: str, *, busy_timeout: float = 30, **kwargs: Any) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    busy_ms = int(busy_timeout * 1000)
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
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        wait_ms = options.get("sqlite_busy_ms")
        if wait_ms is not None:  # bookkeeping that must not wait long (reset on check-in)
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
            conn.info["short_busy"] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if record is not None and record.info.pop("short_busy", False):
            dbapi_conn.execute(f"PRAGMA busy_timeout={busy_ms}")

    return engine


class SecondWriteTransaction(RuntimeError):
    """A write session was opened while another one of this thread still held the write lock.

    On SQLite the second would wait out the whole busy timeout and fail (PITFALLS: a second
    write transaction). Tests raise this at once, on every database.
    """


class Database:
    """Holds the engine and hands out the session of the current app context."""

    def __init__(self, app: Flask) -> None:
        self.engine = make_engine(
            app.config["DATABASE_URL"],
            busy_timeout=float(app.config.get("SQLITE_BUSY_TIMEOUT", 30)),
        )
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # Tests bind every session to one outer transaction that they roll back.
        self.test_connection: Any = None
        self._test_writers: list[weakref.ref[Session]] = []
        self._makers: dict[tuple[bool, int | None], sessionmaker[Session]] = {}
        app.extensions["tierlight_db"] = self
        app.teardown_appcontext(self._teardown)

    def new_session(self, *, write: bool = True, busy_ms: int | None = None) -> Session:
        """A session; `write` takes SQLite's lock up front, `busy_ms` caps the wait for it."""
        if self.test_connection is not None:
            return self._test_session(write)
        key = (write, busy_ms)
        maker = self._makers.get(key)
        if maker is None:
            options: dict[str, Any] = {"sqlite_immediate": True} if write else {}
            if busy_ms is not None:
                options["sqlite_busy_ms"] = busy_ms
            bind = self.engine.execution_options(**options) if options else self.engine
            maker = self._makers[key] = sessionmaker(bind=bind, expire_on_commit=False)
        return maker()

    def _test_session(self, write: bool) -> Session:
        """Tests share one connection, so enforce by hand what SQLite enforces by waiting:
        one write transaction at a time, and no writes in a read request's session."""
        if write:
            live = [s for ref in self._test_writers if (s := ref()) is not None]
            if any(s.in_transaction() for s in live):
                raise SecondWriteTransaction(
                    "a second write transaction was opened while one is still open")
            self._test_writers = [weakref.ref(s) for s in live]
        session = Session(
            bind=self.test_connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        if write:
            self._test_writers.append(weakref.ref(session))
        else:
            event.listen(session, "before_flush", _refuse_flush)
            event.listen(session, "do_orm_execute", _refuse_dml)
        return session

    @staticmethod
    def _teardown(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()  # rolls back anything not committed


class WriteInReadSession(RuntimeError):
    """A read request wrote: on SQLite its deferred transaction can fail with "locked"."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise WriteInReadSession("a read (GET) request's session tried to write")


def _refuse_dml(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadSession("a read (GET) request's session tried to write")


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
