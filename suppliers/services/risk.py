"""Writing risk scores onto suppliers: the one door through which the risk package stores them."""

from __future__ import annotations

import math
from collections.abc import Mapping

from sqlalchemy import BigInteger, Float, String, bindparam, func, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from suppliers.models import RISK_BANDS, Supplier

BATCH = 1000


def _checked(supplier_id: object, value: object) -> dict[str, object]:
    ok_id = isinstance(supplier_id, int) and not isinstance(supplier_id, bool)
    pair = isinstance(value, tuple | list) and len(value) == 2
    score, band = value if pair else (None, None)  # type: ignore[misc]
    cleared = score is None and band is None
    scored = (isinstance(score, int | float) and not isinstance(score, bool)
              and math.isfinite(score) and 0 <= score <= 100 and band in RISK_BANDS)
    ok_score = pair and (cleared or scored)
    if not (ok_id and ok_score):
        raise ValidationFailed(
            f"Risk for supplier {supplier_id!r} must be (score 0-100, band), got {value!r}.",
            [{"field": "risk", "message": f"supplier {supplier_id!r}: invalid score or band"}],
        )
    return {"sid": supplier_id, "score": None if score is None else float(score), "band": band}


def set_risk(
    session: Session, *, org_id: int, scores: Mapping[int, tuple[float, str] | tuple[None, None]]
) -> int:
    """Store {supplier_id: (score, band)} for suppliers of `org_id`; (None, None) clears one.

    One bulk UPDATE per batch, filtered by organisation, so an id of another tenant changes
    nothing. Validates every entry before writing any. Returns how many rows were updated.
    """
    rows = [_checked(sid, value) for sid, value in scores.items()]
    session.flush()  # pending ORM changes first, so the UPDATE sees them
    stmt = (
        update(Supplier.__table__)
        .where(Supplier.__table__.c.id == bindparam("sid"),
               Supplier.__table__.c.org_id == org_id)
        # Scores are not edits: keep the version and updated_at an editor's PATCH relies on.
        .values(risk_score=bindparam("score"), risk_band=bindparam("band"),
                updated_at=Supplier.__table__.c.updated_at)
    )
    updated = 0
    if session.get_bind().dialect.name == "postgresql":
        updated = _set_risk_unnest(session, org_id, rows)
    else:
        for start in range(0, len(rows), BATCH):
            result = session.execute(stmt, rows[start:start + BATCH])
            updated += result.rowcount or 0
    # Loaded suppliers would otherwise keep answering their old risk.
    ids = {row["sid"] for row in rows}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Supplier) and obj.id in ids:
            session.expire(obj, ["risk_score", "risk_band"])
    return updated


PG_BATCH = 20_000


def _set_risk_unnest(session: Session, org_id: int, rows: list[dict[str, object]]) -> int:
    """PostgreSQL: one UPDATE ... FROM unnest(arrays) per 20,000 suppliers. psycopg's
    executemany sends one UPDATE per row: 6.3 s for a first recompute of 100,000 suppliers,
    of which the server needs 2.2 s (every index on suppliers takes the new row)."""
    table = Supplier.__table__
    given = func.unnest(bindparam("sids", type_=ARRAY(BigInteger)),
                        bindparam("scores", type_=ARRAY(Float)),
                        bindparam("bands", type_=ARRAY(String))).table_valued(
        "sid", "score", "band").render_derived(name="given")
    stmt = (update(table).where(table.c.id == given.c.sid, table.c.org_id == org_id)
            .values(risk_score=given.c.score, risk_band=given.c.band,
                    updated_at=table.c.updated_at))  # as above: scores are not edits
    updated = 0
    for start in range(0, len(rows), PG_BATCH):
        batch = rows[start:start + PG_BATCH]
        result = session.execute(stmt, {"sids": [r["sid"] for r in batch],
                                        "scores": [r["score"] for r in batch],
                                        "bands": [r["band"] for r in batch]})
        updated += result.rowcount or 0
    return updated


def set_listed(session: Session, *, org_id: int, listed: Mapping[int, bool]) -> int:
    """Store {supplier_id: on a forced-labour entity list?} for suppliers of `org_id` (risk's
    screening decides it: a confirmed hit). One UPDATE per value, filtered by organisation,
    so an id of another tenant changes nothing. Returns how many rows were updated."""
    if any(not isinstance(sid, int) or isinstance(sid, bool) or not isinstance(flag, bool)
           for sid, flag in listed.items()):
        raise ValidationFailed("Listed flags must be {supplier id: true or false}.",
                               [{"field": "listed", "message": "invalid supplier id or flag"}])
    session.flush()
    table = Supplier.__table__
    updated = 0
    for flag in (True, False):
        ids = sorted(sid for sid, value in listed.items() if value is flag)
        for start in range(0, len(ids), BATCH):
            result = session.execute(
                update(table).where(table.c.org_id == org_id,
                                    table.c.id.in_(ids[start:start + BATCH]))
                # Not an edit either: keep the version and updated_at (as set_risk does).
                .values(listed=flag, updated_at=table.c.updated_at))
            updated += result.rowcount or 0
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Supplier) and obj.id in listed:
            session.expire(obj, ["listed"])
    return updated
