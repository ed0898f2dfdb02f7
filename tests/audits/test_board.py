"""The corrective-action board query (queries.board_columns): columns by state, overdue first,
scoped like everything else, with finding, audit and supplier loaded in the same queries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from audits.models import ACTION_STATES
from audits.queries import board_columns
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.factories import make_org, make_user

TODAY = date.today()


def test_columns_order_overdue_first_and_count_everything(db, buyer, compliance_user):
    audit = make_audit(db, buyer)
    finding = make_finding(db, audit, severity="critical")
    later = make_action(db, finding, due_date=TODAY + timedelta(20))
    late = make_action(db, finding, due_date=TODAY - timedelta(3))
    soon = make_action(db, finding, due_date=TODAY + timedelta(1))
    done = [make_action(db, finding, state="verified") for _ in range(3)]
    make_action(db, make_finding(db, make_audit(db, make_org(db, "buyer"))))  # not ours
    db.commit()
    columns = board_columns(db, compliance_user, filters={}, per_column=2)
    assert list(columns) == list(ACTION_STATES)
    items, total = columns["open"]
    assert [a.id for a in items] == [late.id, soon.id] and total == 3  # 2 shown of 3
    assert columns["in_progress"] == ([], 0) and columns["verified"][1] == len(done)
    assert later.id not in [a.id for a in items]
    overdue = board_columns(db, compliance_user, filters={"overdue": True})
    assert [a.id for a in overdue["open"][0]] == [late.id] and overdue["verified"] == ([], 0)
    assert board_columns(db, compliance_user, filters={"severity": "low"})["open"] == ([], 0)
    assert board_columns(db, compliance_user, filters={"supplier_id": audit.supplier_id,
                                                       "audit_id": audit.id})["open"][1] == 3


def test_the_board_of_an_auditor_and_of_a_supplier(db, buyer):
    firm = make_org(db, "audit_firm")
    auditor, colleague = make_auditor(db, firm), make_auditor(db, firm)
    supplier_org = make_org(db, "supplier")
    person = make_user(db, supplier_org, "supplier")
    mine = make_audit(db, buyer, auditor=auditor, linked_org=supplier_org, status="in_progress")
    action = make_action(db, make_finding(db, mine), state="in_progress")
    db.commit()
    assert [a.id for a in board_columns(db, auditor)["in_progress"][0]] == [action.id]
    assert all(total == 0 for _items, total in board_columns(db, colleague).values())
    assert all(total == 0 for _items, total in board_columns(db, person).values())
    mine.status = "submitted"
    db.commit()
    assert board_columns(db, person)["in_progress"][1] == 1


def test_finding_audit_and_supplier_come_loaded(db, buyer, compliance_user):
    audit = make_audit(db, buyer)
    for n in range(5):
        make_action(db, make_finding(db, audit), due_date=TODAY + timedelta(n))
    db.commit()
    user_id = compliance_user.id
    db.expunge_all()
    from app.auth.models import User

    user = db.get(User, user_id)
    user.organization  # noqa: B018 - loaded before counting: the caller's, not the board's
    statements = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        columns = board_columns(db, user)
        names = [(a.finding.code, a.finding.audit.scheme, a.finding.audit.supplier.name)
                 for a in columns["open"][0]]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(names) == 5
    assert len(statements) == 2, statements  # the counts, and the one non-empty column
