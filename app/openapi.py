"""The OpenAPI 3.1 document of /api/v1, generated from the URL map and the views' docstrings.

Domain packages add their JSON schemas through the registry (`registry().openapi_schemas`) and
name a view's response schema with `@responds("Supplier")`; everything else (paths, methods,
parameters, who may call it) is read from the routes themselves, so the document cannot drift.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from app.access import ANY_USER, PUBLIC, public
from app.registry import registry

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_ERROR_BODY = {
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"},
                    "description": "field errors, or {row, column, message} for uploads"},
        "request_id": {"type": "string"},
    },
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": _ERROR_BODY}}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def responds(schema: str, *, many: bool = False) -> Callable[[Callable], Callable]:
    """Name the component schema a JSON view answers with (a page of them when many=True)."""

    def decorate(view: Callable) -> Callable:
        view.openapi_response = (schema, many)  # type: ignore[attr-defined]
        return view

    return decorate


def _operation(app: Flask, rule: Any, method: str) -> dict[str, Any]:
    view = app.view_functions[rule.endpoint]
    doc = (view.__doc__ or rule.endpoint).strip().splitlines()
    access = getattr(view, "access", None)
    op: dict[str, Any] = {
        "operationId": rule.endpoint.replace(".", "_") + ("" if method == "GET" else f"_{method}"),
        "summary": doc[0],
        "tags": [rule.endpoint.split(".")[0].removesuffix("_api")],
        "responses": {"default": {"description": "Error",
                                  "content": {"application/json": {
                                      "schema": {"$ref": "#/components/schemas/Error"}}}}},
    }
    if len(doc) > 1:
        op["description"] = "\n".join(line.strip() for line in doc[1:]).strip()
    if access == PUBLIC:
        op["security"] = []
    elif access not in (None, ANY_USER):
        op["x-roles"] = sorted(access)
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if conv == "int" else "string"}}
              for conv, name in _CONVERTER.findall(rule.rule)]
    if params:
        op["parameters"] = params
    ok = {"description": "OK"}
    schema, many = getattr(view, "openapi_response", (None, False))
    if schema:
        ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
        if many:
            ref = {"type": "object", "properties": {
                "items": {"type": "array", "items": ref}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}}}
        ok["content"] = {"application/json": {"schema": ref}}
    status = "201" if method == "POST" and schema and not many else "200"
    op["responses"][status] = ok
    return op


def build(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tierlight API", "version": "1",
                 "description": "Forced-labour due diligence. Field names are a promise: "
                                "fields may be added, never renamed or dropped."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "POST /api/v1/auth/tokens"}},
            "schemas": {"Error": ERROR, **registry(app).openapi_schemas},
        },
    }


@bp.get("/openapi.json")
@public
def document():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(build(current_app._get_current_object()))
