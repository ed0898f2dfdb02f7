"""Factories with realistic defaults. They flush; tests commit when a request must see data."""

from __future__ import annotations

import itertools

from app.auth import services
from app.auth.models import Organization, User

PASSWORD = "correct-horse-battery-42"
_seq = itertools.count(1)

ORG_FOR_ROLE = {
    "admin": "buyer",
    "compliance": "buyer",
    "supplier": "supplier",
    "auditor": "audit_firm",
    "regulator": "regulator",
}


def make_org(db, kind: str = "buyer", name: str | None = None, jurisdiction=None) -> Organization:
    n = next(_seq)
    default_names = {
        "buyer": f"Harbour Retail Group {n}",
        "supplier": f"Dhaka Knitwear {n}",
        "audit_firm": f"Clearview Audits {n}",
        "regulator": f"Modern Slavery Registry {n}",
    }
    if kind == "regulator" and jurisdiction is None:
        jurisdiction = "UK"
    return services.create_org(
        db, name=name or default_names[kind], kind=kind, jurisdiction=jurisdiction
    )


def make_user(
    db, org: Organization | None = None, role: str = "compliance", email: str | None = None,
    password: str = PASSWORD,
) -> User:
    org = org or make_org(db, ORG_FOR_ROLE[role])
    n = next(_seq)
    return services.create_user(
        db, org=org, email=email or f"{role}{n}@example.org", role=role, password=password,
        name=f"Test {role.title()} {n}", fast_hash=True,
    )
