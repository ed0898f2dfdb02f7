"""Supplier network API (API.md): suppliers, relationships, network, import and export."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import NotFound, ValidationFailed
from app.tenancy import get_owned, owned
from app.uploads import received_file
from suppliers import queries, services
from suppliers.connections import connection, connections
from suppliers.exports import EXPORT_FORMATS, export_suppliers, import_template
from suppliers.models import Relationship, Supplier
from suppliers.schemas import relationship_json, supplier_input, supplier_json

XLSX, CSV = EXPORT_FORMATS["xlsx"], EXPORT_FORMATS["csv"]

bp = Blueprint("suppliers_api", __name__, url_prefix="/api/v1")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))


def _org() -> int:
    return current_user.org_id


def connection_link(raw: str) -> str:
    """Where a connection invitation's link leads (suppliers.connect)."""
    return url_for("suppliers.connect", token=raw, _external=True)


def _one(db, supplier: Supplier) -> dict:
    return supplier_json(supplier, connection(db, supplier))


def _live(db, supplier_id: int) -> Supplier:
    """The supplier if it is yours and not archived: through the API, DELETE archives a
    supplier, and from then on it answers 404 like any resource that was deleted (the pages
    still show it, to restore it)."""
    supplier = get_owned(db, Supplier, supplier_id, _org())
    if supplier.archived_at is not None:
        raise NotFound("No such supplier (it was archived).")
    return supplier


@bp.get("/suppliers")
@editors
@api_route(response="Supplier", many=True, query="SupplierFilters")
def list_suppliers(query: dict):
    """Suppliers of your network, filtered by q, country, kind, tier, band; sorted by sort."""
    filters = queries.parse_filters(request.args)
    db = get_session()
    page = paginate(db, queries.supplier_query(_org(), filters), lambda s: s)
    found = connections(db, page["items"])
    page["items"] = [supplier_json(s, found[s.id]) for s in page["items"]]
    return jsonify(page)


@bp.post("/suppliers")
@editors
@api_route(status=201, response="Supplier", body="SupplierInput", errors=[409])
def create_supplier(body: dict):
    """Create a supplier."""
    db = get_session()
    supplier = services.create_supplier(
        db, org_id=_org(), actor=current_user, values=supplier_input(body)
    )
    db.commit()
    return jsonify(_one(db, supplier)), 201


@bp.get("/suppliers/<int:supplier_id>")
@editors
@api_route(response="Supplier")
def get_supplier(supplier_id: int):
    """One supplier, with its tier."""
    db = get_session()
    return jsonify(_one(db, _live(db, supplier_id)))


@bp.patch("/suppliers/<int:supplier_id>")
@editors
@api_route(response="Supplier", body="SupplierPatch", errors=[409])
def update_supplier(supplier_id: int, body: dict):
    """Change some fields of a supplier; send `version` to refuse a stale edit (409)."""
    db = get_session()
    supplier = _live(db, supplier_id)
    version = body.get("version")
    services.update_supplier(
        db, supplier, actor=current_user, values=supplier_input(body), expected_version=version
    )
    db.commit()
    return jsonify(_one(db, supplier))


@bp.delete("/suppliers/<int:supplier_id>")
@editors
@api_route(status=204, errors=[409])
def delete_supplier(supplier_id: int):
    """Archive a supplier (204).

    It leaves lists, the network and tiers, and keeps its relationships and history, so it
    can be restored; an admin may purge it from the pages once nothing points at it.
    """
    db = get_session()
    services.delete_supplier(db, _live(db, supplier_id), actor=current_user)
    db.commit()
    return "", 204


@bp.post("/suppliers/<int:supplier_id>/connection")
@editors
@api_route(status=201, response="ConnectionInvitation", body="ConnectionInput",
           errors=[404, 409], lookup_first=True)
def invite_connection(supplier_id: int, body):
    """Invite the supplier's contact `{email}` to connect; the single-use link goes by email.

    Accepting it creates (or, signed in, links) the supplier's organisation on Tierlight. A
    new invitation replaces the open one; a connected supplier is 409.
    """
    db = get_session()
    supplier = _live(db, supplier_id)
    body = body()  # another tenant's or an archived supplier is 404 whatever the body says
    invitation = services.invite_contact(
        db, supplier=supplier, actor=current_user, email=body["email"],
        link_for=connection_link,
    )
    db.commit()
    return jsonify(status="pending", email=invitation.email,
                   expires_at=invitation.expires_at.isoformat()), 201


@bp.delete("/suppliers/<int:supplier_id>/connection")
@editors
@api_route(status=204, errors=[404, 409])
def disconnect(supplier_id: int):
    """Disconnect the supplier's organisation (204); not connected: 409.

    The supplier organisation keeps its own answers; it no longer sees what you address to
    this record.
    """
    db = get_session()
    services.disconnect(db, supplier=_live(db, supplier_id), actor=current_user)
    db.commit()
    return "", 204


