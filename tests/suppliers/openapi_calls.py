"""A success call for each duplicate-review API operation (collected by tests/app/
test_openapi.py; the rest of the suppliers API has its calls there)."""

from __future__ import annotations

from sqlalchemy import select

from suppliers.models import DuplicateCandidate
from suppliers.services.duplicates import find_candidates
from tests.suppliers.factories import link, make_supplier

ADDRESS = "Lot A1, Song Than 1 Industrial Park, Di An, Binh Duong"


def success_calls(db, user, client) -> dict:
    org = user.org
    keep = make_supplier(db, org, name="Saigon Stitch Co., Ltd.", country="VN",
                         address=ADDRESS, os_id="VN2021123ABCDEF")
    dup = make_supplier(db, org, name="SAIGON STITCH COMPANY LIMITED", country="VN",
                        address=ADDRESS)
    a = make_supplier(db, org, name="Dhaka Denim Works Ltd.", country="BD", address="Gazipur",
                      products=["denim"])
    b = make_supplier(db, org, name="Dhaka Denim Works (Pvt.) Ltd.", country="BD",
                      address="Plot 4, Tongi", products=["Denim"])
    link(db, org, keep)
    link(db, org, dup)
    find_candidates(db, org.id)
    db.commit()
    other = db.scalar(select(DuplicateCandidate.id).where(
        DuplicateCandidate.org_id == org.id, DuplicateCandidate.low_id == a.id,
        DuplicateCandidate.high_id == b.id))
    return {
        ("get", "/api/v1/suppliers/duplicates"): dict(query_string={"status": "open",
                                                                    "per_page": 10}),
        ("post", "/api/v1/suppliers/{supplier_id}/merge"): dict(
            id=keep.id, json={"duplicate_id": dup.id}),
        ("post", "/api/v1/suppliers/duplicates/{candidate_id}/dismiss"): dict(
            id=other, json={"note": "Two sites of one group"}),
    }
