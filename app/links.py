"""Absolute links for emails, from a request or from a job (which has no request to copy).

Inside a request, links follow the address the request came in on (behind a proxy, ProxyFix
sets it). A job or CLI command builds them from PUBLIC_URL, the address people reach this
instance at.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
