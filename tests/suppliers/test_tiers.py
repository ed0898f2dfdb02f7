"""Stored tiers after every kind of change equal a full recomputation."""

from __future__ import annotations

import contextlib
import random

import pytest
from sqlalchemy import select

from app.errors import Conflict, NotFound, ValidationFailed
from suppliers import services
from suppliers.models import Relationship, Supplier
from tests.factories import make_org
from tests.suppliers.factories import make_supplier
from tests.suppliers.oracles import tiers as nx_tiers


def _stored(db, org):
    db.expire_all()
    return dict(db.execute(select(Supplier.id, Supplier.tier)
                           .where(Supplier.org_id == org.id)).all())


def _expected(db, org):
    nodes = db.scalars(select(Supplier.id).where(Supplier.org_id == org.id)).all()
    edges = db.execute(select(Relationship.supplier_id, Relationship.customer_id)
                       .where(Relationship.org_id == org.id)).all()
    return nx_tiers(nodes, [tuple(e) for e in edges])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_tiers_match_networkx_on_random_changes(db, seed):
    rng = random.Random(seed)
    org = make_org(db)
    suppliers = [make_supplier(db, org, kind=rng.choice(["trader", "recruitment_agency"]))
                 for _ in range(25)]
    for step in range(70):
        supplier = rng.choice(suppliers)
        customer = None if rng.random() < 0.12 else rng.choice(suppliers)
        kind = rng.choice(["goods", "goods", "labour"])
        if rng.random() < 0.15 and step > 10:
            rel = db.scalars(select(Relationship).where(Relationship.org_id == org.id)).first()
            if rel is not None:
                services.remove_relationship(db, rel, actor=None)
        else:
            # A duplicate edge or a self-supply is refused and changes nothing.
            with contextlib.suppress(Conflict, ValidationFailed):
                services.add_relationship(
                    db, org_id=org.id, actor=None, supplier_id=supplier.id,
                    customer_id=customer.id if customer else None, kind=kind)
        assert _stored(db, org) == _expected(db, org), f"step {step}"


def test_lower_tiers_refuses_another_organisations_supplier(db):
    mine, theirs = make_org(db), make_org(db)
    foreign = make_supplier(db, theirs)
    assert foreign.tier is None
    with pytest.raises(NotFound):
        services.lower_tiers(db, mine.id, foreign.id, 1)
    assert _stored(db, theirs)[foreign.id] is None


def test_tier_writes_are_limited_to_the_organisation(db):
    from suppliers.services.network import _write_tiers

    mine, theirs = make_org(db), make_org(db)
    own, foreign = make_supplier(db, mine), make_supplier(db, theirs)
    _write_tiers(db, mine.id, {own.id: 2, foreign.id: 3})
    assert _stored(db, mine)[own.id] == 2
    assert _stored(db, theirs)[foreign.id] is None


def test_an_unexpected_error_looking_up_a_supplier_is_not_reported_as_not_found(db, monkeypatch):
    from suppliers.services import network

    org = make_org(db)
    supplier = make_supplier(db, org)

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(network, "get_owned", broken)
    with pytest.raises(RuntimeError, match="a bug of ours"):
        services.add_relationship(db, org_id=org.id, actor=None, supplier_id=supplier.id,
                                  customer_id=None)


@pytest.mark.parametrize("value", [2**31, 2**63, "9" * 30, "²", "12a"])
def test_out_of_range_or_odd_supplier_ids_name_the_field(db, value):
    org = make_org(db)
    with pytest.raises(ValidationFailed) as caught:
        services.add_relationship(db, org_id=org.id, actor=None, supplier_id=value,
                                  customer_id=None)
    assert caught.value.details[0]["field"] == "supplier_id"
