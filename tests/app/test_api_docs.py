"""/api/docs: the OpenAPI document for people, from a vendored, pinned Swagger UI."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import app as app_package

VENDOR = Path(app_package.__file__).parent / "static" / "vendor" / "swagger-ui"


def test_docs_page_points_at_the_document_and_loads_only_our_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.text
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api-docs.js"]
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_vendored_files_match_their_provenance():
    provenance = (VENDOR / "PROVENANCE.md").read_text()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert f"sha256 of {name} | `{digest}`" in provenance, name
    assert "Apache License" in (VENDOR / "LICENSE").read_text()


def test_vendored_files_are_served(client):
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/static/vendor/swagger-ui/{name}")
        assert response.status_code == 200 and len(response.data) > 100_000
        response.close()
