"""The duplicate review page: likely duplicate pairs side by side, merge or "not a duplicate".

Routes on the suppliers pages' blueprint (suppliers/views.py's `bp`).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.api import int_arg, page_of
from app.db import get_session
from app.errors import AppError, Conflict
from app.registry import registry
from app.tenancy import get_owned
from suppliers import services
from suppliers.forms import ConfirmForm, DismissForm, MergeForm
from suppliers.models import DuplicateCandidate
from suppliers.queries_duplicates import STATUSES, candidate_query, evidence, open_count
from suppliers.services.duplicates import (
    dismiss_candidate,
    last_scan,
    pair_suppliers,
    request_scan,
)
from suppliers.views import _org, bp, editors

PER_PAGE = 20
# The rows of the side-by-side table: (label, how to read it off the evidence)
ROWS = (
    ("Name", "name"), ("Name in Latin letters", "latin_name"), ("Country", "country"),
    ("Address", "address"), ("Products", "products"), ("OS ID", "os_id"), ("LEI", "lei"),
    ("DUNS", "duns"), ("Your reference", "external_id"), ("Kind", "kind"), ("Tier", "tier"),
)


@bp.get("/suppliers/duplicates")
@editors
def duplicates():
    db = get_session()
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    page = int_arg(request.args, "page", 1) or 1
    pairs, total = page_of(db, candidate_query(_org(), status), page, PER_PAGE)
    counters = [c for c in registry().reference_counters if c.label != "relationships"]
    return render_template(
        "suppliers/duplicates.html", pairs=pairs, total=total, page=page, per_page=PER_PAGE,
        status=status, statuses=STATUSES, found=evidence(db, _org(), pairs, counters),
        counters=[c.label for c in counters], rows=ROWS, open_total=open_count(db, _org()),
        scan=last_scan(db, _org()), merge_form=MergeForm(), dismiss_form=DismissForm(),
        confirm=ConfirmForm(),
    )


def _back():
    return redirect(url_for("suppliers.duplicates", status=request.args.get("status"),
                            page=request.args.get("page")))


@bp.post("/suppliers/duplicates/scan")
@editors
def scan_duplicates():
    """"Look again": queue a scan of the whole network (it runs on the queue)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        db = get_session()
        request_scan(db, org_id=_org(), user_id=current_user.id)
        db.commit()
        flash("Looking for duplicates again: the list updates when the search is done.", "info")
    return _back()


@bp.post("/suppliers/duplicates/<int:candidate_id>/merge")
@editors
def merge_duplicate(candidate_id: int):
    """Merge the pair into the record chosen (`keep`, one of the pair's two ids)."""
    db = get_session()
    candidate = get_owned(db, DuplicateCandidate, candidate_id, _org())
    form = MergeForm()
    if not form.validate_on_submit():
        flash("The form expired: try again.", "error")
        return _back()
    low, high = pair_suppliers(db, candidate)
    keep_id = int_arg(request.form, "keep")
    if keep_id not in (low.id, high.id):
        flash("Choose one of the two suppliers to keep.", "error")
        return _back()
    keep, duplicate = (low, high) if keep_id == low.id else (high, low)
    try:
        if candidate.status != "open":
            raise Conflict(f"This pair is {candidate.status} already.")
        merged = services.merge_suppliers(db, keep, duplicate, actor=current_user)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
        return _back()
    moved = ", ".join(f"{n:,} {label}" for label, n in merged.moved.items() if n)
    flash(f"{duplicate.name} was merged into {keep.name} and archived"
          + (f": {moved} moved." if moved else "."), "success")
    return redirect(url_for("suppliers.detail", supplier_id=keep.id))


@bp.post("/suppliers/duplicates/<int:candidate_id>/dismiss")
@editors
def dismiss_duplicate(candidate_id: int):
    db = get_session()
    candidate = get_owned(db, DuplicateCandidate, candidate_id, _org())
    form = DismissForm()
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors)
              or "The form expired: try again.", "error")
        return _back()
    try:
        dismiss_candidate(db, candidate, actor=current_user, note=form.note.data)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
    else:
        flash("Remembered: this pair is not shown again unless one of the records changes.",
              "success")
    return _back()
