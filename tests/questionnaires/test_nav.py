"""The menu follows the organisation's kind as well as the role: an admin of a supplier
organisation gets the portal, never the buyer's network pages, and the reverse."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import make_org, make_user


@pytest.mark.parametrize(("kind", "role", "shown", "hidden"), [
    ("supplier", "admin", ["/supplier/questionnaires", "/connections"],
     ["/suppliers", "/network", "/import", "/questionnaires\""]),
    ("supplier", "supplier", ["/supplier/questionnaires", "/connections"], ["/suppliers\""]),
    ("buyer", "admin", ["/suppliers", "/questionnaires"], ["/supplier/questionnaires",
                                                           "/connections"]),
    ("buyer", "compliance", ["/suppliers", "/questionnaires"], ["/supplier/questionnaires"]),
])
def test_menu_by_role_and_organisation_kind(app, db, kind, role, shown, hidden):
    user = make_user(db, make_org(db, kind), role)
    db.commit()
    client = app.test_client()
    login(client, user.email)
    page = client.get("/").text
    nav = page[page.index("<nav"):page.index("</nav>")]
    for href in shown:
        assert f'href="{href}' in nav, (href, nav)
    for href in hidden:
        assert f'href="{href}' not in nav, (href, nav)
