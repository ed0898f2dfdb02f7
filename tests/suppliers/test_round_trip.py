"""Export, then import into an EMPTY organisation: the same network, node for node, edge for edge.

Before the Relationships sheet an export kept one relationship kind per supplier, so an agency's
goods edge came back as labour, and a supplier selling to our company and to another supplier
lost its company edge. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from suppliers.exports import EXPORT_FIELDS
from suppliers.models import Relationship, Supplier
from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.suppliers.factories import link, make_supplier
from tests.suppliers.test_import import _upload


def _network(db, org_id):
    """({name: (every exported field..., tier)}, {(supplier, customer, kind, product)})."""
    nodes = {}
    for supplier in db.scalars(select(Supplier).where(Supplier.org_id == org_id)):
        values = tuple(list(getattr(supplier, f) or []) if f == "products"
                       else getattr(supplier, f) for f in EXPORT_FIELDS)
        nodes[supplier.name] = (*values, supplier.tier)
    names = dict(db.execute(select(Supplier.id, Supplier.name)
                            .where(Supplier.org_id == org_id)).all())
    edges = {(names[e.supplier_id], names.get(e.customer_id), e.kind, e.product)
             for e in db.scalars(select(Relationship).where(Relationship.org_id == org_id))}
    return nodes, edges


@pytest.fixture
def network(db, buyer):
    """A network that the old export could not carry, built through the services."""
    org = buyer
    garments = make_supplier(
        db, org, external_id="NW-1", name="Shenzhen Bright Garments Co., Ltd.", country="CN",
        products=["t-shirts", "hoodies"], address="Longgang District\nShenzhen",
        os_id="CN2019303BQ3FZP", lei="5493001KJTIIGC8Y1R12", duns="150483782",
        sector="Apparel", workers=1250, migrant_workers=300, female_workers=800)
    dyeing = make_supplier(db, org, external_id=None, name="Ningbo Textile Dyeing Co.",
                           kind="processor", country="CN", products=["dyed fabric"],
                           workers=640)
    agency = make_supplier(db, org, external_id=None, name="Kathmandu Overseas Employment",
                           kind="recruitment_agency", country="NP", workers=12,
                           migrant_workers=0, female_workers=3)
    formula = make_supplier(db, org, external_id="NW-4", name="=Formula Mills",
                            kind="processor", country="IN", sector="@cotton", workers=None,
                            migrant_workers=None, female_workers=None)
    shanghai = make_supplier(db, org, external_id=None, name="上海纺织有限公司", country="CN",
                             kind="raw_material", workers=None, migrant_workers=None,
                             female_workers=None)
    make_supplier(db, org, external_id=None, name="Bursa Trims (not yet linked)", country="TR",
                  workers=None, migrant_workers=None, female_workers=None)
    labour = make_supplier(db, org, external_id="LP-9", name="Gulf Labour Supply",
                           kind="labour_provider", country="AE")
    link(db, org, garments, None, "goods", "knitwear")
    link(db, org, dyeing, garments, "goods", "fabric")
    link(db, org, dyeing, None, "goods", "sample fabric")  # to our company AND to a supplier
    link(db, org, dyeing, garments, "services", "dyeing on commission")
    link(db, org, agency, garments, "labour", "migrant workers")
    link(db, org, agency, garments, "goods", "uniforms")  # came back as "labour" before
    link(db, org, formula, dyeing, "goods", None)
    link(db, org, shanghai, formula, "goods", "raw cotton")
    link(db, org, labour, None, "services", "canteen staff")
    db.commit()
    return org


def _export(client, headers, tmp_path, fmt="xlsx"):
    response = client.get(f"/api/v1/suppliers/export?format={fmt}", headers=headers)
    assert response.status_code == 200
    path = tmp_path / f"suppliers.{fmt}"
    path.write_bytes(response.data)
    return path


def test_export_imports_into_an_empty_organisation_as_the_same_network(
    client, db, network, compliance_user, tmp_path
):
    source = _network(db, network.id)
    assert len(source[0]) == 7 and len(source[1]) == 9
    path = _export(client, token_for(client, compliance_user.email), tmp_path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Suppliers", "Relationships"]
    workbook.close()

    empty = make_org(db, "buyer")
    other = make_user(db, empty, "compliance")
    db.commit()
    headers = token_for(client, other.email)
    first = _upload(client, headers, path)
    assert first.status_code == 200, first.json
    assert first.json["created"] == 7 and first.json["relationships_created"] == 9
    assert _network(db, empty.id) == source  # every field, tier, edge, kind and product

    again = _upload(client, headers, path)
    assert again.status_code == 200, again.json
    assert (again.json["created"], again.json["updated"], again.json["unchanged"],
            again.json["relationships_created"]) == (0, 0, 7, 0)
    assert _network(db, empty.id) == source


def test_export_imported_back_into_its_own_organisation_changes_nothing(
    client, db, network, compliance_user, tmp_path
):
    headers = token_for(client, compliance_user.email)
    before = _network(db, network.id)
    response = _upload(client, headers, _export(client, headers, tmp_path))
    assert response.status_code == 200, response.json
    assert response.json["created"] == 0 and response.json["relationships_created"] == 0
    assert _network(db, network.id) == before


def test_csv_export_keeps_every_supplier(client, db, network, compliance_user, tmp_path):
    """CSV has one sheet (one kind per supplier, documented); its suppliers still round-trip,
    and supplies_to names suppliers without an external_id by their tierlight_id."""
    path = _export(client, token_for(client, compliance_user.email), tmp_path, "csv")
    assert "tierlight:" in path.read_text("utf-8-sig")
    empty = make_org(db, "buyer")
    other = make_user(db, empty, "compliance")
    db.commit()
    response = _upload(client, token_for(client, other.email), path)
    assert response.status_code == 200, response.json
    nodes, _ = _network(db, empty.id)
    source, _ = _network(db, network.id)
    assert {n: v[:-1] for n, v in nodes.items()} == {n: v[:-1] for n, v in source.items()}
    assert db.scalar(select(func.count(Relationship.id))
                     .where(Relationship.org_id == empty.id)) >= 6


def test_archived_suppliers_stay_out_of_the_export(client, db, network, compliance_user,
                                                  tmp_path):
    """Archived suppliers are hidden everywhere the network is shown; the export too, so a
    re-import into an empty organisation does not bring them back as live suppliers."""
    from suppliers import services

    before = _network(db, network.id)
    gone = make_supplier(db, network, external_id="OLD-1", name="Closed Spinning Mill",
                         country="PK")
    garments = db.scalar(select(Supplier).where(Supplier.external_id == "NW-1",
                                                Supplier.org_id == network.id))
    link(db, network, gone, garments, "goods", "yarn")
    services.archive_supplier(db, gone, actor=None)
    db.commit()
    path = _export(client, token_for(client, compliance_user.email), tmp_path)
    empty = make_org(db, "buyer")
    other = make_user(db, empty, "compliance")
    db.commit()
    response = _upload(client, token_for(client, other.email), path)
    assert response.status_code == 200, response.json
    assert _network(db, empty.id) == before
    assert "Closed Spinning Mill" not in _network(db, empty.id)[0]
