"""What the questionnaires package adds to the shell."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, ReferenceCounter, Seeder, SupplierPanel

SUPPLIER_ROLES = frozenset({"supplier", "admin"})


def _buyer_card(session, user) -> list[dict]:
    from questionnaires.queries import status_counts

    if user.organization.kind != "buyer":
        return []
    c = status_counts(session, user.org_id)
    index = url_for("questionnaires.index")
    return [
        {"label": "awaiting answers", "value": c["sent"] + c["opened"] + c["in_progress"]
         + c["returned"], "href": index},
        {"label": "overdue", "value": c["overdue"], "href": url_for("questionnaires.index",
                                                                    overdue="1")},
        {"label": "to review", "value": c["submitted"],
         "href": url_for("questionnaires.index", status="submitted")},
        {"label": "accepted", "value": c["accepted"],
         "href": url_for("questionnaires.index", status="accepted")},
    ]


_SUPPLIER_STATUS = {"sent": "To start", "opened": "To start", "in_progress": "In progress",
                    "returned": "Returned to you", "submitted": "Submitted",
                    "accepted": "Accepted"}


def _supplier_card(session, user) -> list[dict]:
    from questionnaires import definitions
    from questionnaires.queries import supplier_assignments

    if user.organization.kind != "supplier":
        return []
    items = []
    for a in session.scalars(supplier_assignments(user).limit(6)):
        title = definitions.tr(definitions.get_template(a.template_key, a.template_version)
                               .title, "en")
        late = " (overdue)" if a.overdue else ""
        items.append({"label": f"{title}, for {a.organization.name}: due {a.due_date:%d %b %Y}"
                               f"{late}",
                      "value": _SUPPLIER_STATUS.get(a.status, a.status),
                      "href": url_for("portal.answer", assignment_id=a.id)})
    return items or [{"label": "nothing to answer", "value": "0"}]


def _panel(session, user, supplier):
    from questionnaires.queries import for_supplier_record

    return for_supplier_record(session, user.org_id, supplier.id)


def _count(session, org_id: int, supplier_id: int) -> int:
    from questionnaires.queries import supplier_assignment_count

    return supplier_assignment_count(session, org_id, supplier_id)


# The portal API is opened by the link's token in the path, which a forged cross-site request
# cannot know; its JSON bodies cannot come from a plain form either. No cookie, no CSRF token.
PORTAL_API = ("questionnaires_api.save_answers", "questionnaires_api.submit")


def _init(app: Flask) -> None:
    from app.queue import daily
    from app.security import CSRF_EXEMPT_ENDPOINTS
    from questionnaires import receivers
    from questionnaires.api_files import CSRF_EXEMPT
    from questionnaires.jobs import daily_reminders

    # token-in-URL JSON routes: no session to forge
    CSRF_EXEMPT_ENDPOINTS.update(PORTAL_API, CSRF_EXEMPT)
    receivers.connect()
    daily(daily_reminders, app)


def contribution() -> Package:
    from questionnaires import api, api_files, cli, demo, portal_views, views
    from questionnaires.schemas import OPENAPI_SCHEMAS

    return Package(
        name="questionnaires",
        blueprints=(views.bp, portal_views.bp, api.bp, api_files.bp),
        cli_groups=(cli.cli,),
        nav=(
            NavItem("Questionnaires", "questionnaires.index", NETWORK_EDITORS, order=30,
                    org_kinds=frozenset({"buyer"})),
            NavItem("Questionnaires", "portal.mine", SUPPLIER_ROLES, order=30,
                    org_kinds=frozenset({"supplier"})),
        ),
        cards=(
            DashboardCard("Questionnaires", NETWORK_EDITORS, _buyer_card, order=20),
            DashboardCard("Questionnaires to answer", SUPPLIER_ROLES, _supplier_card, order=5),
        ),
        seeders=(Seeder(demo.seed, order=30),),
        openapi_schemas={**OPENAPI_SCHEMAS, **api_files.OPENAPI_SCHEMAS},
        supplier_panels=(SupplierPanel("Questionnaires", "questionnaires/_supplier_panel.html",
                                       NETWORK_EDITORS, _panel, order=20),),
        reference_counters=(ReferenceCounter("questionnaires", _count),),
        init_app=_init,
    )
