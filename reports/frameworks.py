"""The statement frameworks: what each statute asks a statement to cover, and who approves it.

A pure module (no Flask, no session). Each `Framework` names its sections in the statute's
order with the paragraph they answer, one or two sentences of guidance on what a regulator
looks for there, and the criteria the completeness check (reports/completeness.py) marks as
covered or missing; `approval` holds the statute's approval and signature requirements, each
naming the approval fields (approved_by, approval_date, signatory, signatory_role) it needs.

Sources: Modern Slavery Act 2015 (UK) s.54; Modern Slavery Act 2018 (Cth) ss.13, 16;
Fighting Against Forced Labour and Child Labour in Supply Chains Act, S.C. 2023, c. 9, s.11.
"""

from __future__ import annotations

from dataclasses import dataclass

APPROVAL_FIELDS = ("approved_by", "approval_date", "signatory", "signatory_role")


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    reference: str
    requirement: str
    # approval criteria: the approval fields that must be filled for it to be met
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    reference: str
    guidance: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    short_name: str
    jurisdiction: str
    statute: str
    sections: tuple[Section, ...]
    approval: tuple[Criterion, ...]

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


def _section(key: str, title: str, reference: str, requirement: str, guidance: str) -> Section:
    """A section answering one paragraph of the statute: one criterion, the paragraph itself."""
    return Section(key, title, reference, guidance,
                   (Criterion(key, title, reference, requirement),))


UK_MSA = Framework(
    key="uk_msa",
    name="Slavery and human trafficking statement (Modern Slavery Act 2015, section 54)",
    short_name="UK Modern Slavery Act",
    jurisdiction="UK",
    statute="Modern Slavery Act 2015, s.54",
    sections=(
        _section("structure", "Structure, business and supply chains", "s.54(5)(a)",
                 "The organisation's structure, its business and its supply chains.",
                 "Say what the organisation does, where it operates and how its supply chains "
                 "are made up (tiers, countries, labour providers), so a reader can judge where "
                 "exploitation could arise."),
        _section("policies", "Policies in relation to slavery and human trafficking",
                 "s.54(5)(b)", "Its policies in relation to slavery and human trafficking.",
                 "Name the policies in force (supplier code, recruitment and Employer Pays "
                 "commitments, whistleblowing), who owns them and how suppliers are bound by "
                 "them; the Home Office guidance asks for the policies, not just their titles."),
        _section("due_diligence", "Due diligence processes", "s.54(5)(c)",
                 "Its due diligence processes in relation to slavery and human trafficking in "
                 "its business and supply chains.",
                 "Describe the steps actually taken in the year (questionnaires, audits, "
                 "supplier engagement) and how far down the supply chain they reached."),
        _section("risk", "Risk assessment and management", "s.54(5)(d)",
                 "The parts of its business and supply chains where there is a risk of slavery "
                 "and human trafficking taking place, and the steps it has taken to assess and "
                 "manage that risk.",
                 "Name the high-risk parts (countries, goods, recruitment) with the method used "
                 "to find them, and what was done about each, including what was found."),
        _section("effectiveness", "Effectiveness and performance indicators", "s.54(5)(e)",
                 "Its effectiveness in ensuring that slavery and human trafficking is not "
                 "taking place in its business or supply chains, measured against such "
                 "performance indicators as it considers appropriate.",
                 "Give measurable indicators with this year's figures (coverage, remediation "
                 "closed, fees repaid) and, where possible, last year's for comparison."),
        _section("training", "Training", "s.54(5)(f)",
                 "The training about slavery and human trafficking available to its staff.",
                 "Say who was trained (roles, numbers or share of staff), on what, and whether "
                 "suppliers or recruiters were trained too."),
    ),
    approval=(
        Criterion("board_approval", "Approved by the board", "s.54(6)(a)",
                  "Approved by the board of directors (or equivalent management body).",
                  ("approved_by", "approval_date")),
        Criterion("director_signature", "Signed by a director", "s.54(6)(a)",
                  "Signed by a director (or equivalent).", ("signatory", "signatory_role")),
    ),
)

