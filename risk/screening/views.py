"""The screening pages: the review queue of possible matches (/risk/screening) with "screen
now" and a confirm or dismiss form per hit, and the entity lists (/risk/screening/lists) with
the upload form for administrators and one list's entries.

For compliance and admin users of a buying organisation; anyone else signed in gets 404, as
for the other risk pages (risk/views.py). Loading a list is for administrators (as reference
data is): compliance gets 403 there. Another organisation's list or hit is 404. Thin views:
load, authorise, one service call, commit, redirect or render.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.aftercommit import after_commit
from app.api import page_of
from app.apischema import int_arg
from app.db import get_session
from app.errors import AppError, NotFound, PayloadTooLarge, PermissionDenied, ValidationFailed
from app.tenancy import get_owned
from app.uploads import safe_filename
from risk.models import ListEdition, ListEntry, ScreeningHit
from risk.screening import decisions, importer, queries, runs, services
from risk.screening.forms import DecisionForm, ListForm, RunForm
from risk.views import buyer_risk_readers

bp = Blueprint("risk_screening", __name__, template_folder="templates")
HITS_PER_PAGE = 50
ENTRIES_PER_PAGE = 100
LIST_FIELDS = ("name", "issuer", "edition", "source_url", "file")


def buyer_admins(view: Callable) -> Callable:
    """Admins of a buyer; compliance 403 (their role), everyone else 404 (risk pages)."""
    readers = buyer_risk_readers(view)

    @functools.wraps(readers)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and current_user.role != "admin" and \
                current_user.organization.kind == "buyer":
            raise PermissionDenied("Only administrators load entity lists.")
        return readers(*args, **kwargs)

    wrapper.access = frozenset({"admin"})  # type: ignore[attr-defined]
    return wrapper


@bp.get("/risk/screening")
@buyer_risk_readers
def index():
    db = get_session()
    org_id = current_user.org_id
    status, list_id = queries.hit_filters(request.args)
    page = int_arg(request.args, "page", 1, maximum=100_000) or 1
    rows, total = queries.page_of_hits(db, queries.hits_query(org_id, status, list_id), page,
                                       HITS_PER_PAGE)
    from risk.screening.jobs import waiting

    return render_template(
        "risk/screening/index.html", rows=rows, total=total, page=page,
        per_page=HITS_PER_PAGE, status=status, list_id=list_id, statuses=queries.STATUSES,
        counts=queries.counts(db, org_id), emails=queries.deciders(db, rows),
        lists=queries.lists_with_editions(db, org_id), last_run=runs.last_run(db, org_id),
        queued=waiting(org_id), run_form=RunForm(), form=DecisionForm(formdata=None))


@bp.post("/risk/screening/run")
@buyer_risk_readers
def run_now():
    db = get_session()
    if not RunForm().validate():
        raise ValidationFailed("The form has expired: reload the page and try again.")
    from risk.screening.jobs import request_screening

    org_id = current_user.org_id
    after_commit(db, lambda: request_screening(org_id, "manual"))
    db.commit()
    flash("Screening is queued: the results appear here when it has run.", "success")
    return redirect(url_for("risk_screening.index"), 303)


@bp.post("/risk/screening/hits/<int:hit_id>")
@buyer_risk_readers
def decide(hit_id: int):
    db = get_session()
    hit = get_owned(db, ScreeningHit, hit_id, current_user.org_id)
    form = DecisionForm()
    back = request.form.get("back_status") or "open"
    if back not in queries.STATUSES:
        back = "open"
    try:
        if not form.validate():
            raise ValidationFailed("The form has expired: reload the page and try again.")
        decisions.decide(db, hit, decision=form.decision.data or "", note=form.note.data,
                         actor=current_user)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(f"Hit {hit_id}: {exc.message}", "error")
        return redirect(url_for("risk_screening.index", status=back, _anchor=f"hit-{hit_id}"),
                        303)
    flash(f"Hit {hit_id} {hit.status}. Risk is recomputed with it.", "success")
    return redirect(url_for("risk_screening.index", status=back), 303)


def _lists_page(form: ListForm | None = None, *, errors: list[dict] | None = None,
                message: str | None = None, dry_run: dict[str, Any] | None = None,
                status: int = 200):
    db = get_session()
    return render_template(
        "risk/screening/lists.html", lists=queries.lists_with_editions(db, current_user.org_id),
        form=form or ListForm(formdata=None), upload_errors=errors, upload_message=message,
        dry_run=dry_run, may_load=current_user.role == "admin",
        max_mb=importer.MAX_FILE_BYTES // (1024 * 1024), columns=importer.COLUMNS), status


@bp.get("/risk/screening/lists")
@buyer_risk_readers
def lists():
    return _lists_page()


def _received() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose the list's file.",
                               [{"field": "file", "message": "No file was sent."}])
    data = upload.stream.read(importer.MAX_FILE_BYTES + 1)
    if len(data) > importer.MAX_FILE_BYTES:
        raise PayloadTooLarge(f"The file is larger than the "
                              f"{importer.MAX_FILE_BYTES // (1024 * 1024)} MB limit.",
                              [{"field": "file", "message": "Too large."}])
    return safe_filename(upload.filename), data


def _put_back(form: ListForm, exc: AppError) -> list[dict]:
    rows = []
    for detail in exc.details or []:
        name = detail.get("field")
        if name in LIST_FIELDS:
            target = getattr(form, name)
            target.errors = [*target.errors, detail["message"]]
        elif "row" in detail:
            rows.append(detail)
    return rows


@bp.post("/risk/screening/lists")
@buyer_admins
def upload():
    db = get_session()
    form = ListForm()
    if not form.validate():
        return _lists_page(form, message="Please check the form.", status=422)
    values = {"name": form.name.data, "issuer": form.issuer.data,
              "edition": form.edition.data, "source_url": form.source_url.data or None,
              "org_id": current_user.org_id}
    try:
        filename, data = _received()
        if form.dry_run.data:
            checked = services.check_list(db, filename=filename, data=data, **values)
            db.rollback()
            return _lists_page(form, dry_run={"rows": len(checked.rows),
                                              "sha256": checked.sha256,
                                              "file": checked.filename,
                                              "unknown": checked.unknown_columns})
        loaded = services.load_list(db, filename=filename, data=data, actor=current_user,
                                    **values)
        db.commit()
    except AppError as exc:
        db.rollback()  # all or nothing
        rows = _put_back(form, exc)
        return _lists_page(form, errors=rows, message=exc.message, status=exc.status)
    flash(f"Loaded edition {loaded.edition}: {loaded.entries:,} entries. Your suppliers are "
          "screened against it on the queue.", "success")
    return redirect(url_for("risk_screening.entity_list", list_id=loaded.list_id), 303)


@bp.get("/risk/screening/lists/<int:list_id>")
@buyer_risk_readers
def entity_list(list_id: int):
    db = get_session()
    found = services.get_list(db, list_id, current_user.org_id)
    editions = db.scalars(select(ListEdition).where(ListEdition.list_id == found.id)
                          .order_by(ListEdition.loaded_at.desc(), ListEdition.id.desc())).all()
    chosen = int_arg(request.args, "edition")
    edition = next((e for e in editions if e.id == chosen), None) if chosen else next(
        (e for e in editions if e.superseded_at is None), editions[0] if editions else None)
    if chosen and edition is None:
        raise NotFound("No such edition of this list.")
    page = int_arg(request.args, "page", 1, maximum=100_000) or 1
    entries, total = ([], 0) if edition is None else page_of(
        db, select(ListEntry).where(ListEntry.edition_id == edition.id)
        .order_by(ListEntry.row, ListEntry.id), page, ENTRIES_PER_PAGE)
    return render_template("risk/screening/list.html", listing=found, editions=editions,
                           edition=edition, entries=entries, total=total, page=page,
                           per_page=ENTRIES_PER_PAGE)
