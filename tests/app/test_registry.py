"""Package contributions: registered in a loop, clashes refused, panels and cards from the
registry, and a broken card or panel shows "unavailable" instead of breaking the page."""

from __future__ import annotations

import logging

import pytest
from flask import Blueprint, Flask, template_rendered

from app import create_app
from app.activity.services import record
from app.db import get_db
from app.registry import (
    DashboardCard,
    Package,
    RegistrationError,
    Seeder,
    SupplierPanel,
    register_package,
    registry,
)
from tests.conftest import login
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

EDITORS = frozenset({"admin", "compliance"})


def test_every_domain_package_is_registered_once(app):
    assert [p.name for p in registry(app).packages] == [
        "suppliers", "questionnaires", "audits", "grievances", "risk", "reports"]
    assert "Supplier" in registry(app).openapi_schemas


def test_an_openapi_schema_name_clash_is_refused_at_registration():
    bare = Flask("clash")
    register_package(bare, Package("questionnaires", openapi_schemas={"Campaign": {}}))
    with pytest.raises(RegistrationError, match=r"Campaign \(already from questionnaires\)"):
        register_package(bare, Package("audits", openapi_schemas={"Campaign": {}}))
    with pytest.raises(RegistrationError, match="Error"):
        register_package(bare, Package("risk", openapi_schemas={"Error": {}}))
    with pytest.raises(RegistrationError, match="twice"):
        register_package(bare, Package("questionnaires"))
    assert list(registry(bare).openapi_schemas) == ["Campaign"]  # nothing half-registered
    with pytest.raises(RegistrationError, match="Campaign"):  # also when set by hand
        registry(bare).openapi_schemas["Campaign"] = {}


def test_seeders_run_in_their_order_whatever_the_registration_order():
    bare = Flask("seeders")
    ran = []
    register_package(bare, Package("risk", seeders=(Seeder(lambda db, o: ran.append("risk"),
                                                           order=40),)))
    register_package(bare, Package("suppliers", seeders=(
        Seeder(lambda db, o: ran.append("suppliers"), order=10),)))
    for seed in registry(bare).demo_seeders:
        seed(None, {})
    assert ran == ["suppliers", "risk"]


@pytest.fixture
def second_app(app, db, tmp_path):
    """A fresh app on the test database, with an extra package that adds supplier panels."""
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "panel.html").write_text(
        "<p class='audit-panel'>{{ data.count }} audits of {{ supplier.name }}</p>")
    extra = Package(
        name="extra",  # a package not registered (every real one is, by now)
        blueprints=(Blueprint("extra", __name__, template_folder=str(tmp_path)),),
        supplier_panels=(
            SupplierPanel("Audits", "extra/panel.html", EDITORS,
                          load=lambda session, user, supplier: {"count": 3}, order=20),
            SupplierPanel("Broken", "extra/panel.html", EDITORS,
                          load=lambda session, user, supplier: 1 / 0, order=30),
            SupplierPanel("Auditors only", "extra/panel.html", frozenset({"auditor"})),
        ),
        cards=(DashboardCard("Audits", EDITORS, lambda s, u: [{"label": "open audits",
                                                               "value": 7}]),),
    )
    other = create_app({**app.config, "TESTING": True})
    register_package(other, extra)
    get_db(other).test_connection = get_db(app).test_connection
    yield other
    get_db(other).test_connection = None
    get_db(other).engine.dispose()


def test_a_later_package_adds_a_panel_to_the_supplier_page(second_app, db, buyer, caplog):
    user = make_user(db, buyer, "compliance")
    supplier = make_supplier(db, buyer, name="Saigon Stitch")
    db.commit()
    client = second_app.test_client()
    login(client, user.email)
    with caplog.at_level(logging.ERROR):
        page = client.get(f"/suppliers/{supplier.id}", headers={"X-Request-ID": "panel-req-1"})
    assert page.status_code == 200
    assert "<p class='audit-panel'>3 audits of Saigon Stitch</p>" in page.text
    assert "Broken" in page.text and "This panel is unavailable right now." in page.text
    assert "Auditors only" not in page.text
    assert 'Panel "Broken" failed to load (request panel-req-1)' in caplog.text
    assert "ZeroDivisionError" in caplog.text
    dashboard = client.get("/")
    assert "open audits" in dashboard.text and "Supply network" in dashboard.text


def test_a_failing_dashboard_card_shows_unavailable_and_logs(app, logged_in, monkeypatch,
                                                             caplog):
    def broken(session, user):
        raise LookupError("risk tables missing")

    cards = [*registry(app).cards, DashboardCard("Risk", EDITORS, broken, order=5)]
    monkeypatch.setattr(registry(app), "cards", cards)
    with caplog.at_level(logging.ERROR):
        page = logged_in.get("/", headers={"X-Request-ID": "card-req-42"})
    assert page.status_code == 200
    assert "This card is unavailable right now." in page.text
    assert "Supply network" in page.text  # the other cards still load
    assert 'Dashboard card "Risk" failed to load (request card-req-42)' in caplog.text
    assert "risk tables missing" in caplog.text


@pytest.fixture
def rendered(app):
    seen = []

    def capture(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(capture, app)
    yield seen
    template_rendered.disconnect(capture, app)


@pytest.mark.parametrize("kind,role", [("supplier", "supplier"), ("supplier", "admin"),
                                       ("audit_firm", "auditor"), ("regulator", "regulator")])
def test_only_activity_readers_get_recent_activity(app, db, rendered, kind, role):
    org = make_org(db, kind)
    user = make_user(db, org, role)
    record(db, org_id=org.id, actor=user, action="user.note", object_type="user",
           summary="something happened in this organisation")
    db.commit()
    client = app.test_client()
    login(client, user.email)
    page = client.get("/")
    assert page.status_code == 200
    context = dict(rendered)["dashboard.html"]
    allowed = role == "admin"  # the organisation's own admin reads its own log
    assert (context["recent"] is not None) is allowed
    assert ("something happened" in page.text) is allowed
