"""Demo grievances of Northwind Apparel, made through the services so encryption, deadlines,
moves, the activity log and the risk signal are all real.

The channel lists three workplaces (Penang Garment Industries, Al Hassan Apparel, Dhaka Denim
Works) and eight cases in the workers' own languages and scripts, in every status:
- Nepali, Penang: recruitment fees and passports held by HR, linked to Penang, investigating,
  answered in Nepali and replied to, with internal notes;
- Bengali, Al Hassan: unpaid wages and overtime, received ten days ago and never
  acknowledged (overdue);
- Burmese, a KL Workforce Solutions hostel: twelve to a room, curfew, a complainant
  threatened (retaliation flagged), investigating;
- Hindi, Tiruppur: hours and hostel curfew (resolved); Indonesian: unexplained deductions
  (closed); English, Dhaka Denim: locked floor and workers under 16 (acknowledged); Nepali,
  Himalaya Overseas Manpower: contract substitution, closed then reopened; Bengali: no
  protective equipment in a dye house (received two days ago).

Idempotent: nothing is added once the demo buyer has a case. Times are moved into the past
so the deadlines and the effectiveness page have a history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow
from grievances.models import Grievance
from grievances.services import cases, intake
from grievances.services import channel as channels
from grievances.states import deadlines
from suppliers.models import Supplier

LANGUAGES = ["en", "ne", "bn", "my", "hi", "id"]
WORKPLACES = (
    ("T1-MY-03", "Penang Garment (Prai factory, Jalan Perusahaan Baru)"),
    ("T1-JO-04", "Al Hassan Apparel, Al Hassan Industrial Estate, Irbid"),
    ("T1-BD-02", "Dhaka Denim Works (Gazipur)"),
)
STAMPS = ("acknowledged_at", "answered_at", "resolved_at", "closed_at")


@dataclass(frozen=True)
class Case:
    days_ago: float
    language: str
    categories: list[str]
    text: str
    listed: str | None = None      # a listed workplace chosen by the reporter
    place: str | None = None       # or a place typed
    contact: str | None = None
    # (days after receipt, kind, value): message, reply, note, move, link, retaliation
    events: list[tuple[float, str, Any]] = field(default_factory=list)


CASES = (
    Case(24, "ne", ["recruitment_fees", "identity_documents"],
         "म पेनाङको कारखानामा सिलाइ लाइनमा काम गर्छु। काठमाडौंको म्यानपावर एजेन्टलाई मैले "
         "जागिरका लागि एक लाख पचास हजार रुपैयाँ तिरें र त्यसका लागि गाउँमा ऋण लिएँ। यहाँ "
         "आइपुगेपछि एचआर कार्यालयले हाम्रो राहदानी राख्यो र माग्दा पनि फिर्ता दिएको छैन। "
         "हामी ४० जनाभन्दा बढी नेपाली कामदारको यही अवस्था छ।", listed="T1-MY-03",
         events=[(2, "message", "तपाईंको उजुरी हामीलाई प्राप्त भयो, धन्यवाद। हामी तपाईंको नाम "
                               "नलिई कारखानासँग कुरा गर्दैछौं र सबै राहदानी फिर्ता गर्न माग "
                               "गरेका छौं।"),
                 (3, "note", "Matches SMETA finding PG-01 (passports in the HR safe). Do not "
                             "name the sewing line to the factory: few Nepali workers there."),
                 (4, "move", "investigating"),
                 (9, "reply", "धन्यवाद। आज केही साथीहरूले राहदानी फिर्ता पाए, तर शुल्कको "
                              "बारेमा अझै कसैले केही भनेको छैन।"),
                 (10, "message", "Thank you for telling us. The factory has agreed to repay the "
                                 "recruitment fees in full; we will tell you the dates here."),
                 (11, "note", "Fee repayment tracked in the ledger (two cohorts). Ask Veritas "
                              "to confirm with workers off-site.")]),
    Case(10, "bn", ["wages", "hours"],
         "আমরা তিন মাস ধরে পুরো বেতন পাইনি। ওভারটাইমের টাকা দেওয়া হয় না, আর সপ্তাহে ছয় দিন "
         "দিনে বারো ঘণ্টা কাজ করতে হয়। অভিযোগ করলে সুপারভাইজার বলে দেশে ফেরত পাঠিয়ে দেবে।",
         listed="T1-JO-04"),
    Case(12, "my", ["living_conditions", "movement"],
         "ကျွန်တော်တို့ အဆောင်မှာ အခန်းတစ်ခန်းထဲ လူဆယ့်နှစ်ယောက် နေရပါတယ်။ ညဘက် အပြင်ထွက်ခွင့် "
         "မပေးပါဘူး။ ပြီးခဲ့တဲ့အပတ်က တိုင်ကြားခဲ့တဲ့ သူငယ်ချင်းကို ကြီးကြပ်ရေးမှူးက "
         "ခြိမ်းခြောက်ခဲ့ပါတယ်။", place="Workers' hostel of KL Workforce Solutions, Prai",
         events=[(1, "link", "RA-MY-23"), (1, "retaliation", True),
                 (1, "message", "We received your report. Your safety comes first: we will not "
                                "share anything that could identify you or your friend."),
                 (2, "move", "investigating"),
                 (2, "note", "Retaliation: raise with KL Workforce's director only after the "
                             "unannounced hostel visit. Interpreter booked for Burmese.")]),
    Case(45, "hi", ["hours", "movement"],
         "हमें हर दिन रात दस बजे तक रोका जाता है और ओवरटाइम का पैसा नहीं मिलता। छात्रावास से "
         "बाहर जाने के लिए वार्डन की अनुमति चाहिए, और महीने में सिर्फ़ एक बार घर वालों से "
         "मिलने दिया जाता है।", place="Tiruppur, knitting unit hostel",
         events=[(1, "link", "T2-IN-11"), (1, "move", "acknowledged"),
                 (3, "message", "Thank you. We are asking the mill to pay all overtime and to "
                                "end the hostel curfew."),
                 (5, "move", "investigating"),
                 (14, "reply", "अब छात्रावास का दरवाज़ा खुला रहता है और पिछले महीने का ओवरटाइम "
                               "मिल गया। धन्यवाद।"),
                 (16, "move", "resolved")]),
    Case(60, "id", ["wages", "recruitment_fees"],
         "Gaji kami dipotong setiap bulan untuk biaya asrama dan \"biaya agen\" yang tidak "
         "pernah dijelaskan. Slip gaji tidak diberikan. Saya tidak tahu berapa sisa utang saya.",
         place="Asrama pekerja di Prai, Penang",
         events=[(2, "message", "Terima kasih atas laporan Anda. We will ask the employer for "
                                "every payslip and the basis of each deduction."),
                 (6, "move", "investigating"),
                 (15, "reply", "Sekarang kami menerima slip gaji, dan potongan agen dihentikan."),
                 (17, "move", "resolved"), (30, "move", "closed")]),
    Case(9, "en", ["hours", "child_labour", "movement"],
         "I am a sewing operator on line 7. Since the new production manager came, the floor "
         "is locked during the night shift and we may use the toilet only twice. Some girls "
         "on our line look under 16 and work the same hours as us.", listed="T1-BD-02",
         contact="Leave a message at the tea stall by the east gate, ask for 'R'",
         events=[(1, "message", "Thank you for reporting this. We take locked exits and child "
                                "labour very seriously and will act without naming you."),
                 (2, "note", "Fire-safety risk: escalate to sourcing director today. Age "
                             "verification to be part of the unannounced visit.")]),
    Case(80, "ne", ["recruitment_fees", "wages"],
         "एजेन्टले भनेको तलब र यहाँको तलब फरक छ। सम्झौतामा १५०० रिंगिट लेखिएको थियो तर हामीलाई "
         "९०० मात्र दिइन्छ। शुल्क फिर्ता गर्ने कुरा पनि पूरा भएन।",
         place="Himalaya Overseas Manpower, Kathmandu office",
         events=[(1, "link", "RA-NP-20"),
                 (3, "message", "हामीलाई तपाईंको उजुरी प्राप्त भयो। We are checking the "
                                "contracts the agency signed."),
                 (5, "move", "investigating"), (20, "move", "resolved"),
                 (35, "move", "closed"),
                 (50, "reply", "फेरि उही समस्या भयो: यो महिना पनि ९०० मात्र।"),
                 (51, "move", "investigating"),
                 (52, "note", "Reopened: contract substitution again. Check the employer's "
                              "payroll against the contracts signed in Kathmandu.")]),
    Case(2, "bn", ["other"],
         "ডাইং সেকশনে কোনো মাস্ক বা গ্লাভস দেওয়া হয় না। রাসায়নিকের কারণে অনেকের হাতে ঘা "
         "হয়েছে।", place="Narayanganj dyeing factory, Fatullah"),
)


def _stamp(grievance: Grievance, before: dict[str, datetime | None], at: datetime) -> None:
    """Move the times a service just set back to the event's moment."""
    for name in STAMPS:
        value = getattr(grievance, name)
        if value is not None and value != before[name]:
            setattr(grievance, name, at)


