"""Demo statements: Northwind's UK statement for the last twelve months, filed (so the UK
regulator's registry has something to read), and its Australian statement for the same
period, drafted from the same evidence with criteria still to complete; and the period's
due-diligence report, queued. Idempotent."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.models import ReportFile, Statement
from reports.services import reports as report_services
from reports.services import statements as services


def _period(today: date) -> tuple[date, date]:
    """The twelve months that ended with the last month (the demo's records are recent)."""
    end = today.replace(day=1) - timedelta(days=1)
    start = date(end.year - 1, end.month, 1) + timedelta(days=31)
    return start.replace(day=1), end

MARKER = re.compile(r"\[To complete:[^\]]*\]")
# What a compliance team writes where the data cannot speak, by a word of the section's key.
WRITTEN = {
    "structure": "Northwind Apparel Ltd is a private company registered in England and Wales "
                 "(company number 04829117) that designs and sells clothing and footwear "
                 "through 38 stores and online. It employs 1,240 people in the United Kingdom "
                 "and buys finished goods from factories in Asia and Europe.",
    "entity": "Northwind Apparel Ltd (ABN 51 824 753 556), registered office Level 9, 60 "
              "Collins Street, Melbourne; it owns no other entity.",
    "effective": "The board's audit and risk committee reviews these indicators every quarter; "
                 "for 2026 we aim to have every tier-1 supplier answer the recruitment "
                 "questionnaire and every fee owed repaid.",
    "polic": "Our Supplier Code of Conduct, updated in March 2025, prohibits forced, bonded and "
             "child labour, the retention of identity documents and any recruitment fee "
             "charged to workers (the Employer Pays Principle). Every tier-1 supplier signs it "
             "as a condition of doing business, and it is part of our purchasing terms.",
    "train": "In 2025, 46 buyers, merchandisers and sourcing managers completed a two-hour "
             "course on forced-labour indicators and responsible recruitment, and our "
             "compliance team trained the management of 12 tier-1 factories in Viet Nam and "
             "Bangladesh on fee-free recruitment.",
    "consult": "Northwind Apparel Ltd owns and controls no other entity; the statement was "
               "prepared by the compliance team with the sourcing and legal departments.",
    "remediat": "Where fees were found, we required the recruiter and the supplier to repay "
                "them to the workers within 90 days, verified by our auditor.",
    "income": "No child labour was found in our supply chain in the period; were it found, we "
              "would fund the child's schooling and replace the lost income of the family.",
    "other": "We will publish our progress against these commitments each year.",
}


def _written(key: str) -> str:
    for word, text in WRITTEN.items():
        if word in key:
            return text
    return WRITTEN["other"]


def _complete(sections: dict[str, str]) -> dict[str, str]:
    return {key: MARKER.sub(_written(key), text) for key, text in sections.items()}


def seed(session: Session, orgs: dict) -> None:
    buyer = orgs.get("buyer")
    if buyer is None:
        return
    start, end = _period(date.today())
    existing = set(session.scalars(select(Statement.framework).where(
        Statement.org_id == buyer.id)))
    if "uk_msa" not in existing:
        uk = services.create_statement(session, org=buyer, actor=None, framework="uk_msa",
                                       period_start=start, period_end=end)
        services.update_statement(session, statement=uk, actor=None, changes={
            "sections": _complete(uk.sections),
            "approved_by": "The Board of Directors of Northwind Apparel Ltd",
            "approval_date": min(date.today(), end + timedelta(days=10)),
            "signatory": "Amara Okafor", "signatory_role": "Director"})
        services.file_statement(session, statement=uk, actor=None, company=buyer.name)
    if "au_msa" not in existing:
        au = services.create_statement(session, org=buyer, actor=None, framework="au_msa",
                                       period_start=start, period_end=end)
        # Left for the newcomer: the consultation criterion and the approval are to complete.
        keys = list(au.sections)
        done = {k: MARKER.sub(_written(k), v) for k, v in au.sections.items()
                if "consult" not in k}
        services.update_statement(session, statement=au, actor=None,
                                  changes={"sections": {k: done.get(k, au.sections[k])
                                                        for k in keys}})

    # The due-diligence report of the same period, as PDF and XLSX: queued, so the job worker
    # of `make run` makes them (the reports page shows their progress, then the files).
    if session.scalar(select(ReportFile.id).where(ReportFile.org_id == buyer.id)) is None:
        for fmt in ("pdf", "xlsx"):
            report_services.request_report(session, org=buyer, actor=None, fmt=fmt,
                                           period_start=start, period_end=end)
