"""PLACEHOLDER (helper hC), only so that shell.py imports and the portal can be run: the
buyer's questionnaire pages come from another helper; the lead takes theirs instead."""

from __future__ import annotations

from flask import Blueprint

from app.access import roles_required
from app.auth.roles import NETWORK_EDITORS

bp = Blueprint("questionnaires", __name__, template_folder="templates")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))


@bp.get("/questionnaires")
@editors
def index():
    return "Questionnaires (placeholder)"


@bp.get("/questionnaires/assignments/<int:assignment_id>")
@editors
def assignment(assignment_id: int):
    from flask_login import current_user

    from app.db import get_session
    from app.tenancy import get_owned
    from questionnaires.models import Assignment

    a = get_owned(get_session(), Assignment, assignment_id, current_user.org_id)
    return f"Assignment {a.id} (placeholder)"
