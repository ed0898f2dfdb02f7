"""Signals between packages (blinker), delivered only after the transaction commits.

Siblings never import each other (DESIGN.md section 3): a package that must react to a change
in another connects a receiver to a signal named here. Services do not send signals directly;
they `queue` them on the session, and a listener sends them once the session's transaction has
committed, so a receiver never sees a change that was rolled back, and may open its own
transaction. A rollback drops what was queued.

Receivers get the sender (the package name, e.g. "suppliers") and keyword arguments: `org_id`
and the ids the signal names (below). They run in the committing request or command; a
receiver that fails is logged and does not affect the others or the (already committed) change.
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import Namespace, Signal
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.aftercommit import after_commit

_signals = Namespace()

# supplier_id
supplier_created = _signals.signal("supplier-created")
# supplier_id, changed: list of field names
supplier_changed = _signals.signal("supplier-changed")
# supplier_id (the one kept), merged_ids: the ids folded into it
supplier_merged = _signals.signal("supplier-merged")
# supplier_id
supplier_archived = _signals.signal("supplier-archived")
supplier_restored = _signals.signal("supplier-restored")
# supplier_id (already gone from the database)
supplier_purged = _signals.signal("supplier-purged")
# supplier_id, linked_org_id: the buyer's record (org_id) now links to that supplier
# organisation (its contact accepted the invitation); what was addressed to the supplier
# can now be addressed to the organisation
supplier_connected = _signals.signal("supplier-connected")
# supplier_id, linked_org_id: the organisation the record linked to until the buyer
# disconnected it; the supplier keeps its own answers
supplier_disconnected = _signals.signal("supplier-disconnected")
# supplier_id, assignment_id: a supplier submitted a questionnaire to the buyer (org_id); its
# indicator signals are stored (questionnaire_signals), for risk to read
questionnaire_submitted = _signals.signal("questionnaire-submitted")
# supplier_ids: the buyer's (org_id) supplier records whose audit evidence changed, and
# reasons: what changed, any of "findings" (recorded, imported or updated), "audit_status"
# (an audit submitted or accepted), "action_verified", "fees" (a fee-ledger cohort added or a
# repayment recorded; the cohort's agency record is named too). Sent once per transaction and
# organisation, however many rows changed (an import of 5,000 findings is one signal): risk
# reads the audits' tables again for those suppliers.
audit_inputs_changed = _signals.signal("audit-inputs-changed")

# network_changed: supplier_ids: the buyer's (org_id) suppliers whose place in the network
# changed (an edge added or removed, an import that created or updated suppliers or edges).
# Sent once per transaction and organisation, like audit_inputs_changed.
network_changed = _signals.signal("network-changed")

# grievance_changed: supplier_ids: the buyer's (org_id) suppliers whose grievance cases changed
# (a case linked to or unlinked from one, a status that opens or closes it, the retaliation
# flag). Sent once per transaction and organisation; risk asks risk_inputs again.
grievance_changed = _signals.signal("grievance-changed")

# report_inputs, like risk_inputs, is sent synchronously inside the sender's transaction: the
# reports package asks for the figures of a period that other packages hold (grievance
# statistics today) without importing them. Receivers get (sender="reports", session=,
# org_id=, period_start=, period_end=) and return a dict {section key: figures}, e.g.
# {"grievances": {...}}: counts only (under 5 given as "fewer than 5"), never text or ids.
report_inputs = _signals.signal("report-inputs")

# supplier_merging is sent synchronously inside the merge's transaction (suppliers/services/
# merge.py), after the relationships have moved and the kept record has taken the fields it
# lacked (its connection to a supplier organisation too), before the duplicate is archived
# (both records are still live, of organisation org_id): every package that owns records pointing
# at a supplier moves them from `duplicate_id` to `keep_id`. Receivers get
# (sender="suppliers", session=, org_id=, keep_id=, duplicate_id=) and return
# {label: how many moved} (a plural label, e.g. {"questionnaire assignments": 2}), or {}; the
# merge adds the answers up and writes them into the activity log ("suppliers.merged").
# A receiver works in `session` with Core or ORM statements scoped to org_id, flushes and
# never commits; where its table allows one row per supplier (a unique constraint on
# supplier_id, say a workplace listed once per channel), it keeps one and folds or drops the
# other itself, and counts what it dropped under a label of its own. An exception aborts the
# whole merge (it is rolled back), so raise only when the merge must not happen.
supplier_merging = _signals.signal("supplier-merging")

# risk_inputs is sent synchronously, inside the sender's transaction: the risk
# package asks for evidence that other packages hold about suppliers (grievances today)
# without importing them. Receivers get (sender="risk", session=, org_id=) and return a list
# of dicts {"supplier_id", "kind" ("grievance"), "id", "category", "status", "retaliation",
# "opened_on" (date or None)}; read-only, counts and categories, never a reporter's text.
risk_inputs = _signals.signal("risk-inputs")

_PENDING = "tierlight_pending_signals"
log = logging.getLogger(__name__)


def queue(session: Session, signal: Signal, sender: str, **kwargs: Any) -> None:
    """Send `signal` after this session's transaction commits; drop it on rollback."""
    session.info.setdefault(_PENDING, []).append((signal, sender, kwargs))
    after_commit(session, lambda: _deliver(signal, sender, kwargs))


def queue_merged(session: Session, signal: Signal, sender: str, *, org_id: int,
                 **lists: list[Any]) -> None:
    """Like `queue`, but at most one such signal per organisation and transaction: a second
    call adds its list values (without repeats) to the one already queued."""
    for queued, queued_sender, kwargs in session.info.get(_PENDING, ()):
        if queued is signal and queued_sender == sender and kwargs.get("org_id") == org_id:
            for key, values in lists.items():
                merged = kwargs.setdefault(key, [])
                merged.extend(v for v in values if v not in merged)
            return
    queue(session, signal, sender, org_id=org_id,
          **{key: list(dict.fromkeys(values)) for key, values in lists.items()})


def pending(session: Session) -> list[tuple[Signal, str, dict[str, Any]]]:
    return list(session.info.get(_PENDING, ()))


def _deliver(signal: Signal, sender: str, kwargs: dict[str, Any]) -> None:
    # Each receiver on its own (blinker's send stops at the first that raises).
    for receiver in signal.receivers_for(sender):
        try:
            receiver(sender, **kwargs)
        except Exception:  # the change is committed; one bad receiver must not stop the rest
            log.exception("receiver of %s failed", signal.name)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
