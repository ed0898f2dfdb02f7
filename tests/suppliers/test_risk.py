"""Risk on suppliers: set_risk writes it, the API shows it, and ?band= filters by it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.errors import ValidationFailed
from suppliers import services
from suppliers.models import Supplier
from tests.conftest import token_for
from tests.factories import make_org
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def api(client, compliance_user):
    client.environ_base["HTTP_AUTHORIZATION"] = token_for(client, compliance_user.email)[
        "Authorization"]
    return client


def test_scores_show_on_suppliers_and_nodes_and_band_filters(api, db, compliance_user):
    org = compliance_user.org
    high, low, unscored = (make_supplier(db, org) for _ in range(3))
    for s in (high, low, unscored):
        link(db, org, s)
    db.commit()
    version = high.version
    assert services.set_risk(db, org_id=org.id, scores={high.id: (81.5, "high"),
                                                        low.id: (12, "low")}) == 2
    db.commit()
    assert api.get(f"/api/v1/suppliers/{high.id}").json["risk"] == {"score": 81.5,
                                                                   "band": "high"}
    assert api.get(f"/api/v1/suppliers/{unscored.id}").json["risk"] is None
    listed = api.get("/api/v1/suppliers?band=high").json
    assert [s["id"] for s in listed["items"]] == [high.id]
    assert api.get("/api/v1/suppliers?band=critical").json["total"] == 0
    nodes = {n["id"]: n["risk"] for n in api.get("/api/v1/network").json["nodes"]}
    assert nodes == {high.id: {"score": 81.5, "band": "high"},
                     low.id: {"score": 12.0, "band": "low"}, unscored.id: None}
    upstream = api.get(f"/api/v1/suppliers/{low.id}/upstream").json["nodes"]
    assert upstream[0]["risk"] == {"score": 12.0, "band": "low"}
    # A score is not an edit: an editor's PATCH with the version they read still applies.
    db.refresh(high)
    assert high.version == version
    patched = api.patch(f"/api/v1/suppliers/{high.id}", json={"workers": 500,
                                                              "version": version})
    assert patched.status_code == 200 and patched.json["risk"]["band"] == "high"
    # Cleared again: (None, None).
    services.set_risk(db, org_id=org.id, scores={high.id: (None, None)})
    db.commit()
    assert api.get(f"/api/v1/suppliers/{high.id}").json["risk"] is None


def test_band_is_refused_when_unknown(api):
    response = api.get("/api/v1/suppliers?band=extreme")
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "band"


def test_another_organisations_ids_are_untouched(db, compliance_user):
    mine = make_supplier(db, compliance_user.org)
    other = make_org(db, "buyer")
    theirs = make_supplier(db, other)
    db.commit()
    updated = services.set_risk(db, org_id=compliance_user.org.id,
                                scores={mine.id: (50, "medium"), theirs.id: (99, "critical")})
    db.commit()
    assert updated == 1
    rows = dict(db.execute(select(Supplier.id, Supplier.risk_band)
                           .where(Supplier.id.in_([mine.id, theirs.id]))).all())
    assert rows == {mine.id: "medium", theirs.id: None}


@pytest.mark.parametrize("value", [(101, "high"), (-1, "low"), (50, "extreme"), (50, None),
                                   (float("nan"), "low"), (True, "low"), ("50", "low"), 50])
def test_bad_scores_write_nothing(db, compliance_user, value):
    first, second = make_supplier(db, compliance_user.org), make_supplier(db, compliance_user.org)
    db.commit()
    with pytest.raises(ValidationFailed):
        services.set_risk(db, org_id=compliance_user.org.id,
                          scores={first.id: (40, "medium"), second.id: value})
    db.rollback()
    assert db.scalar(select(Supplier.risk_band).where(Supplier.id == first.id)) is None


def test_the_database_refuses_a_band_outside_the_list(db, compliance_user):
    s = make_supplier(db, compliance_user.org)
    db.commit()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE suppliers SET risk_band = 'extreme' WHERE id = :id"),
                   {"id": s.id})
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE suppliers SET risk_score = 100.5, risk_band = 'high' "
                        "WHERE id = :id"), {"id": s.id})
