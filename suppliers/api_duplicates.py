"""Duplicate review API (API.md): likely duplicate pairs with their evidence, merge, dismiss.

Routes on the suppliers API blueprint (suppliers/api.py's `bp`).
"""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.api import page_args, page_of
from app.apischema import api_route
from app.db import get_session
from app.errors import NotFound
from app.registry import registry
from app.tenancy import get_owned
from suppliers import services
from suppliers.api import _one, _org, bp, editors
from suppliers.models import DuplicateCandidate, Supplier
from suppliers.queries_duplicates import candidate_query, evidence, pair_json
from suppliers.services.duplicates import dismiss_candidate


def _pairs_json(db, candidates: list[DuplicateCandidate]) -> list[dict]:
    found = evidence(db, _org(), candidates, registry().reference_counters)
    return [pair_json(c, found) for c in candidates]


@bp.get("/suppliers/duplicates")
@editors
@api_route(response="DuplicatePair", many=True, query="DuplicateFilters")
def list_duplicates(query: dict):
    """Likely duplicate pairs of your network (`status`: open by default, dismissed or
    merged), with the evidence of both records, most certain and highest score first."""
    db = get_session()
    page, per_page = page_args()
    items, total = page_of(db, candidate_query(_org(), query.get("status", "open")), page,
                           per_page)
    return jsonify(items=_pairs_json(db, items), total=total, page=page, per_page=per_page)


@bp.post("/suppliers/<int:supplier_id>/merge")
@editors
@api_route(response="MergeResult", body="MergeInput", errors=[404, 409], lookup_first=True)
def merge(supplier_id: int, body):
    """Merge `duplicate_id` into this supplier: its relationships, questionnaires, audits,
    findings, fee entries and other records move here, and it is archived.

    Another company's ids are 404; an archived supplier, or the same id twice, is 409.
    """
    db = get_session()
    keep = get_owned(db, Supplier, supplier_id, _org())
    duplicate_id = body()["duplicate_id"]
    try:
        duplicate = get_owned(db, Supplier, int(duplicate_id), _org())
    except NotFound:
        raise NotFound(f"No supplier {duplicate_id} in your network.",
                       [{"field": "duplicate_id", "message": "not in your network"}]) from None
    merged = services.merge_suppliers(db, keep, duplicate, actor=current_user)
    db.commit()
    return jsonify(supplier=_one(db, merged.supplier), moved=merged.moved,
                   relationships_dropped=len(merged.dropped), fields_taken=merged.fields_taken)


@bp.post("/suppliers/duplicates/<int:candidate_id>/dismiss")
@editors
@api_route(response="DuplicatePair", body="DismissInput", errors=[404, 409],
           lookup_first=True)
def dismiss(candidate_id: int, body):
    """"Not a duplicate", with an optional `note`: the pair stays dismissed until either
    record changes. A pair already decided is 409."""
    db = get_session()
    candidate = get_owned(db, DuplicateCandidate, candidate_id, _org())
    dismiss_candidate(db, candidate, actor=current_user, note=body().get("note"))
    db.commit()
    return jsonify(_pairs_json(db, [candidate])[0])
