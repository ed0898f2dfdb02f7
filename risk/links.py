"""Where each kind of evidence lives in the pages, for the API's `url` and the risk panel."""

from __future__ import annotations

from typing import Any

from flask import url_for
from werkzeug.routing import BuildError

# evidence kind -> (endpoint, the argument its id fills)
_PAGES = {
    "supplier": ("suppliers.detail", "supplier_id"),
    "finding": ("audits.finding", "finding_id"),
    "audit": ("audits.detail", "audit_id"),
    "assignment": ("questionnaires.assignment", "assignment_id"),
}


def evidence_url(item: dict[str, Any], supplier_id: int) -> str | None:
    """The page that shows this evidence, or None (a data-set row has no page of ours)."""
    kind, record = item.get("kind"), item.get("id")
    try:
        if kind == "fee":
            return url_for("audits.fees", supplier_id=supplier_id) + f"#fee-{record}"
        if kind == "signal" and item.get("assignment_id"):
            return url_for("questionnaires.assignment", assignment_id=item["assignment_id"])
        if kind == "dataset" and record:
            return url_for("risk_reference.edition", edition_id=record) + (
                f"#{item['anchor']}" if item.get("anchor") else "")
        if kind in _PAGES and record:
            endpoint, arg = _PAGES[kind]
            return url_for(endpoint, **{arg: record})
    except BuildError:  # a page of a package this installation does not serve
        return None
    return None
