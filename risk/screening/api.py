"""Screening API (API.md): hits with their filters and decisions, entity lists and uploads.

Who: the buying company's compliance team and admins (uploading a list: admins). Anyone else is
refused by role (403); another organisation's hit or list is 404.

The upload is multipart: the `file`, and `name`, `issuer`, `edition` (and optionally
`source_url`) as form fields, or, as the OpenAPI document describes them, as query arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from app.access import roles_required
from app.api import page_args
from app.apischema import ApiOperation, api_route, validated_query
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import ValidationFailed
from app.tenancy import get_owned
from app.uploads import received_file
from risk.models import ScreeningHit
from risk.screening import decisions, importer, queries, services
from risk.screening.queries import hit_json, list_json

bp = Blueprint("risk_screening_api", __name__, url_prefix="/api/v1")
readers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
admins = roles_required("admin", org_kinds=("buyer",))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_FIELDS = ("name", "issuer", "edition", "source_url")


@bp.get("/screening/hits")
@readers
@api_route(response="ScreeningHit", many=True, query="ScreeningHitFilters")
def hits(query: dict):
    """Possible matches of the organisation's suppliers with entity-list entries.

    Filters: `status` (open, confirmed, dismissed or all; default open) and `list` (an entity
    list's id). Certain matches first, then by score."""
    db = get_session()
    status, list_id = queries.hit_filters(query)
    page, per_page = page_args()
    rows, total = queries.page_of_hits(
        db, queries.hits_query(current_user.org_id, status, list_id), page, per_page)
    emails = queries.deciders(db, rows)
    return jsonify({"items": [hit_json(r, emails) for r in rows], "total": total,
                    "page": page, "per_page": per_page})


def _hit_row(db, hit: ScreeningHit) -> Any:
    stmt = queries.hits_query(current_user.org_id, "all", None).where(ScreeningHit.id == hit.id)
    return db.execute(stmt).one()


@bp.post("/screening/hits/<int:hit_id>")
@readers
@api_route(response="ScreeningHit", body="ScreeningDecision", lookup_first=True)
def decide(hit_id: int, body: Callable[[], dict]):
    """Confirm or dismiss a hit, with a note (required to dismiss).

    A confirmed hit makes the supplier `listed` and, at the next recompute, gives it (and
    everything downstream of it) a critical risk factor naming the list, edition and entry."""
    db = get_session()
    hit = get_owned(db, ScreeningHit, hit_id, current_user.org_id)
    data = body()
    decisions.decide(db, hit, decision=data["decision"], note=data.get("note"),
                     actor=current_user)
    db.commit()
    row = _hit_row(db, hit)
    return jsonify(hit_json(row, queries.deciders(db, [row])))


@bp.get("/screening/lists")
@readers
@api_route(response="EntityList", many=True, query="PageQuery")
def lists(query: dict):
    """The entity lists the organisation screens against: the platform's and its own, with
    their editions (the current one first)."""
    db = get_session()
    found = queries.lists_with_editions(db, current_user.org_id)
    page, per_page = page_args()
    chosen = found[(page - 1) * per_page:page * per_page]
    return jsonify({"items": [list_json(lst, eds) for lst, eds in chosen],
                    "total": len(found), "page": page, "per_page": per_page})


def _upload_route(view: Callable) -> Callable:
    """Like api_route(upload=...), but the multipart body may carry the list's fields beside
    `file` (api_route's uploads take the file alone)."""
    op = ApiOperation(status=201, response="ListEdition", query="ListUpload",
                      upload=("text/csv", XLSX), errors=frozenset({409}))

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = sorted((set(request.form) | set(request.files)) - {"file", *UPLOAD_FIELDS})
        if unknown:
            raise ValidationFailed(f"Unknown field{'s' if len(unknown) > 1 else ''}: "
                                   f"{', '.join(unknown)[:200]}.",
                                   [{"field": n[:100], "message": "unknown field"}
                                    for n in unknown[:20]])
        return view(*args, query=validated_query("ListUpload"), **kwargs)

    wrapper.api = op  # type: ignore[attr-defined]
    return wrapper


@bp.post("/screening/lists")
@admins
@_upload_route
def upload(query: dict):
    """Upload a new entity list, or a new edition of one: the file (.csv or .xlsx) with the
    columns `name`, `aliases` and `identifiers` ("|"-separated), `country`, `listed_on`,
    `reason`, `source_url`.

    All or nothing: 422 lists every row problem and nothing is written. The new edition
    supersedes the list's previous one; hits found in that one keep naming it."""
    db = get_session()
    values = {}
    for name in UPLOAD_FIELDS:
        given = request.form.get(name)
        if given is not None and query.get(name) not in (None, given):
            raise ValidationFailed(f"{name} is given twice, differently.",
                                   [{"field": name, "message": "form and query differ"}])
        values[name] = given if given is not None else query.get(name)
    with received_file(max_bytes=importer.MAX_FILE_BYTES) as (path, filename), \
            open(path, "rb") as f:
        data = f.read()
    edition = services.load_list(db, filename=filename, data=data, actor=current_user,
                                 org_id=current_user.org_id, **values)
    db.commit()
    listing = services.get_list(db, edition.list_id, current_user.org_id)
    return jsonify({**queries.edition_json(edition),
                    "list": {"id": listing.id, "name": listing.name,
                             "issuer": listing.issuer}}), 201
