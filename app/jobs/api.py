"""GET /api/v1/jobs/{id}: a background job of the caller's organisation (API.md)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from app.access import login_required
from app.apischema import api_route
from app.db import get_session
from app.jobs.models import Job
from app.tenancy import get_owned

bp = Blueprint("jobs_api", __name__, url_prefix="/api/v1")

JOB_SCHEMA = {
    "type": "object",
    "required": ["id", "kind", "status", "progress", "total", "result", "error"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "stage": {"type": "string", "description": "the job's current step, e.g. reading"},
        "progress": {"type": "integer"},
        "total": {"type": ["integer", "null"]},
        "result": {"type": ["object", "null"]},
        "error": {"type": ["string", "null"]},
        "attempts": {"type": "integer"},
    },
}


@bp.get("/jobs/<int:job_id>")
@login_required
@api_route(response="Job", errors=[404])
def get_job(job_id: int):
    """A background job of your organisation: status, progress of total, result or error."""
    return jsonify(get_owned(get_session(), Job, job_id, current_user.org_id).as_json())
