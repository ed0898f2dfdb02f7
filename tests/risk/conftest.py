"""Fixtures of the risk tests: the shipped reference editions, loaded inside the test's
transaction (rolled back with it), and helpers to build small edition files."""

from __future__ import annotations

import pytest

from risk.reference import services


@pytest.fixture
def shipped(db):
    """The shipped editions, loaded as `flask risk load-shipped` does: {(dataset, edition):
    DataEdition}. The per-process tables cache is keyed by edition, so it needs no reset."""
    services.ensure_shipped(db)
    from sqlalchemy import select

    from risk.models import DataEdition

    editions = db.scalars(select(DataEdition).where(DataEdition.scope_key == 0)).all()
    return {(e.dataset, e.edition): e for e in editions}


@pytest.fixture
def tables(db, shipped):
    """The platform's ReferenceTables (what an organisation without its own editions reads)."""
    return services.load_tables(db, None)


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
