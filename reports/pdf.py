"""The reports package's PDFs: its templates, its print stylesheets in `reports/static/`, and
the shell's static-only renderer (app/pdf.py)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from app import pdf
from app.pdf import StaticOnlyFetcher

STATIC = Path(__file__).resolve().parent / "static"

__all__ = ["STATIC", "StaticOnlyFetcher", "html_to_pdf", "render_pdf", "static_roots"]


def static_roots() -> tuple[Path, ...]:
    return pdf.static_roots(STATIC)


def html_to_pdf(html: str, *, title: str = "") -> bytes:
    """The PDF of an HTML string made by our templates (relative URLs name static files)."""
    return pdf.html_to_pdf(html, static=STATIC)


def render_pdf(template: str, **context) -> bytes:
    """Render `template` (autoescaped) and turn it into a PDF."""
    context.setdefault("generated_by", current_app.config.get("PUBLIC_URL", ""))
    return html_to_pdf(render_template(template, **context))
