"""Helpers of the public channel's tests: a company with a channel and a listed workplace,
the CSRF token of a page, a report sent through the page, and fresh rate-limit counters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grievances.models import Channel, ChannelSupplier
from grievances.services import intake
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

NEPALI = "म्यानपावर एजेन्टले मेरो राहदानी राख्यो र ३ लाख रुपैयाँ शुल्क लियो।"
COMPANY = "Harbour Retail Group plc"


@dataclass
class Site:
    org: Any
    channel: Channel
    supplier: Any  # listed on the channel as "Penang Gloves (Prai factory)"
    user: Any      # a compliance user of the company

    @property
    def url(self) -> str:
        return f"/g/{self.channel.intake_key}"


def make_site(db, name: str = COMPANY) -> Site:
    org = make_org(db, "buyer", name=name)
    channel = intake.ensure_channel(db, org_id=org.id)
    supplier = make_supplier(db, org, name="Penang Gloves Sdn Bhd", country="MY")
    db.add(ChannelSupplier(org_id=org.id, channel_id=channel.id, supplier_id=supplier.id,
                           public_name="Penang Gloves (Prai factory)"))
    user = make_user(db, org, "compliance")
    db.commit()
    return Site(org, channel, supplier, user)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def report_form(**values: Any) -> dict[str, Any]:
    form = {"lang": "en", "categories": ["wages"], "workplace": "", "place": "",
            "text": "Wages have not been paid for three months.", "contact": "",
            "language": "en"}
    return form | values


def send_report(client, site: Site, **values: Any):
    """POST the intake form the way a browser does (GET first, for the CSRF token)."""
    lang = values.get("lang", "en")
    page = client.get(site.url, query_string={"lang": lang})
    return client.post(site.url, data=report_form(csrf_token=csrf(page.text), **values))


def codes(html: str) -> tuple[str, str]:
    """(case code, secret) from the answer page."""
    found = re.findall(r'<dd class="g-code"[^>]*>([^<]+)</dd>', html)
    assert len(found) == 2, html[:2000]
    return found[0], found[1]


def fresh_limits():
    """A generator fixture body: the limiter's counters empty before and after the test."""
    from app.security import limiter

    limiter.reset()
    yield
    limiter.reset()
