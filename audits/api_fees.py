"""The recruitment-fee ledger API (API.md): the buyer's compliance team only.

Amounts are major units: a JSON number or a decimal string in, a decimal string out.
"""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.api import paginate
from app.apischema import api_route
from app.db import get_session
from app.errors import NotFound
from app.tenancy import get_owned
from audits import queries, services
from audits.api import bp, editors
from audits.models import FeeEntry
from audits.schemas import fee_json, parse_date
from suppliers.models import Supplier


def _live_supplier(db, supplier_id: int) -> Supplier:
    supplier = get_owned(db, Supplier, supplier_id, current_user.org_id)
    if supplier.archived_at is not None:
        raise NotFound("No such supplier (it was archived).")
    return supplier


@bp.get("/suppliers/<int:supplier_id>/fees")
@editors
@api_route(response="FeeList", query="PageQuery")
def list_fees(supplier_id: int, query: dict):
    """The supplier's fee ledger: cohorts, owed and repaid; `totals` per currency (amounts
    in different currencies are never added)."""
    db = get_session()
    supplier = _live_supplier(db, supplier_id)
    page = paginate(db, queries.fee_entries_query(supplier.org_id, supplier.id), fee_json)
    page["totals"] = queries.fee_totals(db, supplier.org_id, supplier.id)
    return jsonify(page)


@bp.post("/suppliers/<int:supplier_id>/fees")
@editors
@api_route(status=201, response="FeeEntry", body="FeeInput", lookup_first=True)
def add_fee(supplier_id: int, body):
    """A cohort of workers who paid fees: `workers`, `amount` (the cohort's total) or
    `fee_per_worker`, `currency`, `category`, `origin_country`, the agency, `finding_id`."""
    db = get_session()
    supplier = _live_supplier(db, supplier_id)
    entry = services.add_fee_entry(db, supplier=supplier, actor=current_user, values=body())
    db.commit()
    return jsonify(fee_json(entry)), 201


@bp.get("/fees/<int:entry_id>")
@editors
@api_route(response="FeeEntry")
def get_fee(entry_id: int):
    """One ledger entry: what the cohort paid, and what has been repaid to it."""
    db = get_session()
    return jsonify(fee_json(get_owned(db, FeeEntry, entry_id, current_user.org_id)))


@bp.patch("/fees/<int:entry_id>")
@editors
@api_route(response="FeeEntry", body="FeePatch", lookup_first=True)
def record_repayment(entry_id: int, body):
    """Record a repayment: `repaid_amount` (the total repaid so far), `repaid_on`, `method`,
    `workers_confirmed` (how many workers confirmed receiving it)."""
    db = get_session()
    entry = get_owned(db, FeeEntry, entry_id, current_user.org_id)
    body = body()
    services.record_repayment(
        db, entry, actor=current_user, repaid_amount=body["repaid_amount"],
        repaid_on=parse_date(body.get("repaid_on"), "repaid_on"), method=body.get("method"),
        workers_confirmed=body.get("workers_confirmed"),
        evidence_note=body.get("evidence_note"))
    db.commit()
    return jsonify(fee_json(entry))
