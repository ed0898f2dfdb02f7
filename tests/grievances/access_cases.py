"""Access entries of the grievances package's case routes (merged in access.py).

The pages and the API are for admins and compliance users of buying companies (the pages
answer 404 to a reader whose grievance permission was withdrawn, the API 403: see
test_cases_permission.py); who may read is for admins. Another company's case or listed
workplace is 404.
"""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})
ADMINS = frozenset({"admin"})

ACCESS: dict[str, object] = {
    # pages (grievances/views.py, channel_views.py, access_views.py)
    "grievances.inbox": EDITORS,
    "grievances.case": EDITORS,
    "grievances.message": EDITORS,
    "grievances.note": EDITORS,
    "grievances.move": EDITORS,
    "grievances.link": EDITORS,
    "grievances.retaliation": EDITORS,
    "grievances.effectiveness": EDITORS,
    "grievances.channel": EDITORS,
    "grievances.add_workplace": EDITORS,
    "grievances.remove_workplace": EDITORS,
    "grievances.languages": EDITORS,
    "grievances.new_key": EDITORS,
    "grievances.access": ADMINS,
    # API (grievances/api.py)
    "grievances_api.get_channel": EDITORS,
    "grievances_api.patch_channel": EDITORS,
    "grievances_api.list_cases": EDITORS,
    "grievances_api.get_case": EDITORS,
    "grievances_api.patch_case": EDITORS,
    "grievances_api.post_message": EDITORS,
    "grievances_api.post_note": EDITORS,
}
KINDS: dict[str, frozenset[str]] = dict.fromkeys(ACCESS, BUYERS)


def _grievance_id(db, org, user):
    from tests.grievances.helpers import make_case

    return make_case(db, org).id


def _workplace_id(db, org, user):
    from grievances.models import ChannelSupplier
    from tests.grievances.helpers import channel_of
    from tests.suppliers.factories import make_supplier

    channel = channel_of(db, org)
    supplier = make_supplier(db, org)
    listed = ChannelSupplier(org_id=org.id, channel_id=channel.id, supplier_id=supplier.id,
                             public_name="Gate 3 factory")
    db.add(listed)
    db.flush()
    return listed.id


MAKERS: dict[object, object] = {
    "grievance_id": _grievance_id,
    "workplace_id": _workplace_id,
}
