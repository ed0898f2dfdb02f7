"""Bulk writes for a recompute: 100,000 rows in as few round trips as the driver allows.

SQLAlchemy's executemany costs about 10 microseconds a row in parameter handling, and on
PostgreSQL psycopg then sends one INSERT or UPDATE per row (measured: 7 s for 100,000
scores with their JSON, of which the server needs 1.5 s). Here rows are plain tuples in
column order:

- PostgreSQL: inserts are one COPY ... FROM STDIN; updates COPY into a temporary table and
  apply one UPDATE ... FROM it;
- SQLite: the driver's own executemany on one prepared statement.

Values go through each column type's bind processor (dates on SQLite, the UTC datetime
decorator), except the columns named in `text_json`: JSON columns whose values are already
the text the JSON type would write (json.dumps), so a row is serialised once. Runs inside
the session's transaction and flushes nothing: the ORM does not see these rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, bindparam, insert, update
from sqlalchemy.orm import Session

__all__ = ["insert_rows", "update_rows"]

Row = Sequence[Any]


def _processed(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Row],
               text_json: Iterable[str]) -> list[tuple[Any, ...]]:
    dialect = session.get_bind().dialect
    skip = set(text_json)
    procs: list[Callable[[Any], Any] | None] = [
        None if c in skip else table.c[c].type.bind_processor(dialect) for c in columns]
    if not any(procs):
        return [tuple(r) for r in rows]
    pairs = [(k, p) for k, p in enumerate(procs) if p is not None]
    # A value that is the very object of the row before (a recompute's timestamp is one
    # object in every row) is processed once.
    last_in: list[Any] = [object()] * len(procs)
    last_out: list[Any] = [None] * len(procs)
    out = []
    for r in rows:
        values = list(r)
        for k, p in pairs:
            value = values[k]
            if value is not last_in[k]:
                last_in[k], last_out[k] = value, p(value)
            values[k] = last_out[k]
        out.append(tuple(values))
    return out


def _driver(session: Session) -> Any:
    connection = session.connection()  # begins the session's transaction if need be
    return connection.connection.driver_connection


def _copy(cursor: Any, table: Table, columns: Sequence[str],
          rows: list[tuple[Any, ...]]) -> None:
    from psycopg import sql  # PostgreSQL only

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _positional(session: Session, statement: Any) -> tuple[str, list[str]]:
    """The statement as the driver's SQL, and its parameter names in order (SQLite: qmark)."""
    compiled = statement.compile(dialect=session.get_bind().dialect)
    return compiled.string, list(compiled.positiontup or ())


def _reordered(values: list[tuple[Any, ...]], names: list[str],
               order: list[str]) -> list[tuple[Any, ...]]:
    """Tuples in `names` order rearranged into the compiled statement's parameter order."""
    if order == names:
        return values
    picks = [names.index(name) for name in order]
    return [tuple(v[k] for k in picks) for v in values]


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Row],
                *, text_json: Iterable[str] = ()) -> int:
    values = _processed(session, table, columns, rows, text_json)
    if not values:
        return 0
    cursor = _driver(session).cursor()
    try:
        if session.get_bind().dialect.name == "postgresql":
            _copy(cursor, table, columns, values)
        else:
            sql, order = _positional(session, insert(table).values(
                {c: bindparam(c) for c in columns}))
            cursor.executemany(sql, _reordered(values, list(columns), order))
    finally:
        cursor.close()
    return len(values)


def update_rows(session: Session, table: Table, keys: Sequence[str], columns: Sequence[str],
                rows: Iterable[Row], *, text_json: Iterable[str] = ()) -> int:
    """Each row is (*keys, *columns): set the columns of the row that the keys name."""
    every = (*keys, *columns)
    values = _processed(session, table, every, rows, text_json)
    if not values:
        return 0
    connection = session.connection()
    cursor = _driver(session).cursor()
    try:
        if connection.dialect.name == "postgresql":
            # Same column types as the target; dropped at once, so a second call in the same
            # transaction finds the name free.
            scratch = Table("risk_bulk_update", MetaData(),
                            *(Column(c, table.c[c].type) for c in every),
                            prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
            scratch.create(connection)
            _copy(cursor, scratch, every, values)
            connection.execute(update(table).where(
                *(table.c[k] == scratch.c[k] for k in keys)).values(
                {c: scratch.c[c] for c in columns}))
            scratch.drop(connection)
        else:
            sql, order = _positional(session, update(table).where(
                *(table.c[k] == bindparam(f"key_{k}") for k in keys)).values(
                {c: bindparam(c) for c in columns}))
            cursor.executemany(sql, _reordered(
                values, [*(f"key_{k}" for k in keys), *columns], order))
    finally:
        cursor.close()
    return len(values)