def _play(session: Session, grievance: Grievance, case: Case, received: datetime,
          compliance: User, sites: dict[str, Supplier]) -> None:
    for offset, kind, value in case.events:
        at = received + timedelta(days=offset, hours=3)
        before = {name: getattr(grievance, name) for name in STAMPS}
        made = None
        if kind == "message":
            made = cases.send_message(session, grievance, actor=compliance, body=value)
        elif kind == "reply":
            made = intake.reporter_reply(session, grievance, value)
        elif kind == "note":
            made = cases.add_note(session, grievance, actor=compliance, body=value)
        elif kind == "move":
            cases.transition(session, grievance, to=value, actor=compliance)
        elif kind == "link":
            cases.link_supplier(session, grievance, actor=compliance,
                                supplier_id=sites[value].id)
        elif kind == "retaliation":
            cases.set_retaliation(session, grievance, actor=compliance, flag=value)
        if made is not None:
            made.created_at = at
        _stamp(grievance, before, at)
        session.flush()


def seed(session: Session, orgs: dict) -> None:
    buyer = orgs.get("buyer")
    if buyer is None:
        return
    if session.scalar(select(Grievance.id).where(Grievance.org_id == buyer.id).limit(1)):
        return
    compliance = session.scalar(select(User).where(
        User.org_id == buyer.id, User.role == "compliance").order_by(User.id))
    sites = {s.external_id: s for s in session.scalars(select(Supplier).where(
        Supplier.org_id == buyer.id, Supplier.archived_at.is_(None)))}
    needed = {key for key, _ in WORKPLACES} | {"RA-MY-23", "T2-IN-11", "RA-NP-20"}
    if compliance is None or not needed <= set(sites):
        return
    channel = intake.ensure_channel(session, org_id=buyer.id)
    channels.set_languages(session, channel, actor=compliance, languages=LANGUAGES)
    for key, public_name in WORKPLACES:
        channels.add_workplace(session, channel, actor=compliance, supplier_id=sites[key].id,
                               public_name=public_name)
    now = utcnow()
    for case in CASES:
        grievance, _secret = intake.submit(
            session, channel=channel, categories=case.categories, text=case.text,
            language=case.language, place=case.place, contact=case.contact,
            supplier_id=sites[case.listed].id if case.listed else None)
        received = now - timedelta(days=case.days_ago)
        grievance.received_at = received
        grievance.acknowledge_due_on, grievance.answer_due_on = deadlines(received.date())
        session.flush()
        _play(session, grievance, case, received, compliance, sites)
    session.flush()
