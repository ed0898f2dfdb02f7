"""What the audits package adds to the shell: pages, API, navigation, dashboard cards, the
supplier page's panel, the overdue job, the receiver that follows supplier merges."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, ReferenceCounter, Seeder, SupplierPanel

BUYERS, FIRMS, SUPPLIERS = frozenset({"buyer"}), frozenset({"audit_firm"}), frozenset({"supplier"})
FIRM_ROLES = frozenset({"auditor", "admin"})
SUPPLIER_ROLES = frozenset({"supplier", "admin"})


def _count(session, org_id: int, supplier_id: int) -> int:
    from audits.queries import supplier_reference_count

    return supplier_reference_count(session, org_id, supplier_id)


# --- pages: navigation, cards, the supplier panel -------------------------------------------


def _buyer_card(session, user) -> list[dict]:
    from audits.board import buyer_summary

    if user.organization.kind != "buyer":
        return []
    s = buyer_summary(session, user.org_id)
    items = [
        {"label": "open corrective actions", "value": s["open_actions"],
         "href": url_for("audits.board")},
        {"label": "overdue actions", "value": s["overdue"], "href": url_for("audits.board")},
    ]
    items += [{"label": f"open {severity} findings", "value": n}
              for severity, n in s["findings"].items()]
    return items


def _fees_card(session, user) -> list[dict]:
    """One line per currency (amounts in two currencies never add up): the share repaid as
    the figure and a meter, the amounts as its text."""
    from audits.board import fee_lines

    if user.organization.kind != "buyer":
        return []
    return [{"label": f"{line['currency']}: {line['repaid']} of {line['owed']} repaid "
                      f"({line['workers']:,} workers paid fees)",
             "value": f"{int(line['repaid_share'] * 100)}%", "meter": line["repaid_share"]}
            for line in fee_lines(session, user.org_id)]


def _auditor_card(session, user) -> list[dict]:
    from audits.board import auditor_status_counts
    from audits.models import AUDIT_STATUSES
    from audits.views import STATUS_LABELS

    if user.organization.kind != "audit_firm":
        return []
    counts = auditor_status_counts(session, user)
    return [{"label": STATUS_LABELS[s].lower(), "value": counts.get(s, 0),
             "href": url_for("audits.index", status=s)} for s in AUDIT_STATUSES]


def _panel(session, user, supplier):
    from audits.board import supplier_panel

    return supplier_panel(session, user.org_id, supplier.id)


PAGES = {
    "nav": (
        NavItem("Audits", "audits.index", NETWORK_EDITORS, order=40, org_kinds=BUYERS),
        NavItem("Actions", "audits.board", NETWORK_EDITORS, order=41, org_kinds=BUYERS),
        NavItem("My audits", "audits.index", FIRM_ROLES, order=20, org_kinds=FIRMS),
        NavItem("Audits", "audits.index", SUPPLIER_ROLES, order=40, org_kinds=SUPPLIERS),
    ),
    "cards": (
        DashboardCard("Audits and corrective actions", NETWORK_EDITORS, _buyer_card, order=30),
        DashboardCard("Recruitment fees repaid", NETWORK_EDITORS, _fees_card, order=35),
        DashboardCard("My audits", FIRM_ROLES, _auditor_card, order=10),
    ),
    "supplier_panels": (
        SupplierPanel("Audits and recruitment fees", "audits/_supplier_panel.html",
                      NETWORK_EDITORS, _panel, order=30),
    ),
}
# --- end of pages ----------------------------------------------------------------------------


def _init(app: Flask) -> None:
    from app.queue import daily
    from audits import receivers
    from audits.evidence_views import evidence_block
    from audits.jobs import daily_overdue

    receivers.connect()
    daily(daily_overdue, app)
    # The finding and action pages include `{{ evidence_block('finding', finding) }}`.
    app.jinja_env.globals["evidence_block"] = evidence_block


def contribution() -> Package:
    # api_evidence and api_fees add their routes to api.bp, views_actions and views_fees
    # theirs to views.bp
    from audits import (  # noqa: F401
        api,
        api_evidence,
        api_fees,
        demo,
        evidence_views,
        views,
        views_actions,
        views_fees,
    )
    from audits.schemas import OPENAPI_SCHEMAS
    from audits.services import audits as _audits  # noqa: F401 - registers the invitation purpose

    return Package(
        name="audits",
        blueprints=(api.bp, views.bp, evidence_views.bp),
        openapi_schemas={**OPENAPI_SCHEMAS, **api_evidence.OPENAPI_SCHEMAS},
        reference_counters=(ReferenceCounter("audits and fee entries", _count),),
        # After the network (10), its connections (15) and the questionnaires (30).
        seeders=(Seeder(demo.seed, order=40),),
        init_app=_init,
        **PAGES,
    )
