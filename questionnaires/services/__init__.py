"""Services of the questionnaires package: they flush, never commit (DESIGN.md section 6)."""

from questionnaires.services.answering import (
    mark_opened,
    missing,
    reuse_sources,
    save,
    start_from,
    submit,
    template_of,
)
from questionnaires.services.campaigns import SendResult, send
from questionnaires.services.links import by_token, link_of, token_of
from questionnaires.services.review import (
    accept,
    new_link_for,
    return_to_supplier,
    send_reminders,
)

__all__ = [
    "SendResult", "accept", "by_token", "link_of", "mark_opened", "missing", "new_link_for",
    "return_to_supplier", "reuse_sources", "save", "send", "send_reminders", "start_from",
    "submit", "template_of", "token_of",
]
