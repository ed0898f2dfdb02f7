"""The duplicate review through the API and the pages: pairs with their evidence, merge,
"not a duplicate", another company's ids, hostile values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from suppliers.models import DuplicateCandidate, Supplier
from suppliers.services.duplicates import dismiss_candidate, find_candidates
from tests.audits.factories import make_audit, make_fee
from tests.conftest import form_token, token_for
from tests.factories import make_org
from tests.questionnaires.factories import make_assignment
from tests.suppliers.factories import link, make_supplier

ADDRESS = "12 Industrial Road, Di An, Binh Duong"


@pytest.fixture
def pair(db, compliance_user):
    org = compliance_user.org
    keep = make_supplier(db, org, name="SAIGON STITCH CO., LTD.", country="VN",
                         address=ADDRESS, os_id="VN2021123ABCDEF", products=["t-shirts"])
    dup = make_supplier(db, org, name="Saigon Stitch Company Limited", country="VN",
                        address=ADDRESS, latin_name=None)
    link(db, org, keep)
    link(db, org, make_supplier(db, org, name="Anhui Cotton Spinning", country="CN"), dup)
    make_assignment(db, org, dup)
    make_audit(db, org, supplier=dup, status="submitted")
    make_fee(db, dup)
    find_candidates(db, org.id)
    db.commit()
    candidate = db.scalar(select(DuplicateCandidate).where(DuplicateCandidate.org_id == org.id))
    return keep, dup, candidate


@pytest.fixture
def headers(client, compliance_user):
    return token_for(client, compliance_user.email)


def test_the_list_shows_each_pair_with_the_evidence_of_both(client, headers, pair):
    keep, dup, candidate = pair
    body = client.get("/api/v1/suppliers/duplicates", headers=headers).json
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["id"] == candidate.id and item["status"] == "open" and item["score"] == 100.0
    assert "same address (100/100)" in item["reasons"]
    low, high = item["suppliers"]
    assert (low["id"], high["id"]) == (keep.id, dup.id)
    assert low["identifiers"]["os_id"] == "VN2021123ABCDEF" and high["identifiers"]["os_id"] is None
    assert low["tier"] == 1 and high["tier"] is None
    assert (low["relationships"], high["relationships"]) == (1, 1)
    assert high["references"]["questionnaires"] == 1
    assert high["references"]["audits and fee entries"] == 2
    assert client.get("/api/v1/suppliers/duplicates?status=dismissed",
                      headers=headers).json["total"] == 0
    assert client.get("/api/v1/suppliers/duplicates?status=maybe",
                      headers=headers).status_code == 422


def test_merge_through_the_api(client, db, headers, pair):
    keep, dup, candidate = pair
    response = client.post(f"/api/v1/suppliers/{keep.id}/merge", headers=headers,
                           json={"duplicate_id": dup.id})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["supplier"]["id"] == keep.id and body["supplier"]["tier"] == 1
    assert body["moved"] == {"relationships": 1, "questionnaire assignments": 1, "audits": 1,
                             "fee entries": 1}
    assert body["relationships_dropped"] == 0
    db.expire_all()
    assert db.get(Supplier, dup.id).archived_at is not None
    assert db.get(DuplicateCandidate, candidate.id).status == "merged"
    # the duplicate is gone from the API, its risk too (the recompute drops its score)
    assert client.get(f"/api/v1/suppliers/{dup.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/suppliers/{dup.id}/risk", headers=headers).status_code == 404
    assert client.get(f"/api/v1/suppliers/{keep.id}/risk", headers=headers).status_code == 200
    merged = client.get("/api/v1/suppliers/duplicates?status=merged", headers=headers).json
    assert [i["id"] for i in merged["items"]] == [candidate.id]
    assert merged["items"][0]["suppliers"][1]["archived"] is True
    # the duplicate is archived now: merging it again is a conflict
    again = client.post(f"/api/v1/suppliers/{keep.id}/merge", headers=headers,
                        json={"duplicate_id": dup.id})
    assert again.status_code == 409


def test_merge_refusals(client, db, headers, pair, compliance_user):
    keep, dup, _candidate = pair
    stranger = make_supplier(db, make_org(db))
    db.commit()
    url = f"/api/v1/suppliers/{keep.id}/merge"
    assert client.post(url, headers=headers, json={"duplicate_id": keep.id}).status_code == 409
    gone = client.post(url, headers=headers, json={"duplicate_id": stranger.id})
    assert gone.status_code == 404 and gone.json["error"]["details"][0]["field"] == "duplicate_id"
    theirs = client.post(f"/api/v1/suppliers/{stranger.id}/merge", headers=headers,
                         json={"duplicate_id": dup.id})
    assert theirs.status_code == 404
    for body in ({}, {"duplicate_id": "x"}, {"duplicate_id": 2**40}, {"duplicate_id": -1},
                 {"duplicate_id": dup.id, "extra": 1}, {"duplicate_id": None}):
        assert client.post(url, headers=headers, json=body).status_code == 422, body
    assert client.post("/api/v1/suppliers/99999999/merge", headers=headers,
                       json={"duplicate_id": "x"}).status_code == 404  # the id first
    db.expire_all()
    assert db.get(Supplier, dup.id).archived_at is None


def test_dismiss_through_the_api(client, db, headers, pair):
    _keep, _dup, candidate = pair
    url = f"/api/v1/suppliers/duplicates/{candidate.id}/dismiss"
    assert client.post(url, headers=headers, json={"note": "x" * 1001}).status_code == 422
    assert client.post(url, headers=headers, json={"note": "a\x00b"}).status_code == 422
    done = client.post(url, headers=headers, json={"note": "<b>Two sites</b>"})
    assert done.status_code == 200 and done.json["status"] == "dismissed"
    assert done.json["note"] == "<b>Two sites</b>" and done.json["decided_at"]
    assert client.post(url, headers=headers, json={}).status_code == 409
    assert client.get("/api/v1/suppliers/duplicates", headers=headers).json["total"] == 0


def test_another_companys_pairs_are_404(client, db, headers):
    other = make_org(db)
    make_supplier(db, other, name="Saigon Stitch", country="VN", address=ADDRESS)
    make_supplier(db, other, name="SAIGON STITCH CO", country="VN", address=ADDRESS)
    find_candidates(db, other.id)
    db.commit()
    theirs = db.scalar(select(DuplicateCandidate).where(DuplicateCandidate.org_id == other.id))
    assert client.get("/api/v1/suppliers/duplicates", headers=headers).json["total"] == 0
    assert client.post(f"/api/v1/suppliers/duplicates/{theirs.id}/dismiss", headers=headers,
                       json={}).status_code == 404


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_pairs_side_by_side_and_merges(logged_in, db, pair):
    keep, dup, candidate = pair
    index = logged_in.get("/suppliers")
    assert 'href="/suppliers/duplicates"' in index.text and "Possible duplicates" in index.text
    page = logged_in.get("/suppliers/duplicates")
    assert page.status_code == 200
    assert "SAIGON STITCH CO., LTD." in page.text and "Saigon Stitch Company Limited" in page.text
    assert "VN2021123ABCDEF" in page.text and "Merge into this one" in page.text
    assert "same address (100/100)" in page.text
    token = form_token(logged_in, "/suppliers/duplicates")
    wrong = logged_in.post(f"/suppliers/duplicates/{candidate.id}/merge",
                           data={"csrf_token": token, "keep": "999999"})
    assert wrong.status_code == 302
    assert "Choose one of the two" in logged_in.get("/suppliers/duplicates").text
    # keep the second record this time: the one without the OS ID
    done = logged_in.post(f"/suppliers/duplicates/{candidate.id}/merge",
                          data={"csrf_token": token, "keep": str(dup.id)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/suppliers/{dup.id}")
    db.expire_all()
    kept, gone = db.get(Supplier, dup.id), db.get(Supplier, keep.id)
    assert gone.archived_at is not None and kept.os_id == "VN2021123ABCDEF"
    assert kept.products == ["t-shirts"]
    assert "was merged into" in logged_in.get(f"/suppliers/{dup.id}").text
    merged = logged_in.get("/suppliers/duplicates?status=merged")
    assert "Merged on" in merged.text and "Merge into this one" not in merged.text


def test_not_a_duplicate_from_the_page_and_look_again(logged_in, db, pair):
    _keep, _dup, candidate = pair
    token = form_token(logged_in, "/suppliers/duplicates")
    no_token = logged_in.post(f"/suppliers/duplicates/{candidate.id}/dismiss",
                              data={"note": "x"})
    assert no_token.status_code == 400  # the CSRF check
    db.expire_all()
    assert db.get(DuplicateCandidate, candidate.id).status == "open"
    done = logged_in.post(f"/suppliers/duplicates/{candidate.id}/dismiss",
                          data={"csrf_token": token, "note": "<script>alert(1)</script>"})
    assert done.status_code == 302
    dismissed = logged_in.get("/suppliers/duplicates?status=dismissed")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dismissed.text
    assert "<script>alert(1)</script>" not in dismissed.text
    assert "No possible duplicates to review" in logged_in.get("/suppliers/duplicates").text
    looked = logged_in.post("/suppliers/duplicates/scan", data={"csrf_token": token})
    assert looked.status_code == 302
    page = logged_in.get("/suppliers/duplicates")
    assert "last looked" in page.text and "(3 suppliers)" in page.text
    db.expire_all()
    assert db.get(DuplicateCandidate, candidate.id).status == "dismissed"  # remembered


def test_hostile_names_are_escaped_on_the_page(logged_in, db, compliance_user):
    org = compliance_user.org
    for name in ("<img src=x onerror=alert(1)> Mill", "<IMG SRC=X ONERROR=ALERT(1)> MILL LTD"):
        make_supplier(db, org, name=name, country="VN", address=ADDRESS)
    find_candidates(db, org.id)
    db.commit()
    page = logged_in.get("/suppliers/duplicates")
    assert page.status_code == 200 and "&lt;img src=x onerror=alert(1)&gt; Mill" in page.text
    assert "<img src=x" not in page.text
    assert logged_in.get("/suppliers/duplicates?page=abc").status_code == 422
    assert logged_in.get("/suppliers/duplicates?status=<x>").status_code == 200


def test_merging_from_the_page_refuses_a_decided_pair(logged_in, db, pair):
    keep, _dup, candidate = pair
    dismiss_candidate(db, candidate, actor=None)
    db.commit()
    token = form_token(logged_in, "/suppliers/duplicates")
    logged_in.post(f"/suppliers/duplicates/{candidate.id}/merge",
                   data={"csrf_token": token, "keep": str(keep.id)})
    assert "dismissed already" in logged_in.get("/suppliers/duplicates").text
    db.expire_all()
    assert db.get(Supplier, candidate.high_id).archived_at is None
