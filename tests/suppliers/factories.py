"""Supplier-network factories with realistic defaults."""

from __future__ import annotations

import itertools

from suppliers import services

_seq = itertools.count(1)
_NAMES = ["Anhui Cotton Spinning", "Saigon Stitch", "Dhaka Denim Works", "Tiruppur Knit",
          "Bursa Tekstil", "Penang Garments", "Kathmandu Manpower", "Fergana Ginnery"]
_COUNTRIES = ["CN", "VN", "BD", "IN", "TR", "MY", "NP", "UZ"]


def make_supplier(db, org, **values):
    n = next(_seq)
    defaults = {
        "name": f"{_NAMES[n % len(_NAMES)]} {n}",
        "country": _COUNTRIES[n % len(_COUNTRIES)],
        "kind": "manufacturer",
        "external_id": f"SUP-{n:05d}",
        "workers": 400,
        "migrant_workers": 50,
        "female_workers": 220,
    }
    return services.create_supplier(db, org_id=org.id, actor=None, values=defaults | values)


def link(db, org, supplier, customer=None, kind="goods", product=None):
    return services.add_relationship(
        db, org_id=org.id, actor=None, supplier_id=supplier.id,
        customer_id=customer.id if customer is not None else None, kind=kind, product=product,
    )
