"""HTML to PDF with WeasyPrint, fetching nothing but the static files we ship.

Every template is rendered by Jinja with autoescaping, so user text cannot become markup; and
should a URL reach WeasyPrint anyway, the fetcher below serves only files inside the given
static folders and refuses everything else (other schemes, other hosts, other paths: see
../shared/PITFALLS.md, "WeasyPrint fetching"). A refusal is logged and the resource skipped.
Any package that makes a PDF goes through `html_to_pdf`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)
_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
          ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


class StaticOnlyFetcher(URLFetcher):
    """Serves file: URLs inside `roots` with a known type; refuses every other URL."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if (path is None or parts.netloc not in ("", "localhost") or path.suffix not in _TYPES
                or not any(path.is_relative_to(root) for root in self.roots)
                or not path.is_file()):
            self.refused.append(url[:200])
            log.warning("PDF rendering refused to fetch %r", url[:200])
            raise ValueError("Only Tierlight's own static files are served to PDFs.")
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": _TYPES[path.suffix]})


def static_roots(package_static: Path) -> tuple[Path, ...]:
    """The folders a PDF may read from: the package's static files and the shell's."""
    return (package_static, Path(current_app.static_folder or package_static).resolve())


def html_to_pdf(html: str, *, static: Path) -> bytes:
    """The PDF of an HTML string made by our templates; relative URLs name files in `static`
    (the calling package's static folder)."""
    fetcher = StaticOnlyFetcher(static_roots(static))
    document = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf()