AU_MSA = Framework(
    key="au_msa",
    name="Modern slavery statement (Modern Slavery Act 2018 (Cth), section 16)",
    short_name="Australian Modern Slavery Act",
    jurisdiction="AU",
    statute="Modern Slavery Act 2018 (Cth), s.16(1)",
    sections=(
        _section("entity", "The reporting entity", "s.16(1)(a)",
                 "Identify the reporting entity.",
                 "Give the entity's legal name, ABN and registered office, and for a joint "
                 "statement every entity it covers."),
        _section("structure", "Structure, operations and supply chains", "s.16(1)(b)",
                 "Describe the structure, operations and supply chains of the reporting "
                 "entity.",
                 "Cover the corporate structure, what the entity does and where, and the make-up "
                 "of its supply chains beyond direct suppliers where known."),
        _section("risks", "Risks of modern slavery practices", "s.16(1)(c)",
                 "Describe the risks of modern slavery practices in the operations and supply "
                 "chains of the reporting entity, and any entities that it owns or controls.",
                 "Describe the risks to people (not to the business): which countries, goods, "
                 "sectors and recruitment channels, and how they were identified."),
        _section("actions", "Actions to assess and address risks", "s.16(1)(d)",
                 "Describe the actions taken by the reporting entity and any entity that it "
                 "owns or controls to assess and address those risks, including due diligence "
                 "and remediation processes.",
                 "Say what was done in the period (due diligence steps, audits, corrective "
                 "actions, remediation for workers) and its results, not only what is planned."),
        _section("effectiveness", "Assessing effectiveness", "s.16(1)(e)",
                 "Describe how the reporting entity assesses the effectiveness of such actions.",
                 "Explain how effectiveness is measured and reviewed (indicators, who reviews "
                 "them, how often) and what the figures for the period show."),
        _section("consultation", "Consultation with owned or controlled entities",
                 "s.16(1)(f)",
                 "Describe the process of consultation with any entities that the reporting "
                 "entity owns or controls (and, for a joint statement, the entity giving it).",
                 "Explain how each owned or controlled entity was consulted in preparing the "
                 "statement; if there are none, say so."),
        _section("other", "Other relevant information", "s.16(1)(g)",
                 "Include any other information that the reporting entity considers relevant.",
                 "Add anything else a reader needs, such as the method and data sources behind "
                 "the risk assessment or changes since the last statement."),
    ),
    approval=(
        Criterion("governing_body_approval", "Approved by the principal governing body",
                  "s.13(2)(b)", "Approved by the principal governing body of the entity.",
                  ("approved_by", "approval_date")),
        Criterion("responsible_member_signature", "Signed by a responsible member",
                  "s.13(2)(c)", "Signed by a responsible member of the entity.",
                  ("signatory", "signatory_role")),
    ),
)

CA_S211 = Framework(
    key="ca_s211",
    name="Report under the Fighting Against Forced Labour and Child Labour in Supply Chains "
         "Act (S.C. 2023, c. 9)",
    short_name="Canada S-211",
    jurisdiction="CA",
    statute="Fighting Against Forced Labour and Child Labour in Supply Chains Act, "
            "S.C. 2023, c. 9, s.11",
    sections=(
        _section("structure", "Structure, activities and supply chains", "s.11(3)(a)",
                 "The entity's structure, activities and supply chains.",
                 "Describe the entity, its activities and where it operates, and its supply "
                 "chains: main goods, countries and the tiers that are known."),
        _section("policies", "Policies and due diligence processes", "s.11(3)(b)",
                 "Its policies and due diligence processes in relation to forced labour and "
                 "child labour.",
                 "Name the policies that address forced and child labour and describe the due "
                 "diligence steps taken in the year, such as questionnaires and audits."),
        _section("risk", "Risks of forced labour and child labour", "s.11(3)(c)",
                 "The parts of its business and supply chains that carry a risk of forced "
                 "labour or child labour being used and the steps it has taken to assess and "
                 "manage that risk.",
                 "Identify the higher-risk parts (countries, goods, recruitment) and explain "
                 "how the risk was assessed and what was done to manage it."),
        _section("remediation", "Remediation of forced labour and child labour", "s.11(3)(d)",
                 "Any measures taken to remediate any forced labour or child labour.",
                 "Describe the remediation measures taken for people affected; if none were "
                 "needed or taken, say so plainly."),
        _section("income_loss", "Remediation of loss of income", "s.11(3)(e)",
                 "Any measures taken to remediate the loss of income to the most vulnerable "
                 "families that results from any measure taken to eliminate the use of forced "
                 "labour or child labour in its activities and supply chains.",
                 "Describe measures that protect families' income when forced or child labour "
                 "is removed; if there were none, say so."),
        _section("training", "Training", "s.11(3)(f)",
                 "The training provided to employees on forced labour and child labour.",
                 "Say whether training was mandatory, who received it and what it covered."),
        _section("effectiveness", "Assessing effectiveness", "s.11(3)(g)",
                 "How the entity assesses its effectiveness in ensuring that forced labour and "
                 "child labour are not being used in its business and supply chains.",
                 "Explain the indicators and review process used to judge effectiveness, with "
                 "the period's figures."),
    ),
    approval=(
        Criterion("governing_body_approval", "Approved by the governing body", "s.11(4)",
                  "Approved by the entity's governing body (for a joint report, by the "
                  "governing body of each entity, or of a controlling entity).",
                  ("approved_by", "approval_date")),
        Criterion("attestation", "Attestation signed by a member of the governing body",
                  "s.11(6)",
                  "An attestation signed by one or more members of the governing body that "
                  "approved the report.", ("signatory", "signatory_role")),
    ),
)

FRAMEWORKS: dict[str, Framework] = {f.key: f for f in (UK_MSA, AU_MSA, CA_S211)}


def get(key: str) -> Framework:
    """The framework of `key`; KeyError for an unknown one."""
    return FRAMEWORKS[key]


def frameworks_for(jurisdiction: str | None) -> tuple[Framework, ...]:
    """The frameworks filed with a regulator of `jurisdiction` (an organisation's code)."""
    code = (jurisdiction or "").upper()
    return tuple(f for f in FRAMEWORKS.values() if f.jurisdiction == code)
