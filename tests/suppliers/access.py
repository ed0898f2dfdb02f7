"""Access table of the suppliers package: who may call each route, and how to make the
objects its URL arguments name. Collected by tests/test_access_matrix.py (see its docstring)."""

from __future__ import annotations

from app.access import PUBLIC
from app.auth.roles import NETWORK_EDITORS as EDITORS

ADMINS = frozenset({"admin"})
CONNECTORS = frozenset({"admin", "supplier"})  # of a supplier organisation

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
    # supplier connections: the buyer's side
    "suppliers.invite_contact": EDITORS,
    "suppliers.revoke_contact_invitation": EDITORS,
    "suppliers.disconnect": EDITORS,
    "suppliers_api.invite_connection": EDITORS,
    "suppliers_api.disconnect": EDITORS,
    # duplicate suppliers: the review page, its decisions, and the API
    "suppliers.duplicates": EDITORS,
    "suppliers.scan_duplicates": EDITORS,
    "suppliers.merge_duplicate": EDITORS,
    "suppliers.dismiss_duplicate": EDITORS,
    "suppliers_api.list_duplicates": EDITORS,
    "suppliers_api.merge": EDITORS,
    "suppliers_api.dismiss": EDITORS,
}

# The supplier network belongs to buying companies: admins of other kinds are refused.
KINDS: dict[str, frozenset[str]] = dict.fromkeys(ACCESS, frozenset({"buyer"}))

# supplier connections: the supplier's side (not in the buyer-only KINDS above)
ACCESS.update({
    "suppliers.connections": CONNECTORS,
    "suppliers.connect": PUBLIC,  # the secret is the token in the link
})
KINDS["suppliers.connections"] = frozenset({"supplier"})


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


def _pending_supplier_id(db, org, user):
    """A supplier with an open connection invitation (the revoke button's case)."""
    from suppliers.services import invite_contact
    from tests.suppliers.factories import make_supplier

    supplier = make_supplier(db, org)
    if org.kind == "buyer":  # only a buyer can invite; elsewhere any id will do
        invite_contact(db, supplier=supplier, actor=user, email=f"contact{supplier.id}@x.example",
                       link_for=lambda raw: f"http://localhost/connect/{raw}")
    return supplier.id


def _connected_supplier_id(db, org, user):
    """A supplier connected to a supplier organisation (the disconnect case)."""
    from tests.factories import make_org
    from tests.suppliers.factories import make_supplier

    supplier = make_supplier(db, org)
    supplier.linked_org_id = make_org(db, "supplier").id
    db.flush()
    return supplier.id


def connection_token(db, org, user):
    """The raw token of an open connection invitation from a buyer (made here, whatever
    `org` is: the link is for anyone who holds it)."""
    from suppliers.services import invite_contact
    from tests.factories import make_org, make_user
    from tests.suppliers.factories import make_supplier

    buyer = make_org(db, "buyer")
    inviter = make_user(db, buyer, "compliance")
    captured: list[str] = []
    supplier = make_supplier(db, buyer)
    invite_contact(db, supplier=supplier, actor=inviter, email=f"c{supplier.id}@x.example",
                   link_for=lambda raw: captured.append(raw) or f"http://localhost/connect/{raw}")
    return captured[0]


def _candidate_id(db, org, user):
    """An open pair of possible duplicates of `org`."""
    from suppliers.models import DuplicateCandidate
    from tests.suppliers.factories import make_supplier

    low = make_supplier(db, org, name="Saigon Stitch", country="VN", address="12 Road")
    high = make_supplier(db, org, name="SAIGON STITCH CO., LTD.", country="VN",
                         address="12 Road")
    pair = DuplicateCandidate(org_id=org.id, low_id=low.id, high_id=high.id, score=100.0,
                              reasons=["same name"], low_fingerprint="0" * 64,
                              high_fingerprint="1" * 64)
    db.add(pair)
    db.flush()
    return pair.id


MAKERS: dict[object, object] = {
    "candidate_id": _candidate_id,
    "supplier_id": _supplier_id,
    # Restoring and purging are about archived suppliers.
    ("suppliers.restore", "supplier_id"): _archived_supplier_id,
    ("suppliers.purge", "supplier_id"): _archived_supplier_id,
    "relationship_id": _relationship_id,
    "import_id": _import_id,
    ("suppliers.revoke_contact_invitation", "supplier_id"): _pending_supplier_id,
    ("suppliers.disconnect", "supplier_id"): _connected_supplier_id,
    ("suppliers_api.disconnect", "supplier_id"): _connected_supplier_id,
    ("suppliers.connect", "token"): connection_token,
}
