"""Where each kind of evidence lives in the pages: one table for the API's `url` and the risk
panel (risk/dashboard.py)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from werkzeug.routing import BuildError

# evidence kind -> (endpoint, the argument that names the record)
PAGES: dict[str, tuple[str, str]] = {
    "supplier": ("suppliers.detail", "supplier_id"),
    "finding": ("audits.finding", "finding_id"),
    "audit": ("audits.detail", "audit_id"),
    "assignment": ("questionnaires.assignment", "assignment_id"),
    "signal": ("questionnaires.assignment", "assignment_id"),  # a signal opens its assignment
    "fee": ("audits.fees", "supplier_id"),  # the ledger of the cohort's workplace
    "dataset": ("risk_reference.edition", "edition_id"),
    "grievance": ("grievances.case", "grievance_id"),  # the case page (its readers only)
    # a confirmed hit opens in the review queue (risk/screening/views.py), at its row
    "screening": ("risk_screening.index", "status"),
}


def target(item: dict[str, Any], supplier_id: int) -> tuple[str, dict[str, Any]] | None:
    """(endpoint, arguments) of the page that shows this evidence, or None."""
    kind, record = item.get("kind"), item.get("id")
    if kind not in PAGES or not record:
        return None
    endpoint, arg = PAGES[kind]
    if kind == "fee":
        return endpoint, {arg: item.get("supplier_id") or supplier_id, "_anchor": f"fee-{record}"}
    if kind == "signal":
        value = item.get("assignment_id")
        return (endpoint, {arg: value}) if value else None
    if kind == "screening":
        return endpoint, {arg: "all", "_anchor": f"hit-{record}"}
    if kind == "dataset":
        anchor = item.get("anchor")
        return endpoint, {arg: record, **({"_anchor": anchor} if anchor else {})}
    return endpoint, {arg: record}


def evidence_url(item: dict[str, Any], supplier_id: int) -> str | None:
    found = target(item, supplier_id)
    if found is None:
        return None
    try:
        return url_for(found[0], **found[1])
    except BuildError:  # a page of a package this installation does not serve
        return None
