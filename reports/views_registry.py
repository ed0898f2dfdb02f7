"""The regulator registry's pages and the public verification page.

`/registry` and `/registry/<id>` are for regulator users of a regulator organisation (403 by
role or kind for everyone else signed in, as the API); another jurisdiction's statement, a
draft or an unknown id is 404. `/verify` is public and rate-limited like sign-in: upload the
PDF (hashed as it streams, up to 10 MB) or paste its SHA-256, and learn whether it is a filed
statement, of whom, for which framework and period, which version, when, and whether a newer
version supersedes it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.access import public, roles_required
from app.api import page_args, page_of
from app.db import get_session
from app.errors import AppError, ValidationFailed
from app.security import limiter
from reports import registry as reads
from reports.api_registry import serve_pdf, verify_limit
from reports.frameworks import FRAMEWORKS, frameworks_for
from reports.models import Statement
from reports.sharing import filed_for_regulator

bp = Blueprint("registry", __name__, template_folder="templates")
regulators = roles_required("regulator", org_kinds=("regulator",))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")


@bp.app_template_filter("paragraphs")
def paragraphs(value: Any) -> list[str]:
    """User text as paragraphs: split on blank lines, control characters dropped."""
    text = _CONTROL.sub("", str(value or "").replace("\r\n", "\n"))
    return [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]


_LONG_RUN = re.compile(r"\S{60}")


@bp.app_template_filter("breakable")
def breakable(value: str) -> str:
    """A zero-width space after every 60 characters without a space: WeasyPrint takes minutes
    to wrap one unbroken 200,000-character word (overflow-wrap), and seconds with breaks."""
    return _LONG_RUN.sub(lambda m: m.group(0) + "\u200b", value)


@bp.app_template_filter("pdf_date")
def pdf_date(value: Any) -> str:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value or "")[:40]
    return f"{day.day} {day:%B %Y}"


@bp.app_template_filter("pdf_number")
def pdf_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value if value is not None else "—")[:40]
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _filters() -> tuple[dict[str, Any], str | None]:
    """The search form's values from the query string, and an error message if one is bad."""
    args = request.args
    q = _CONTROL.sub("", args.get("q", ""))[:200].strip()
    year_text = args.get("year", "").strip()
    framework = args.get("framework", "").strip()
    values = {"q": q, "year": year_text, "framework": framework}
    if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2200):
        return values, "The year must be a year such as 2024."
    return values, None


@bp.get("/registry")
@regulators
def index():
    db = get_session()
    jurisdiction = current_user.org.jurisdiction
    values, error = _filters()
    items, total, newer = [], 0, {}
    page, per_page = page_args(25)
    if error is None:
        try:
            stmt = reads.search(current_user, jurisdiction, q=values["q"] or None,
                                year=int(values["year"]) if values["year"] else None,
                                framework=values["framework"] or None)
        except ValidationFailed:
            error = "Choose a framework filed in your jurisdiction."
        else:
            items, total = page_of(db, stmt, page, per_page)
            newer = {s.id: reads.superseded_by(db, s) for s in items}
    return render_template(
        "reports/registry/index.html", items=items, total=total, page=page,
        per_page=per_page, values=values, error=error, newer=newer,
        frameworks=frameworks_for(jurisdiction), jurisdiction=jurisdiction,
        criteria_of=reads.criteria_of, company_of=reads.company_of,
        framework_name=reads.framework_name), 422 if error else 200


@bp.get("/registry/<int:statement_id>")
@regulators
def statement(statement_id: int):
    db = get_session()
    found = filed_for_regulator.get(db, statement_id, current_user)
    older = (db.scalar(filed_for_regulator.query(current_user)
                       .where(Statement.id == found.supersedes_id))
             if found.supersedes_id else None)
    return render_template(
        "reports/registry/statement.html", statement=found, content=found.content or {},
        newer=reads.superseded_by(db, found), older=older,
        criteria=reads.criteria_of(found), company=reads.company_of(found),
        framework_name=reads.framework_name(found), framework=FRAMEWORKS.get(found.framework))


@bp.get("/registry/<int:statement_id>/pdf")
@regulators
def statement_pdf(statement_id: int):
    return serve_pdf(filed_for_regulator.get(get_session(), statement_id, current_user))


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(verify_limit)
@public
def verify():
    """Anyone holding a statement's PDF: is it the one filed? Upload it or paste its hash."""
    sha256 = (request.args.get("sha256") or request.form.get("sha256") or "").strip()
    error, status = None, 200
    if request.method == "POST" and request.files.get("file") and request.files["file"].filename:
        try:
            sha256 = reads.hash_pdf(request.files["file"].stream)
        except AppError as exc:
            error, status = exc.message, exc.status
    asked = bool(sha256) and error is None
    result = None
    if asked:
        if not reads.SHA256.fullmatch(sha256):
            error, status, asked = "A SHA-256 is 64 characters, 0-9 and a-f.", 422, False
        else:
            found = reads.verify(get_session(), sha256)
            result = reads.verification_json(*found) if found else None
    elif request.method == "POST" and error is None:
        error, status = "Choose the PDF, or paste its SHA-256.", 422
    return render_template("reports/registry/verify.html", sha256=sha256[:64], asked=asked,
                           result=result, error=error,
                           max_mb=reads.MAX_PDF_BYTES // reads.CHUNK), status
