"""The reference-data pages: what an administrator of a buying company sees and loads, what
the others may not, and that another organisation's edition stays out of sight."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from risk.models import DataEdition
from risk.reference import services
from tests.conftest import form_token, login
from tests.factories import make_org, make_user
from tests.risk.conftest import csv_bytes


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


@pytest.fixture
def admin(db, shipped):
    user = make_user(db, make_org(db, "buyer"), "admin")
    db.commit()
    return user


def _form(token, files, **changes):
    data = {"csrf_token": token, "dataset": "ituc_rights", "edition": "2026",
            "title": "ITUC Global Rights Index 2026", "source": "ITUC (licensed copy)",
            "licence": "ITUC terms", "retrieved_on": "2026-11-01",
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return {**data, **changes}


def test_the_page_lists_the_editions_in_force(app, admin):
    page = _as(app, admin).get("/risk/reference")
    assert page.status_code == 200
    html = page.text
    assert "ILAB List of Goods Produced by Child Labor or Forced Labor, 2022" in html
    assert "2025 (dashboard copy)" in html and "Walk Free terms: attribution required" in html
    assert "superseded" in html  # the 2020 list and the 2018 prevalence
    assert "f7a84325e789ab35" in html  # the ILAB 2022 file's checksum
    assert 'name="csrf_token"' in html and "<script" not in html.split("</head>")[1]


def test_an_administrator_loads_the_organisations_own_edition(app, db, admin):
    client = _as(app, admin)
    files = [("ituc-2026.csv", csv_bytes(["Country", "Rating"], [["Norway", "2"],
                                                                ["Chad", "5"]]))]
    response = client.post("/risk/reference/upload", data=_form(form_token(
        client, "/risk/reference"), files), content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    loaded = db.scalar(select(DataEdition).where(DataEdition.edition == "2026"))
    assert (loaded.org_id, loaded.row_count, loaded.files, loaded.loaded_by_id) == (
        admin.org_id, 2, ["ituc-2026.csv"], admin.id)
    page = client.get(response.headers["Location"])
    assert "Loaded ITUC Global Rights Index, edition 2026: 2 rows" in page.text
    assert "your organisation" in page.text
    assert services.current_editions(db, admin.org_id)["ituc_rights"].id == loaded.id
    assert services.current_editions(db, None)["ituc_rights"].id != loaded.id


def test_row_errors_are_shown_by_row_and_column_and_nothing_is_loaded(app, db, admin):
    client = _as(app, admin)
    files = [("bad.csv", csv_bytes(["country", "rating"],
                                   [["Norway", "1"], ["Atlantis", "2"], ["Chad", "7"]]))]
    before = db.scalar(select(func.count()).select_from(DataEdition))
    response = client.post("/risk/reference/upload", data=_form(form_token(
        client, "/risk/reference"), files), content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.text
    assert "2 problems in the file: nothing was loaded." in html
    assert "unknown country &#34;Atlantis&#34;" in html or "unknown country &quot;Atlantis" in \
        html
    assert '<td class="num">3</td><td><code>country</code></td>' in html
    assert '<td class="num">4</td><td><code>value</code></td>' in html
    assert db.scalar(select(func.count()).select_from(DataEdition)) == before


def test_field_errors_go_on_their_fields(app, db, admin):
    client = _as(app, admin)
    files = [("ok.csv", csv_bytes(["country", "rating"], [["Norway", "1"]]))]
    response = client.post("/risk/reference/upload", data=_form(
        form_token(client, "/risk/reference"), files, edition="x" * 41, source="=cmd"),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "edition is 41 characters long; the most is 40" in response.text
    assert "source may not start with =, + or @" in response.text
    no_file = client.post("/risk/reference/upload", data=_form(
        form_token(client, "/risk/reference"), []), content_type="multipart/form-data")
    assert no_file.status_code == 422 and "No file was sent." in no_file.text
    png = client.post("/risk/reference/upload", data=_form(
        form_token(client, "/risk/reference"), [("x.csv", b"\x89PNG\r\n\x1a\n0000")]),
        content_type="multipart/form-data")
    assert png.status_code == 415 and "looks like a PNG image" in png.text


def test_dry_run_checks_and_loads_nothing(app, db, admin):
    client = _as(app, admin)
    files = [("ok.csv", csv_bytes(["country", "rating"], [["Norway", "1"], ["World", "3"]]))]
    response = client.post("/risk/reference/upload", data=_form(
        form_token(client, "/risk/reference"), files, dry_run="y"),
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Dry run of ok.csv: nothing was loaded" in response.text
    assert "a total for &#34;World&#34;, not a country" in response.text
    assert db.scalar(select(DataEdition).where(DataEdition.edition == "2026")) is None


def test_a_duplicate_label_is_shown_not_a_500(app, db, admin):
    client = _as(app, admin)
    files = [("ok.csv", csv_bytes(["country", "rating"], [["Norway", "1"]]))]
    for expected in (303, 409):
        response = client.post("/risk/reference/upload", data=_form(
            form_token(client, "/risk/reference"), files), content_type="multipart/form-data")
        assert response.status_code == expected
    assert "already has edition &#34;2026&#34;" in response.text


def test_the_upload_needs_a_csrf_token(app, db, admin):
    files = [("ok.csv", csv_bytes(["country", "rating"], [["Norway", "1"]]))]
    response = _as(app, admin).post("/risk/reference/upload", data=_form("forged", files),
                                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.scalar(select(DataEdition).where(DataEdition.edition == "2026")) is None


def test_who_may_see_what(app, db, admin):
    org = admin.organization
    compliance = make_user(db, org, "compliance")
    stranger = make_user(db, make_org(db, "buyer"), "admin")
    supplier_admin = make_user(db, make_org(db, "supplier"), "admin")
    own = services.load_edition(db, dataset="ituc_rights", files=[("own-ituc.csv", csv_bytes(
        ["country", "rating"], [["Norway", "3"]]))], edition="private", title="Own copy",
        source="ITUC", org_id=org.id)
    platform = services.current_editions(db, None)["tip_tiers"]
    db.commit()
    as_compliance = _as(app, compliance)
    assert as_compliance.get("/risk/reference").status_code == 403
    assert as_compliance.get(f"/risk/reference/{own.id}").status_code == 200  # evidence
    assert _as(app, supplier_admin).get("/risk/reference").status_code == 403
    as_stranger = _as(app, stranger)
    assert as_stranger.get(f"/risk/reference/{own.id}").status_code == 404
    assert "own-ituc.csv" not in as_stranger.get("/risk/reference").text
    assert as_stranger.get(f"/risk/reference/{platform.id}").status_code == 200
    assert "own-ituc.csv" in _as(app, admin).get("/risk/reference").text
    assert app.test_client().get("/risk/reference").status_code in (302, 401)


def test_an_edition_page_shows_its_rows_as_evidence(app, db, admin, shipped):
    client = _as(app, admin)
    tip = shipped[("tip_tiers", "2025")]
    page = client.get(f"/risk/reference/{tip.id}?country=Burma")
    assert page.status_code == 200
    html = page.text
    assert "tip_tiers_factbook_2025.csv" in html and "Tier 3" in html
    # Burma: 2001-2015 (15 rows), 2020 and 2022-2025 (5), and the 2025 list (1)
    assert html.count('id="row-') == 21 and 'id="row-3-11"' in html
    ilab = shipped[("ilab_goods", "2022")]
    goods = client.get(f"/risk/reference/{ilab.id}?q=lithium").text
    assert "Lithium-Ion Batteries" in goods and "Congo, Democratic Republic of the" in goods
    unknown = client.get(f"/risk/reference/{ilab.id}?country=Atlantis")
    assert unknown.status_code == 200 and "No rows match." in unknown.text
    assert client.get(f"/risk/reference/{ilab.id}?page=abc").status_code == 422
    assert client.get(f"/risk/reference/{ilab.id}?q=%25%5F").status_code == 200
