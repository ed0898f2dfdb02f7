"""Access table of the suppliers package: who may call each route, and how to make the
objects its URL arguments name. Collected by tests/test_access_matrix.py (see its docstring)."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

ADMINS = frozenset({"admin"})

ACCESS: dict[str, object] = {
    "suppliers.index": EDITORS,
    "suppliers.create": EDITORS,
    "suppliers.detail": EDITORS,
    "suppliers.edit": EDITORS,
    "suppliers.delete": EDITORS,
    "suppliers.restore": EDITORS,
    "suppliers.purge": ADMINS,
    "suppliers.add_relationship": EDITORS,
    "suppliers.delete_relationship": EDITORS,
    "suppliers.import_page": EDITORS,
    "suppliers.import_job": EDITORS,
    "suppliers.import_status": EDITORS,
    "suppliers.template_download": EDITORS,
    "suppliers.export": EDITORS,
    "suppliers.network_view": EDITORS,
    "suppliers.loops": EDITORS,
    "suppliers_api.loops": EDITORS,
    "suppliers_api.list_suppliers": EDITORS,
    "suppliers_api.create_supplier": EDITORS,
    "suppliers_api.get_supplier": EDITORS,
    "suppliers_api.update_supplier": EDITORS,
    "suppliers_api.delete_supplier": EDITORS,
    "suppliers_api.import_suppliers": EDITORS,
    "suppliers_api.import_template_xlsx": EDITORS,
    "suppliers_api.export": EDITORS,
    "suppliers_api.list_relationships": EDITORS,
    "suppliers_api.create_relationship": EDITORS,
    "suppliers_api.delete_relationship": EDITORS,
    "suppliers_api.network": EDITORS,
    "suppliers_api.upstream": EDITORS,
    "suppliers_api.paths": EDITORS,
}

# The supplier network belongs to buying companies: admins of other kinds are refused.
KINDS: dict[str, frozenset[str]] = dict.fromkeys(ACCESS, frozenset({"buyer"}))


def _supplier_id(db, org, user):
    from tests.suppliers.factories import make_supplier

    return make_supplier(db, org).id


def _archived_supplier_id(db, org, user):
    from suppliers import services
    from tests.suppliers.factories import make_supplier

    return services.archive_supplier(db, make_supplier(db, org), actor=None).id


def _relationship_id(db, org, user):
    from tests.suppliers.factories import link, make_supplier

    return link(db, org, make_supplier(db, org)).id


def _import_id(db, org, user):
    from suppliers.models import ImportJob

    imp = ImportJob(org_id=org.id, user_id=user.id, filename="list.xlsx", status="done")
    db.add(imp)
    db.flush()
    return imp.id


MAKERS: dict[object, object] = {
    "supplier_id": _supplier_id,
    # Restoring and purging are about archived suppliers.
    ("suppliers.restore", "supplier_id"): _archived_supplier_id,
    ("suppliers.purge", "supplier_id"): _archived_supplier_id,
    "relationship_id": _relationship_id,
    "import_id": _import_id,
}
