"""Assignment states (placeholder until the helper's version lands)."""

STATUSES = ("sent", "opened", "in_progress", "submitted", "returned", "accepted")
EDITABLE = frozenset({"sent", "opened", "in_progress", "returned"})


class IllegalMove(ValueError):
    pass


_MOVES = {
    "save": {"sent": "in_progress", "opened": "in_progress", "returned": "in_progress",
             "in_progress": "in_progress"},
    "submit": {s: "submitted" for s in ("sent", "opened", "in_progress", "returned")},
    "return": {"submitted": "returned"},
    "accept": {"submitted": "accepted"},
}


def next_status(current: str, event: str) -> str:
    if event == "open":
        return "opened" if current == "sent" else current
    try:
        return _MOVES[event][current]
    except KeyError:
        raise IllegalMove(f"cannot {event} a {current} questionnaire") from None
