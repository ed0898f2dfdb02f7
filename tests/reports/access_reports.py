"""Access entries of the due-diligence report routes (merged into tests/reports/access.py):
compliance and admin users of a buying organisation; everyone else signed in is refused by
role or kind (403), and another organisation's report id is 404."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})

ACCESS: dict[str, object] = {
    # the page (reports/views_reports.py)
    "reports.index": EDITORS,
    "reports.download": EDITORS,
    # the API (reports/api_reports.py)
    "reports_api.due_diligence": EDITORS,
    "reports_api.list_reports": EDITORS,
    "reports_api.get_report": EDITORS,
    "reports_api.download": EDITORS,
}
KINDS = dict.fromkeys(ACCESS, BUYERS)


def _report_id(db, org, user):
    """A finished XLSX report of the principal's organisation (its kept bytes a stand-in)."""
    from datetime import date

    from flask import has_app_context

    from reports.models import ReportFile

    report = ReportFile(org_id=org.id, format="xlsx", period_start=date(2026, 1, 1),
                        period_end=date(2026, 12, 31), status="done", filename="r.xlsx",
                        created_by_id=getattr(user, "id", None))
    from reports import files

    if has_app_context():
        report.storage_key, report.size, report.sha256 = files.keep(None, b"id,name\n")
    else:  # makers may run outside the app (tests/conftest.py keeps it for them)
        from tests.conftest import CURRENT_APP

        with CURRENT_APP[0].app_context():
            report.storage_key, report.size, report.sha256 = files.keep(None, b"id,name\n")
    db.add(report)
    db.flush()
    return report.id


MAKERS: dict[object, object] = {
    "report_id": _report_id,
}