@bp.post("/suppliers/import")
@editors
@api_route(response="ImportResult", query="ImportQuery", upload=["text/csv", XLSX])
def import_suppliers(query: dict):
    """Import suppliers from an .xlsx or .csv upload (multipart field `file`).

    All or nothing: 422 lists every row error and writes nothing. `?dry_run=1` validates only.
    """
    db = get_session()
    with received_file() as (path, filename):
        summary = services.import_file(
            db, org_id=_org(), actor=current_user, path=path, filename=filename,
            dry_run=bool(query.get("dry_run")),
        )
    if summary.dry_run:
        db.rollback()
    else:
        db.commit()
    return jsonify(summary.as_json() | {"notes": summary.notes})


@bp.get("/suppliers/import-template.xlsx")
@editors
@api_route(produces=[XLSX])
def import_template_xlsx():
    """The import template, with a sheet that explains each column."""
    return template_response()


def template_response() -> Response:
    return Response(
        import_template(), mimetype=EXPORT_FORMATS["xlsx"],
        headers={"Content-Disposition": 'attachment; filename="tierlight-suppliers-template.xlsx"'},
    )


def export_response(fmt: str) -> Response:
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed("format is xlsx or csv.",
                               [{"field": "format", "message": f'"{fmt}" is not xlsx or csv'}])
    body = export_suppliers(get_session(), _org(), fmt)
    return Response(
        body, mimetype=EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="suppliers.{fmt}"'},
    )


@bp.get("/suppliers/export")
@editors
@api_route(query="ExportQuery", produces=[XLSX, CSV])
def export(query: dict):
    """Every supplier as `?format=xlsx` or `csv`, formula-safe."""
    return export_response(query.get("format", "xlsx"))


@bp.get("/relationships")
@editors
@api_route(response="Relationship", many=True, query="RelationshipFilters")
def list_relationships(query: dict):
    """Relationships (edges), optionally for one supplier_id or customer_id."""
    # Edges that touch an archived supplier are kept, but hidden like the supplier.
    stmt = select(Relationship).where(*queries.live_edges(_org())).order_by(Relationship.id)
    supplier_id = query.get("supplier_id")
    if supplier_id is not None:
        stmt = stmt.where(Relationship.supplier_id == supplier_id)
    customer_id = query.get("customer_id")
    if customer_id is not None:
        stmt = stmt.where(Relationship.customer_id == customer_id)
    return jsonify(paginate(get_session(), stmt, relationship_json))


@bp.post("/relationships")
@editors
@api_route(status=201, response="Relationship", body="RelationshipInput", errors=[404, 409])
def create_relationship(body: dict):
    """Add an edge supplier -> customer (customer_id null = our company).

    A supplier_id or customer_id that is not in your network is a 404 naming the field.
    """
    db = get_session()
    for field in ("supplier_id", "customer_id"):
        if body.get(field) is not None:
            body[field] = int(body[field])  # JSON Schema's integer includes 96.0
        if body.get(field) is not None and db.scalar(
            owned(Supplier, _org()).with_only_columns(Supplier.id)
            .where(Supplier.id == body[field], Supplier.archived_at.is_(None))
        ) is None:
            raise NotFound(f"No supplier {body[field]} in your network.",
                           [{"field": field, "message": "not in your network"}])
    rel = services.add_relationship(
        db, org_id=_org(), actor=current_user, supplier_id=body.get("supplier_id"),
        customer_id=body.get("customer_id"), kind=body.get("kind", "goods"),
        product=body.get("product"),
    )
    db.commit()
    return jsonify(relationship_json(rel)), 201


@bp.delete("/relationships/<int:relationship_id>")
@editors
@api_route(status=204, errors=[409])
def delete_relationship(relationship_id: int):
    """Remove an edge (204)."""
    db = get_session()
    rel = get_owned(db, Relationship, relationship_id, _org())
    services.remove_relationship(db, rel, actor=current_user)
    db.commit()
    return "", 204


@bp.get("/network")
@editors
@api_route(response="Network", query="NetworkQuery")
def network(query: dict):
    """The whole network: nodes with tiers, and edges.

    `?max_tier=N` keeps tiers 1 to N; `?limit=N` keeps N nodes, nearest tiers and largest
    workforce first.
    """
    return jsonify(queries.network(get_session(), _org(), max_tier=query.get("max_tier"),
                                   limit=query.get("limit")))


@bp.get("/network/loops")
@editors
@api_route(response="Loops")
def loops():
    """Trading loops in the network: suppliers that, through others, supply themselves."""
    return jsonify(loops=queries.loops(get_session(), _org()))


@bp.get("/suppliers/<int:supplier_id>/upstream")
@editors
@api_route(response="Network")
def upstream(supplier_id: int):
    """The supplier and everything upstream of it, in the network's shape."""
    db = get_session()
    _live(db, supplier_id)
    return jsonify(queries.subnetwork(db, _org(), supplier_id))


@bp.get("/suppliers/<int:supplier_id>/paths")
@editors
@api_route(response="Paths")
def paths(supplier_id: int):
    """Every path from the supplier to our company (bounded; `truncated` says when cut)."""
    db = get_session()
    _live(db, supplier_id)
    result = queries.paths(db, _org(), supplier_id)
    return jsonify(paths=result.paths, truncated=result.truncated, message=result.message)


