"""The regulator registry: who reads what (API and pages), search, superseded versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import login, token_for
from tests.factories import make_org, make_user
from tests.reports.factories import make_statement
from tests.suppliers.factories import make_supplier


@pytest.fixture
def world(db):
    harbour = make_org(db, "buyer", name="Harbour Retail Group plc")
    kiwi = make_org(db, "buyer", name="Southern Cross Foods Pty Ltd")
    filed = make_statement(db, harbour, "uk_msa")
    draft = make_statement(db, harbour, "uk_msa", status="draft",
                           period=(date(2025, 4, 1), date(2026, 3, 31)))
    au = make_statement(db, kiwi, "au_msa")
    uk_reg = make_user(db, make_org(db, "regulator", jurisdiction="UK"), "regulator")
    au_reg = make_user(db, make_org(db, "regulator", jurisdiction="AU"), "regulator")
    compliance = make_user(db, harbour, "compliance")
    db.commit()
    return {"harbour": harbour, "filed": filed, "draft": draft, "au": au, "uk_reg": uk_reg,
            "au_reg": au_reg, "compliance": compliance}


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json["items"]]


def test_uk_regulator_reads_the_filed_uk_statement(client, world):
    headers = token_for(client, world["uk_reg"].email)
    assert _ids(client.get("/api/v1/registry/statements", headers=headers)) == [
        world["filed"].id]
    one = client.get(f"/api/v1/registry/statements/{world['filed'].id}", headers=headers).json
    assert one["sha256"] == world["filed"].sha256 and one["status"] == "filed"
    assert one["company"]["name"] == "Harbour Retail Group plc"
    assert [s["key"] for s in one["sections"]][:2] == ["structure", "policies"]
    assert one["criteria"] == {"covered": 8, "total": 8} and one["superseded_by_id"] is None
    assert one["approval"]["signatory"] == "Amelia Hart"
    pdf = client.get(one["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    import hashlib

    assert hashlib.sha256(pdf.data).hexdigest() == world["filed"].sha256


def test_other_jurisdictions_and_drafts_are_404(client, world):
    au = token_for(client, world["au_reg"].email)
    assert _ids(client.get("/api/v1/registry/statements", headers=au)) == [world["au"].id]
    for path in (f"/api/v1/registry/statements/{world['filed'].id}",
                 f"/api/v1/registry/statements/{world['filed'].id}/pdf"):
        assert client.get(path, headers=au).status_code == 404
    uk = token_for(client, world["uk_reg"].email)
    for sid in (world["draft"].id, world["au"].id):
        assert client.get(f"/api/v1/registry/statements/{sid}", headers=uk).status_code == 404
        assert client.get(f"/api/v1/registry/statements/{sid}/pdf",
                          headers=uk).status_code == 404


def test_no_writes_exist_for_regulators(client, world):
    headers = token_for(client, world["uk_reg"].email)
    sid = world["filed"].id
    for method, path in [("POST", "/api/v1/registry/statements"),
                         ("PATCH", f"/api/v1/registry/statements/{sid}"),
                         ("DELETE", f"/api/v1/registry/statements/{sid}"),
                         ("PUT", f"/api/v1/registry/statements/{sid}"),
                         ("POST", f"/api/v1/registry/statements/{sid}/pdf")]:
        response = client.open(path, method=method, headers=headers, json={"status": "draft"})
        assert response.status_code == 405, (method, path)
        assert response.json["error"]["code"] == "method_not_allowed"


def test_others_are_refused_by_role(client, db, world):
    admin_of_regulator = make_user(db, world["uk_reg"].org, "admin")
    db.commit()
    for user in (world["compliance"], admin_of_regulator):
        headers = token_for(client, user.email)
        assert client.get("/api/v1/registry/statements", headers=headers).status_code == 403
        assert client.get(f"/api/v1/registry/statements/{world['filed'].id}",
                          headers=headers).status_code == 403
    assert client.get("/api/v1/registry/statements").status_code == 401


def test_regulators_see_no_supplier_finding_or_draft_routes(client, db, world):
    supplier = make_supplier(db, world["harbour"])
    db.commit()
    headers = token_for(client, world["uk_reg"].email)
    for path in ["/api/v1/suppliers", f"/api/v1/suppliers/{supplier.id}", "/api/v1/network",
                 f"/api/v1/suppliers/{supplier.id}/risk", "/api/v1/risk", "/api/v1/audits",
                 "/api/v1/suppliers/export?format=csv", "/api/v1/assignments"]:
        assert client.get(path, headers=headers).status_code in (403, 404), path
    login(client, world["uk_reg"].email)
    for path in ["/suppliers", f"/suppliers/{supplier.id}", "/risk", "/audits"]:
        assert client.get(path).status_code in (403, 404), path


def test_search_by_company_year_and_framework(client, db, world):
    older = make_statement(db, world["harbour"], "uk_msa",
                           period=(date(2023, 4, 1), date(2024, 3, 31)),
                           filed_at=datetime(2024, 6, 1, tzinfo=UTC))
    other = make_statement(db, make_org(db, "buyer", name="Pennine 100%_Textiles"), "uk_msa")
    db.commit()
    headers = token_for(client, world["uk_reg"].email)

    def ids(**query):
        return _ids(client.get("/api/v1/registry/statements", headers=headers,
                               query_string=query))

    assert ids() == [other.id, world["filed"].id, older.id]  # newest filing first
    assert ids(q="harbour RETAIL") == [world["filed"].id, older.id]
    assert ids(q="100%_") == [other.id] and ids(q="%") == [other.id]
    assert ids(q="harbour%group") == [] and ids(q="r_tail") == []  # no wildcards
    assert ids(year=2024) == [older.id]
    assert ids(year=2025, q="harbour") == [world["filed"].id]
    assert ids(framework="uk_msa", per_page=1) == [other.id]
    page = client.get("/api/v1/registry/statements", headers=headers,
                      query_string={"per_page": 2, "page": 2}).json
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == [older.id]
    wrong = client.get("/api/v1/registry/statements", headers=headers,
                       query_string={"framework": "au_msa"})
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "framework"
    bad = client.get("/api/v1/registry/statements", headers=headers,
                     query_string={"year": "twenty"})
    assert bad.status_code == 422


def test_a_superseded_statement_stays_readable_and_links_the_newer(client, db, world):
    newer = make_statement(db, world["harbour"], "uk_msa", supersedes=world["filed"])
    db.commit()
    headers = token_for(client, world["uk_reg"].email)
    old = client.get(f"/api/v1/registry/statements/{world['filed'].id}", headers=headers).json
    assert old["status"] == "superseded" and old["superseded_by_id"] == newer.id
    new = client.get(f"/api/v1/registry/statements/{newer.id}", headers=headers).json
    assert new["version"] == 2 and new["supersedes_id"] == world["filed"].id
    login(client, world["uk_reg"].email)
    page = client.get(f"/registry/{world['filed'].id}")
    assert page.status_code == 200
    assert f'href="/registry/{newer.id}"' in page.text and "Read version 2" in page.text
    assert "amends" in client.get(f"/registry/{newer.id}").text


def test_registry_pages(client, db, world):
    login(client, world["uk_reg"].email)
    index = client.get("/registry")
    assert index.status_code == 200
    assert "Harbour Retail Group plc" in index.text and "8 of 8" in index.text
    assert 'href="/registry"' in index.text  # the nav item for regulators
    assert "Southern Cross" not in index.text
    assert "No filed statement matches" in client.get("/registry?q=nobody").text
    assert client.get("/registry?framework=au_msa").status_code == 422
    assert client.get("/registry?year=abc").status_code == 422
    page = client.get(f"/registry/{world['filed'].id}")
    assert world["filed"].sha256 in page.text and "Amelia Hart" in page.text
    assert "s.54(5)(f)" in page.text and "Download PDF" in page.text
    pdf = client.get(f"/registry/{world['filed'].id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert client.get(f"/registry/{world['draft'].id}").status_code == 404
    assert client.get(f"/registry/{world['au'].id}/pdf").status_code == 404


def test_registry_pages_refuse_others(client, world):
    login(client, world["compliance"].email)
    assert client.get("/registry").status_code == 403
    assert client.get(f"/registry/{world['filed'].id}").status_code == 403
    assert 'href="/registry"' not in client.get("/").text


def test_hostile_statement_text_is_escaped_in_the_page(client, db, world):
    hostile = make_statement(db, world["harbour"], "uk_msa", company_name="<script>x</script>",
                             sections={"structure": "<img src=x onerror=alert(1)>\n\n=SUM(1,2)"
                                                    " ржавчина नेपाल 中国 " * 3})
    db.commit()
    login(client, world["uk_reg"].email)
    text = client.get(f"/registry/{hostile.id}").text
    assert "<img src=x" not in text and "&lt;img src=x" in text
    assert "<script>x</script>" not in text and "नेपाल 中国" in text
