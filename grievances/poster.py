"""The channel's poster for factory walls: a QR code of the intake address (segno, as inline
SVG), and the addresses the company's users and helper B's channel API hand out.

Addresses are built from PUBLIC_URL, the address workers reach this instance at, never from
the request: the company's user may be on an internal host name that a worker's phone
cannot reach.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import segno
from flask import current_app

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0")  # noqa: S104


def qr_svg(url: str, *, title: str = "") -> str:
    """The QR code of `url` as an inline <svg> (scalable: a viewBox and no fixed size), with
    error correction M: a poster gets dirty and torn. segno escapes the title."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr",
                           title=title or url, dark="#000", light="#fff")


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` under PUBLIC_URL, wherever this is called from."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def reachable(url: str) -> bool:
    """False when the address works only on the server itself (PUBLIC_URL not set)."""
    return (urlsplit(url).hostname or "") not in LOOPBACK_HOSTS


def channel_info(channel: Any) -> dict[str, Any]:
    """What the company needs to publish its channel: `{intake_key, url, poster_url,
    poster_pdf_url, languages}` (GET /api/v1/grievance-channel answers it)."""
    languages = list(channel.languages or [])
    query = ("?" + urlencode([("lang", code) for code in languages])) if languages else ""
    return {
        "intake_key": channel.intake_key,
        "url": public_url("grievances_public.intake", intake_key=channel.intake_key),
        "poster_url": public_url("grievances_poster.poster") + query,
        "poster_pdf_url": public_url("grievances_poster.poster_pdf") + query,
        "languages": languages,
    }
