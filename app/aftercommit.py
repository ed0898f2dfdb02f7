"""Work that must wait until a session's transaction has committed and ended.

Signals to sibling packages and jobs for the queue both need this: a receiver or a worker must
never see a change that could still roll back. Callbacks run once the outermost transaction has
ended after a commit, not inside SQLAlchemy's `after_commit` event: there the committing session
still counts as in a transaction, so a callback that opens its own write session (an eager job,
a receiver that records something) would be a second writer (PITFALLS: SQLite, a second write
transaction). A rollback, or a close without commit, drops them; `after_rollback` callbacks
run then instead (removing a file stored for a row that never committed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_CALLBACKS = "tierlight_after_commit"
_UNDO = "tierlight_after_rollback"
_COMMITTED = "tierlight_committed"
log = logging.getLogger(__name__)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback()` once this session's transaction commits; forget it otherwise."""
    session.info.setdefault(_CALLBACKS, []).append(callback)


def after_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback()` if this session's transaction ends without committing."""
    session.info.setdefault(_UNDO, []).append(callback)


def pending(session: Session) -> list[Callable[[], None]]:
    return list(session.info.get(_CALLBACKS, ()))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.get(_CALLBACKS) or session.info.get(_UNDO):
        session.info[_COMMITTED] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    committed = session.info.pop(_COMMITTED, False)
    callbacks = session.info.pop(_CALLBACKS, None)
    undo = session.info.pop(_UNDO, None)
    for callback in (callbacks if committed else undo) or ():
        try:
            callback()
        except Exception:  # the transaction has ended; one failing callback must not stop the rest
            log.exception("after-transaction callback %r failed", callback)
