"""The reference-data pages: the editions in force for the organisation (the platform's and its
own), superseded ones, and a form with which a buying company's administrator loads the
organisation's own edition of a data set; one edition with its rows (the evidence behind a
score's country and goods factors).

Thin views: load (an edition of another organisation is 404), authorise, one service call,
commit, redirect or render. Every row problem is shown by file, row and column; nothing is
written while any remains.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.access import roles_required
from app.api import page_of
from app.apischema import int_arg
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import AppError, NotFound, PayloadTooLarge, ValidationFailed
from app.uploads import safe_filename
from risk.models import DataEdition, ReferenceRow
from risk.reference import parsers, services
from risk.reference.countries import UnknownCountry, match_country
from risk.reference.forms import EditionForm
from risk.reference.services import DATASET_LABELS

bp = Blueprint("risk_reference", __name__, template_folder="../templates")
admins = roles_required("admin", org_kinds=("buyer",))
# Reading an edition's rows is reading the evidence behind scores: the people who read scores.
readers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
ROWS_PER_PAGE = 100
FORM_FIELDS = ("dataset", "edition", "title", "source", "licence", "retrieved_on")


@bp.app_template_filter("dataset_label")
def _dataset_label(dataset: str) -> str:
    return DATASET_LABELS.get(dataset, dataset)


def load_edition(db: Session, edition_id: int) -> DataEdition:
    """A platform edition, or one of the user's organisation; any other is 404."""
    found = db.get(DataEdition, edition_id)
    if found is None or found.scope_key not in (0, current_user.org_id):
        raise NotFound("No such data edition.")
    return found


def _page(form: EditionForm | None = None, *, errors: list[dict] | None = None,
          message: str | None = None, dry_run: dict[str, Any] | None = None,
          status: int = 200):
    db = get_session()
    org_id = current_user.org_id
    current = services.current_editions(db, org_id)
    editions = db.scalars(services.visible_editions(db, org_id).order_by(
        DataEdition.dataset, DataEdition.loaded_at.desc(), DataEdition.id.desc())).all()
    return render_template(
        "risk/reference.html", current=current, editions=editions,
        current_ids={e.id for e in current.values()}, form=form or EditionForm(formdata=None),
        upload_errors=errors, upload_message=message, dry_run=dry_run,
        datasets=list(DATASET_LABELS), max_files=parsers.MAX_FILES,
        max_mb=parsers.MAX_FILE_BYTES // (1024 * 1024)), status


@bp.get("/risk/reference")
@admins
def index():
    return _page()


def _received_files() -> list[tuple[str, bytes]]:
    uploads = [u for u in request.files.getlist("files") if u and u.filename]
    if not uploads:
        raise ValidationFailed("Choose the file(s) of the edition.",
                               [{"field": "files", "message": "No file was sent."}])
    if len(uploads) > parsers.MAX_FILES:
        raise ValidationFailed(f"An edition is at most {parsers.MAX_FILES} files.",
                               [{"field": "files", "message": "Too many files."}])
    files = []
    for upload in uploads:
        data = upload.stream.read(parsers.MAX_FILE_BYTES + 1)
        name = safe_filename(upload.filename)
        if len(data) > parsers.MAX_FILE_BYTES:
            raise PayloadTooLarge(f"{name} is larger than the "
                                  f"{parsers.MAX_FILE_BYTES // (1024 * 1024)} MB limit.",
                                  [{"field": "files", "message": "Too large."}])
        files.append((name, data))
    return files


def _put_back(form: EditionForm, exc: AppError) -> list[dict]:
    """Field errors onto the form; the rest (row errors) returned for the table."""
    rows = []
    for detail in exc.details or []:
        name = detail.get("field")
        if name in (*FORM_FIELDS, "files"):
            target = getattr(form, name)
            target.errors = [*target.errors, detail["message"]]
        elif "row" in detail or "file" in detail:
            rows.append(detail)
    return rows


@bp.post("/risk/reference/upload")
@admins
def upload():
    db = get_session()
    form = EditionForm()
    if not form.validate():
        return _page(form, message="Please check the form.", status=422)
    values = {"dataset": form.dataset.data, "edition": form.edition.data,
              "title": form.title.data, "source": form.source.data,
              "licence": form.licence.data, "retrieved_on": form.retrieved_on.data,
              "org_id": current_user.org_id}
    try:
        files = _received_files()
        if form.dry_run.data:
            checked = services.check_edition(db, files=files, **values)
            db.rollback()
            return _page(form, dry_run={"rows": len(checked.result.rows),
                                        "skipped": checked.result.skipped,
                                        "sha256": checked.sha256, "files": checked.files})
        loaded = services.load_edition(db, files=files, actor=current_user, **values)
        db.commit()
    except AppError as exc:
        db.rollback()  # all or nothing
        rows = _put_back(form, exc)
        return _page(form, errors=rows, message=exc.message, status=exc.status)
    flash(f"Loaded {DATASET_LABELS[loaded.dataset]}, edition {loaded.edition}: "
          f"{loaded.row_count:,} rows. It is now in force for your organisation.", "success")
    return redirect(url_for("risk_reference.index", _anchor=f"edition-{loaded.id}"), 303)


@bp.get("/risk/reference/<int:edition_id>")
@readers
def edition(edition_id: int):
    db = get_session()
    found = load_edition(db, edition_id)
    stmt = select(ReferenceRow).where(ReferenceRow.edition_id == found.id)
    country = (request.args.get("country") or "").strip()[:100]
    if country:
        try:
            code = match_country(country)
        except UnknownCountry as exc:
            flash(str(exc), "error")
            code = None
        stmt = stmt.where(ReferenceRow.country == code)
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        stmt = stmt.where(or_(ReferenceRow.item.ilike(like, escape="\\"),
                              ReferenceRow.source_country.ilike(like, escape="\\")))
    page = int_arg(request.args, "page", 1, maximum=100_000)
    rows, total = page_of(db, stmt.order_by(ReferenceRow.id), page, ROWS_PER_PAGE)
    in_force = services.current_editions(db, current_user.org_id).get(found.dataset)
    return render_template("risk/reference_edition.html", edition=found, rows=rows,
                           total=total, page=page, per_page=ROWS_PER_PAGE, country=country,
                           q=q, in_force=in_force is not None and in_force.id == found.id,
                           many_files=len(found.files or []) > 1)
