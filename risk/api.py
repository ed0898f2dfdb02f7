"""Risk API (API.md): a supplier's score with its lineage, and suppliers ranked by score.

Who: the buying company's compliance team and admins, for their own suppliers. A supplier's
own organisation, auditors and regulators never see a buyer's risk (403 by role; another
tenant's supplier id is 404).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import NotFound
from app.tenancy import get_owned
from risk import queries
from risk.links import evidence_url
from suppliers.models import Supplier
from suppliers.queries import parse_filters

bp = Blueprint("risk_api", __name__, url_prefix="/api/v1")
readers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))


def risk_json(db, supplier: Supplier) -> dict:
    score = queries.score_of(db, supplier.org_id, supplier.id)
    if score is None:
        return {"supplier_id": supplier.id, "score": None, "band": None, "own_score": None,
                "factors": [], "inherited": {"score": 0, "from_supplier_id": None, "path": []},
                "method_version": None, "data_editions": {}, "computed_at": None}
    factors = [{**f, "evidence": [{**e, "url": evidence_url(e, supplier.id)}
                                  for e in f["evidence"]]} for f in score.factors]
    return {
        "supplier_id": supplier.id, "score": score.score, "band": score.band,
        "own_score": score.own_score, "factors": factors,
        "inherited": {"score": score.inherited_score,
                      "from_supplier_id": score.inherited_from_id,
                      "path": score.inherited_path},
        "method_version": score.method_version,
        "data_editions": queries.editions_json(db, score.editions),
        "computed_at": score.computed_at.isoformat(),
    }


@bp.get("/suppliers/<int:supplier_id>/risk")
@readers
@api_route(response="SupplierRisk")
def supplier_risk(supplier_id: int):
    """The score, its factors with their evidence, what it inherits and from whom, the method
    version and the reference-data editions it used."""
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, current_user.org_id)
    if supplier.archived_at is not None:  # archived (or merged into another): gone, as in
        raise NotFound("No such supplier (it was archived).")  # the suppliers API
    return jsonify(risk_json(db, supplier))


@bp.get("/risk")
@readers
@api_route(response="RiskList", query="RiskFilters")
def ranked(query: dict):
    """Scored suppliers, highest first; filters `band`, `country`, `tier` (or `none`)."""
    db = get_session()
    filters = parse_filters(request.args)
    page = paginate(db, queries.ranked(current_user.org_id, filters), lambda s: s)
    scores = queries.scores_for(db, current_user.org_id, [s.id for s in page["items"]])
    page["items"] = [
        {"supplier_id": s.id, "name": s.name, "country": s.country, "kind": s.kind,
         "tier": s.tier, "score": s.risk_score, "band": s.risk_band,
         "main_factors": queries.main_factors(scores.get(s.id)),
         "inherited_from_id": getattr(scores.get(s.id), "inherited_from_id", None)}
        for s in page["items"]]
    return jsonify(page)
