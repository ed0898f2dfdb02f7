"""The API reference for people: the OpenAPI document rendered by a vendored Swagger UI."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from app.access import public

bp = Blueprint("apidocs", __name__)


@bp.get("/api/docs")
@public
def reference():
    return render_template("api_docs.html", spec_url=url_for("openapi.document"))
