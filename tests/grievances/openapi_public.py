"""Success calls of the grievances package's public API operations: no token sent."""

from __future__ import annotations

from grievances.services import intake


def success_calls(db, user, client) -> dict:
    with client.application.app_context():  # the text is encrypted with the app's keys
        channel = intake.ensure_channel(db, org_id=user.org_id)
        grievance, secret = intake.submit(db, channel=channel, categories=["wages"],
                                          text="तीन महिनादेखि तलब दिइएको छैन।", language="ne")
        db.commit()
    pair = {"case": grievance.case_code, "secret": secret}
    return {
        ("post", "/api/v1/grievances/{intake_key}"): dict(
            headers={}, id=channel.intake_key,
            json={"categories": ["identity_documents", "recruitment_fees"],
                  "text": "The agent keeps our passports.", "language": "en",
                  "place": "Dormitory B", "contact": None}),
        ("get", "/api/v1/grievances/status"): dict(headers={}, query_string=pair),
        ("post", "/api/v1/grievances/status/reply"): dict(
            headers={}, json={**pair, "message": "धन्यवाद"}),
    }
