"""The grievance demo (grievances/demo.py): Northwind's channel with three listed workplaces
and eight cases in six languages and several scripts, in every status, seeded once; the
Penang case is in Penang's risk, and the demo's pages open."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from app.cli import DEMO_PASSWORD, seed_demo
from grievances import queries
from grievances.models import Channel, ChannelSupplier, Grievance, Message, Note
from grievances.services import cases
from risk.models import RiskScore
from suppliers.models import Supplier
from tests.conftest import login


@pytest.fixture(autouse=True)
def _app_context():
    """No shared app context: each request pushes its own (a shared one would share `g`)."""
    yield


def test_the_demo_is_seeded_once_with_every_status(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_FOLDER", str(tmp_path / "evidence"))
    with app.app_context():
        orgs = seed_demo(db)
        db.commit()
        seed_demo(db)
        db.commit()
    buyer = orgs["buyer"]
    channel = db.scalar(select(Channel).where(Channel.org_id == buyer.id))
    assert channel.languages == ["en", "ne", "bn", "my", "hi", "id"]
    assert db.scalar(select(func.count(ChannelSupplier.id)).where(
        ChannelSupplier.channel_id == channel.id)) == 3
    made = db.scalars(select(Grievance).where(Grievance.org_id == buyer.id)).all()
    assert len(made) == 8
    assert {g.status for g in made} == {"received", "acknowledged", "investigating",
                                        "resolved", "closed"}
    assert Counter(g.language for g in made) == {"ne": 2, "bn": 2, "my": 1, "hi": 1, "id": 1,
                                                 "en": 1}
    today = max(g.received_at for g in made).date()
    assert sum(queries.clock(g).overdue(today) for g in made) == 1
    assert sum(g.retaliation for g in made) == 1 and sum(g.reopened for g in made) == 1
    penang = db.scalar(select(Supplier).where(Supplier.org_id == buyer.id,
                                              Supplier.external_id == "T1-MY-03"))
    linked = [g for g in made if g.supplier_id == penang.id]
    assert len(linked) == 1
    assert {"recruitment_fees", "identity_documents"} <= set(linked[0].categories)
    ids = [g.id for g in made]
    both_ways = db.execute(select(Message.from_reporter).where(
        Message.grievance_id.in_(ids)).distinct()).scalars().all()
    assert set(both_ways) == {True, False}
    assert db.scalar(select(func.count(Note.id)).where(Note.grievance_id.in_(ids))) >= 4
    score = db.scalar(select(RiskScore).where(RiskScore.supplier_id == penang.id))
    assert "grievances" in {f["code"] for f in score.factors}
    compliance = next(u for u in buyer.users if u.role == "compliance")
    with app.app_context():
        read = cases.read_case(db, linked[0], actor=compliance)
    assert "राहदानी" in read["text"] and read["notes"]
    db.commit()

    client = app.test_client()
    login(client, "compliance@northwind.example", DEMO_PASSWORD)
    for url in ("/grievances", f"/grievances/{linked[0].id}", "/grievances/effectiveness",
                "/grievances/channel"):
        assert client.get(url).status_code == 200, url
