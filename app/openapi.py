"""The OpenAPI 3.1 document of /api/v1, generated from the URL map and each view's `@api_route`.

Paths, methods and path parameters come from the routes; request bodies, query parameters and
responses from the declaration that also validates the request (app/apischema.py); schemas
from the registry, where domain packages put the same schemas their views validate with. So
what the document says is what the code checks.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from app.access import ANY_USER, PUBLIC, public
from app.apischema import BASE_SCHEMAS, MAX_INT, ApiOperation, api_route, page_of, ref
from app.registry import registry

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_REASONS = {
    400: "Bad request", 401: "Not signed in: no valid Bearer token", 403: "Your role may not",
    404: "Not found (or another organisation's)", 409: "Conflict", 413: "Too large",
    415: "Unsupported media type", 422: "Invalid input: details name each field",
    429: "Too many attempts", 503: "The database is busy; try again",
}


def _error_statuses(rule: Any, method: str, op: ApiOperation, access: Any) -> set[int]:
    statuses = set(op.errors)
    if access != PUBLIC:
        statuses.add(401)
    if access not in (PUBLIC, ANY_USER, None):
        statuses.add(403)
    if rule.arguments:
        statuses.add(404)
    if op.body or op.query or op.upload:
        statuses.add(422)
    if op.body:
        statuses.add(413)
    if op.upload:
        statuses |= {413, 415}
    if method in _WRITES:
        statuses.add(503)
    return statuses


def _success(op: ApiOperation) -> dict[str, Any]:
    if op.status == 204:
        return {"description": "Done; no content"}
    if op.produces:
        return {"description": "The file", "content": {
            media: {"schema": {"type": "string", "format": "binary"}} for media in op.produces}}
    schema: Any = {"type": "object"}
    if isinstance(op.response, dict):
        schema = op.response
    elif op.response:
        schema = page_of(op.response) if op.many else ref(op.response)
    return {"description": "OK" if op.status == 200 else "Created",
            "content": {"application/json": {"schema": schema}}}


def _parameters(rule: Any, op: ApiOperation, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": ({"type": "integer", "minimum": 0, "maximum": MAX_INT}
                          if conv == "int" else {"type": "string"})}
              for conv, name in _CONVERTER.findall(rule.rule)]
    if op.query:
        query = schemas[op.query]
        for name, schema in query.get("properties", {}).items():
            param = {"name": name, "in": "query", "required": name in query.get("required", []),
                     "schema": schema}
            if schema.get("description"):
                param["description"] = schema["description"]
            params.append(param)
    return params


def _sample_name(op: ApiOperation) -> str:
    first = op.upload[0]
    if first.startswith("text/csv"):
        return "upload.csv"
    return "upload.pdf" if first == "application/pdf" else "upload.xlsx"


def _request_body(op: ApiOperation) -> dict[str, Any] | None:
    if op.body:
        return {"required": True, "content": {"application/json": {"schema": ref(op.body)}}}
    if op.upload:
        return {"required": True, "content": {"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "additionalProperties": False,
                       "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "the spreadsheet: " + ", ".join(op.upload)}}},
            "encoding": {"file": {"contentType": ", ".join(op.upload), "headers": {
                "Content-Disposition": {
                    "description": "the file's name, whose extension says its type",
                    "schema": {"type": "string"},
                    "example": f'form-data; name="file"; filename="{_sample_name(op)}"'}}}}}}}
    return None


def _operation(app: Flask, rule: Any, method: str, schemas: dict[str, Any]) -> dict[str, Any]:
    view = app.view_functions[rule.endpoint]
    doc = (view.__doc__ or rule.endpoint).strip().splitlines()
    access = getattr(view, "access", None)
    api: ApiOperation = getattr(view, "api", None) or ApiOperation()
    op: dict[str, Any] = {
        "operationId": rule.endpoint.replace(".", "_") + ("" if method == "GET" else f"_{method}"),
        "summary": doc[0],
        "tags": [rule.endpoint.split(".")[0].removesuffix("_api")],
    }
    if len(doc) > 1:
        op["description"] = "\n".join(line.strip() for line in doc[1:]).strip()
    if access == PUBLIC:
        op["security"] = []
    elif access not in (None, ANY_USER):
        op["x-roles"] = sorted(access)
    params = _parameters(rule, api, schemas)
    if params:
        op["parameters"] = params
    body = _request_body(api)
    if body:
        op["requestBody"] = body
    responses: dict[str, Any] = {str(api.status): _success(api)}
    for status, name in api.also:
        responses[str(status)] = {"description": _REASONS.get(status, "Accepted"),
                                  "content": {"application/json": {"schema": ref(name)}}}
    for status in sorted(_error_statuses(rule, method, api, access)):
        responses[str(status)] = {"description": _REASONS.get(status, "Error"),
                                  "content": {"application/json": {"schema": ref("Error")}}}
    op["responses"] = responses
    return op


def build(app: Flask) -> dict[str, Any]:
    schemas = BASE_SCHEMAS | registry(app).openapi_schemas
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method, schemas)
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
            "schemas": schemas,
        },
    }


@bp.get("/openapi.json")
@public
@api_route(response={"type": "object", "required": ["openapi", "paths"]})
def document():
    """The OpenAPI 3.1 description of this API."""
    app = current_app._get_current_object()
    cached = app.extensions.get("tierlight_openapi")
    if cached is None:  # routes and schemas are fixed once the app is built
        cached = app.extensions["tierlight_openapi"] = build(app)
    return jsonify(cached)
