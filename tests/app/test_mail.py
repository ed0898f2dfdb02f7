"""The outbox and SMTP delivery, against a real SMTP server (aiosmtpd) started by the suite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.db import utcnow
from app.mail import NO_SERVER_NOTE, OutboxMessage, deliver_one, deliver_pending, queue_mail
from tests.conftest_mail import free_port, html_of, text_of
from tests.factories import make_org, make_user

CONTEXT = {"name": "Amara", "email": "amara@example.org", "link": "http://localhost/r/abc"}


def _queue(db, org, to="amara@example.org", **kwargs):
    return queue_mail(
        db, org_id=org.id, to=to, subject=kwargs.pop("subject", "Reset your password"),
        template="password_reset", context={**CONTEXT, **kwargs},
    )


def test_message_is_written_in_the_callers_transaction(db, buyer):
    db.commit()
    nested = db.begin_nested()
    _queue(db, buyer)
    nested.rollback()  # the change that caused it failed: no message either
    assert db.scalar(select(func.count(OutboxMessage.id))) == 0
    message = _queue(db, buyer)
    db.commit()
    assert message.status == "pending" and message.attempts == 0 and message.sent_at is None
    assert "http://localhost/r/abc" in message.body_text
    assert message.template == "password_reset"


def test_pending_messages_arrive_as_multipart_text_and_html(app, db, buyer, smtp):
    message = _queue(db, buyer)
    db.commit()
    assert deliver_pending(db, app.config) == 1
    (received,) = smtp.wait_for(1)
    assert received["To"] == "amara@example.org"
    assert received["Subject"] == "Reset your password"
    assert received["From"] == "Tierlight <tierlight@test.example>"
    assert received.get_content_type() == "multipart/alternative"
    assert "http://localhost/r/abc" in text_of(received)
    assert 'href="http://localhost/r/abc"' in html_of(received)
    db.refresh(message)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at is not None
    assert message.last_error is None
    assert deliver_pending(db, app.config) == 0  # nothing sent twice
    assert len(smtp.messages) == 1
    assert db.scalar(select(ActivityEntry.id).where(ActivityEntry.action == "mail.sent"))


def test_user_text_is_escaped_in_html(db, buyer):
    message = _queue(db, buyer, name='<script>alert("x")</script>')
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in message.body_html
    assert '<script>alert("x")</script>' in message.body_text  # plain text stays plain


def test_headers_cannot_be_injected_through_the_subject(app, db, buyer, smtp):
    _queue(db, buyer, subject="Hello\r\nBcc: victim@example.org")
    db.commit()
    deliver_pending(db, app.config)
    (received,) = smtp.wait_for(1)
    assert received["Bcc"] is None
    assert smtp.envelopes[0][1] == ["amara@example.org"]


def test_templates_never_receive_a_password(db, buyer):
    with pytest.raises(ValueError, match="password"):
        queue_mail(db, org_id=buyer.id, to="a@example.org", subject="x",
                   template="password_reset", context={**CONTEXT, "password": "hunter2hunter2"})


def test_without_a_mail_server_nothing_connects_and_messages_wait(app, db, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = _queue(db, buyer)
    db.commit()
    assert deliver_pending(db, app.config) == 0
    db.refresh(message)
    assert message.status == "pending" and message.attempts == 0
    assert message.last_error == NO_SERVER_NOTE


def test_refused_messages_are_retried_with_backoff_then_fail(app, db, buyer, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.refuse = "451 4.3.0 Mailbox busy, try later"
    message = _queue(db, buyer)
    db.commit()
    assert deliver_pending(db, app.config) == 0
    db.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert "Mailbox busy" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert deliver_pending(db, app.config) == 0  # not due yet: no attempt
    db.refresh(message)
    assert message.attempts == 1
    assert deliver_one(db, app.config, message.id) is False  # the job ignores the backoff
    db.refresh(message)
    assert message.attempts == 2 and message.next_attempt_at > utcnow() + timedelta(seconds=110)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.commit()
    deliver_pending(db, app.config)
    db.refresh(message)
    assert message.status == "failed" and message.attempts == 3
    assert "Mailbox busy" in message.last_error
    assert db.scalar(select(ActivityEntry.id).where(ActivityEntry.action == "mail.failed"))
    assert smtp.messages == []


def test_an_unreachable_server_keeps_the_error(app, db, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    message = _queue(db, buyer)
    db.commit()
    assert deliver_pending(db, app.config) == 0
    db.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error


def test_deliver_one_is_idempotent(app, db, buyer, smtp):
    message = _queue(db, buyer)
    db.commit()
    assert deliver_one(db, app.config, message.id) is True
    db.commit()
    assert deliver_one(db, app.config, message.id) is False
    assert deliver_one(db, app.config, 10**9) is False
    assert len(smtp.wait_for(1)) == 1


def test_cli_send_pending(app, db, buyer, smtp):
    _queue(db, buyer)
    _queue(db, buyer, to="chen@example.org")
    db.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 message(s)." in result.output
    assert sorted(m["To"] for m in smtp.wait_for(2)) == ["amara@example.org", "chen@example.org"]


# --- the outbox for admins ---------------------------------------------------------------------


def _admin_client(app, db, org):
    from tests.conftest import login

    admin = make_user(db, org, "admin")
    db.commit()
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    return client, admin


def test_outbox_page_lists_filters_and_resends(app, db, buyer):
    client, _admin = _admin_client(app, db, buyer)
    failed = _queue(db, buyer, to="failed@example.org")
    failed.status, failed.attempts, failed.last_error = "failed", 5, "550 No such user"
    sent = _queue(db, buyer, to="sent@example.org")
    sent.status, sent.sent_at = "sent", utcnow()
    other = make_org(db, "buyer")
    _queue(db, other, to="stranger@example.org")
    db.commit()
    page = client.get("/admin/outbox")
    assert page.status_code == 200
    assert "failed@example.org" in page.text and "550 No such user" in page.text
    assert "sent@example.org" in page.text and "stranger@example.org" not in page.text
    only_failed = client.get("/admin/outbox?status=failed").text
    assert "failed@example.org" in only_failed and "sent@example.org" not in only_failed
    assert "sent@example.org" in client.get("/admin/outbox?q=SENT@").text

    from tests.conftest import csrf_from

    token = csrf_from(page.text)
    assert client.post(f"/admin/outbox/{failed.id}/resend",
                       data={"csrf_token": token}).status_code == 302
    db.refresh(failed)
    assert failed.status == "pending" and failed.attempts == 0 and failed.last_error is None
    assert client.post(f"/admin/outbox/{failed.id}/resend",
                       data={"csrf_token": token}).status_code == 409
    client.post(f"/admin/outbox/{sent.id}/resend", data={"csrf_token": token})
    copies = db.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == "sent@example.org")).all()
    assert sorted(m.status for m in copies) == ["pending", "sent"]
    assert db.scalar(select(func.count(ActivityEntry.id))
                     .where(ActivityEntry.action == "mail.resent")) == 2


def test_outbox_is_for_admins_only(app, db, buyer, logged_in):
    assert logged_in.get("/admin/outbox").status_code == 403  # compliance


def test_outbox_api(app, db, buyer):
    from tests.conftest import token_for

    admin = make_user(db, buyer, "admin")
    message = _queue(db, buyer)
    _queue(db, make_org(db, "buyer"), to="stranger@example.org")
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    body = app.test_client().get("/api/v1/outbox", headers=headers).json
    assert body["total"] == 1 and body["page"] == 1
    (item,) = body["items"]
    assert {"id", "to", "subject", "status", "created_at", "sent_at", "error"} <= set(item)
    assert item["id"] == message.id and item["to"] == "amara@example.org"
    assert item["status"] == "pending" and item["sent_at"] is None and item["error"] is None
    assert "body_text" not in item and "link" not in str(item)
    bad = app.test_client().get("/api/v1/outbox?status=lost", headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["field"] == "status"
    compliance = make_user(db, buyer, "compliance")
    db.commit()
    refused = app.test_client().get(
        "/api/v1/outbox", headers=token_for(app.test_client(), compliance.email))
    assert refused.status_code == 403
