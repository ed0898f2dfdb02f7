"""Evidence files on the audits pages: upload, download, remove, and the `evidence_block`
partial the finding and action pages include (`{{ evidence_block('finding', finding) }}`).

The same rules as the API (audits/services/evidence.py). A form posts back to the page it is
on (`next`, a local path only); a refused file is a flashed message naming the problem, never
an error page, while another tenant's id stays 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.access import roles_required
from app.db import get_session
from app.errors import AppError, NotFound, PermissionDenied
from app.filestore import ACCEPTED, MAX_BYTES
from audits.models import Action, Finding
from audits.services import evidence as service
from audits.sharing import visible_action, visible_finding

bp = Blueprint("audit_evidence", __name__, template_folder="templates")
recorders = roles_required("admin", "auditor", "compliance", org_kinds=("audit_firm", "buyer"))
readers = roles_required("admin", "auditor", "compliance", "supplier",
                         org_kinds=("audit_firm", "buyer", "supplier"))


def _back() -> str:
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not parts.netloc and not parts.scheme:
        return target
    return url_for("main.dashboard")


def _upload(parent: Finding | Action):
    db = get_session()
    upload = request.files.get("file")
    try:
        evidence = service.add_evidence(db, parent, upload, actor=current_user)
    except (NotFound, PermissionDenied):
        raise
    except AppError as exc:  # a refused file: say why on the page it came from
        db.rollback()
        flash(f"The file was not attached: {exc.message}", "error")
        return redirect(_back(), 303)
    db.commit()
    flash(f"File attached: {evidence.filename}.", "success")
    return redirect(_back(), 303)


@bp.post("/audits/findings/<int:finding_id>/evidence")
@recorders
def finding_upload(finding_id: int):
    return _upload(visible_finding(get_session(), finding_id, current_user))


@bp.post("/audits/actions/<int:action_id>/evidence")
@readers
def action_upload(action_id: int):
    return _upload(visible_action(get_session(), action_id, current_user))


@bp.get("/audits/evidence/<int:evidence_id>")
@readers
def download(evidence_id: int):
    evidence, _parent = service.get_evidence(get_session(), evidence_id, current_user)
    return service.serve(evidence)


@bp.post("/audits/evidence/<int:evidence_id>/delete")
@readers
def delete(evidence_id: int):
    db = get_session()
    evidence, parent = service.get_evidence(db, evidence_id, current_user)
    name = evidence.filename
    try:
        service.remove_evidence(db, evidence, parent, actor=current_user)
    except AppError as exc:
        db.rollback()
        flash(f"The file was not removed: {exc.message}", "error")
        return redirect(_back(), 303)
    db.commit()
    flash(f"File removed: {name}.", "success")
    return redirect(_back(), 303)


def evidence_block(kind: str, obj: Any) -> Markup:
    """The files of a finding (`kind` "finding") or corrective action ("action"), with
    download links, remove buttons where the signed-in user may remove, and an upload form
    where they may add. Rendered for the signed-in user only."""
    if kind not in ("finding", "action") or not isinstance(obj, Finding if kind == "finding"
                                                            else Action):
        raise ValueError(f"evidence_block('finding', finding) or ('action', action), "
                         f"not {kind!r}")
    db = get_session()
    files = [(e, service.may_delete(current_user, e, obj))
             for e in service.evidence_of(db, obj)]
    upload_to = url_for("audit_evidence.finding_upload" if kind == "finding"
                        else "audit_evidence.action_upload", **{f"{kind}_id": obj.id})
    # The template's own output, autoescaped as it was rendered: safe to include as is.
    return Markup(render_template(  # noqa: S704
        "audits/_evidence.html", kind=kind, obj=obj, files=files, upload_to=upload_to,
        can_upload=service.may_upload(current_user, obj), here=request.full_path.rstrip("?"),
        accepted=ACCEPTED, max_mb=MAX_BYTES // (1024 * 1024)))


__all__ = ["bp", "evidence_block"]
