"""The starting text of a statement's sections, written from the facts of its period.

A pure module (no Flask, no session). `draft` reads only the evidence base (FACTS.md shape):
two frameworks drafted for one period say the same things because they read the same facts,
never each other's text. Where data cannot say it (policies, training, consultation,
governance) the draft holds a `[To complete: ...]` marker, which the completeness check counts
as missing. Facts may be empty, sparse or malformed: every read below falls back to zero or to
nothing, so a new company's draft still reads as sentences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from reports.frameworks import FRAMEWORKS

MARKER = "[To complete: {}]"


def todo(what: str) -> str:
    return MARKER.format(what)


class Facts:
    """Defensive reads of a facts dict: numbers, lists of dicts and text, never an exception."""

    def __init__(self, facts: Any) -> None:
        self.raw = facts if isinstance(facts, dict) else {}

    def n(self, key: str) -> float:
        figures = self.raw.get("figures")
        entry = figures.get(key) if isinstance(figures, dict) else None
        value = entry.get("value") if isinstance(entry, dict) else entry
        return _number(value)

    def rows(self, name: str) -> list[dict[str, Any]]:
        lists = self.raw.get("lists")
        found = lists.get(name) if isinstance(lists, dict) else None
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        return _clean(value) if isinstance(value, str | int | float) else ""

    def period(self) -> str:
        period = self.raw.get("period")
        if not isinstance(period, dict):
            return ""
        start, end = _day(period.get("start")), _day(period.get("end"))
        return f"{start} to {end}" if start and end else ""


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return value if math.isfinite(value) else 0


def _clean(value: Any, limit: int = 120) -> str:
    """Text from the facts for a sentence: one line, no NULs or markers' brackets, bounded."""
    try:
        raw = str(value)[: limit * 4]
    except ValueError:  # an int too long to print
        return ""
    text = " ".join(raw.replace("\x00", "").split())
    return text.replace("[", "(").replace("]", ")")[:limit]


def _day(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return f"{day.day} {day:%B %Y}"


def num(value: float) -> str:
    """12,345 for whole numbers, 12,345.5 otherwise."""
    value = _number(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def plural(count: float, one: str, many: str | None = None) -> str:
    return f"{num(count)} {one if count == 1 else (many or one + 's')}"


def joined(items: Iterable[str], last: str = "and") -> str:
    words = [w for w in items if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def money(amount: Any, currency: str) -> str:
    return f"{currency} {_number(amount):,.2f}"


# --- the paragraphs, one function per subject; each returns a list of paragraphs -------------

def structure(f: Facts, company: str) -> list[str]:
    total, tier1 = f.n("suppliers.total"), f.n("suppliers.tier1")
    if not total:
        first = (f"{company} has not yet recorded any suppliers in Tierlight, so this "
                 "statement cannot yet describe its supply chains from records.")
    else:
        first = (f"{company} has mapped {plural(total, 'supplier')} in "
                 f"{plural(f.n('suppliers.countries'), 'country', 'countries')}: "
                 f"{num(tier1)} direct (tier 1) and {num(f.n('suppliers.deeper'))} further "
                 "upstream (tier 2 and beyond)")
        unconnected = f.n("suppliers.unconnected")
        first += (f", with {num(unconnected)} not yet linked to a chain that reaches us."
                  if unconnected else ".")
        links, labour = f.n("relationships.total"), f.n("relationships.labour")
        if links:
            first += (f" The map holds {plural(links, 'supply relationship')}, "
                      f"{num(labour)} of them the supply of workers by labour providers.")
    paragraphs = [first]
    countries = [f"{_clean(r.get('name') or r.get('country'), 60)} ({num(_number(r.get('count')))})"
                 for r in f.rows("suppliers_by_country")[:8] if r.get("name") or r.get("country")]
    if countries:
        paragraphs.append(f"Our suppliers are mainly in {joined(countries)}.")
    kinds = [f"{_clean(r.get('label') or r.get('kind'), 60).lower()} "
             f"({num(_number(r.get('count')))})"
             for r in f.rows("suppliers_by_kind")[:6] if _number(r.get("count"))]
    if kinds:
        paragraphs.append(f"By kind: {joined(kinds)}.")
    workers, migrant = f.n("workers.total"), f.n("workers.migrant")
    recruiters = f.n("suppliers.recruiters")
    if workers or recruiters:
        text = (f"Our suppliers report {plural(workers, 'worker')}, of whom {num(migrant)} are "
                "migrant workers." if workers else "")
        if recruiters:
            names = [_clean(r.get("name"), 80) for r in f.rows("recruiters")[:5]]
            who = plural(recruiters, "recruitment agency or labour provider",
                         "recruitment agencies and labour providers")
            text += (f" {who} supply workers into our chains"
                     + (f", among them {joined(names)}." if any(names) else "."))
        paragraphs.append(text.strip())
    return paragraphs


def due_diligence(f: Facts) -> list[str]:
    sent, submitted = f.n("questionnaires.sent"), f.n("questionnaires.submitted")
    coverage = f.n("questionnaires.tier1_coverage")
    if sent:
        text = (f"In the period we sent {plural(sent, 'questionnaire')} on recruitment and "
                f"labour practices to suppliers; {num(submitted)} were answered, and "
                f"{num(coverage)}% of our direct suppliers have answered one.")
    else:
        text = "We sent no supplier questionnaires in the period."
    by_template = [f"{_clean(r.get('title') or r.get('template'), 80)} "
                   f"({num(_number(r.get('sent')))} sent, "
                   f"{num(_number(r.get('submitted')))} answered)"
                   for r in f.rows("questionnaires")[:4] if _number(r.get("sent"))]
    if by_template:
        text += f" By questionnaire: {joined(by_template)}."
    audits, accepted = f.n("audits.in_period"), f.n("audits.accepted")
    if audits:
        audit = (f"{plural(audits, 'social audit')} of suppliers took place in the period, "
                 f"{num(accepted)} of them reviewed and accepted.")
    else:
        audit = "No supplier audits took place in the period."
    scored = f.n("risk.scored")
    method = f.text("method_version")
    scored_text = (f"{plural(scored, 'supplier')} {'was' if scored == 1 else 'were'} scored"
                   if scored else "none has been scored yet")
    risk = ("Every mapped supplier is scored for forced-labour risk from its country, goods, "
            "kind and workforce, questionnaire answers, audit findings and recruitment fees; "
            f"{scored_text}" + (f" (method version {method})." if method else "."))
    return [text, audit, risk]


# The risk factors by code (risk/factors.py), as a reader would name the kind of driver.
DRIVERS = {
    "country_tip": "the trafficking record of their country (US TIP report)",
    "country_prevalence": "the prevalence of modern slavery in their country",
    "country_vulnerability": "the vulnerability of workers in their country",
    "country_rights": "weak protection of labour rights in their country",
    "goods": "goods on international forced-labour lists",
    "profile_intermediary": "labour intermediaries in the chain",
    "profile_migrants": "a large share of migrant workers",
    "questionnaire_missing": "questionnaires not yet answered",
    "questionnaire_signals": "questionnaire answers pointing to forced-labour indicators",
    "audit_findings": "open audit findings",
    "recruitment_fees": "recruitment fees paid by workers",
    "grievances": "worker grievances",
}


def risks(f: Facts) -> list[str]:
    scored, high, critical = f.n("risk.scored"), f.n("risk.high"), f.n("risk.critical")
    if scored:
        text = (f"Of {plural(scored, 'scored supplier')}, {num(high)} are at high or critical "
                f"risk of forced labour ({num(critical)} critical).")
    else:
        text = "No supplier has been scored for risk yet."
    paragraphs = [text]
    countries = [_clean(r.get("name") or r.get("country"), 60)
                 for r in f.rows("high_risk_countries")[:10]]
    if any(countries):
        paragraphs.append(f"The higher-risk countries in our supply chains are "
                          f"{joined(countries)}.")
    goods = [_clean(r.get("good"), 60) + (f" ({plural(_number(r.get('suppliers')), 'supplier')})"
                                          if _number(r.get("suppliers")) else "")
             for r in f.rows("high_risk_goods")[:10] if r.get("good")]
    if goods:
        paragraphs.append("Goods we source that international lists associate with forced or "
                          f"child labour: {joined(goods)}.")
    factors: dict[str, float] = {}
    for row in f.rows("top_risks"):
        found = row.get("factors")
        for factor in found if isinstance(found, list) else []:
            if isinstance(factor, dict) and (factor.get("code") or factor.get("label")):
                # by kind of factor: a factor's own label names one supplier's country, etc.
                label = DRIVERS.get(str(factor.get("code")), "") or \
                    _clean(factor.get("label"), 80).lower()
                factors[label] = factors.get(label, 0) + 1
    if factors:
        common = sorted(factors, key=lambda k: -factors[k])[:4]
        paragraphs.append(f"Among our highest-risk suppliers the main drivers are "
                          f"{joined(common)}.")
    recruiters = f.n("suppliers.recruiters")
    if recruiters:
        paragraphs.append("Recruitment of migrant workers through agencies is a risk we track "
                          f"separately: {plural(recruiters, 'recruiter')} are mapped with the "
                          "workplaces they supply.")
    paragraphs += findings(f)
    return paragraphs


def findings(f: Facts) -> list[str]:
    total = f.n("findings.total")
    if not total:
        return ["The audits of the period raised no findings." if f.n("audits.in_period")
                else "There were no audit findings in the period."]
    indicators = [f"{_clean(r.get('label') or r.get('code'), 60).lower()} "
                  f"({num(_number(r.get('count')))})"
                  for r in f.rows("findings_by_indicator") if _number(r.get("count"))]
    text = (f"Audits in the period raised {plural(total, 'finding')}, "
            f"{num(f.n('findings.critical'))} of them critical; "
            f"{num(f.n('findings.forced_labour'))} point to ILO indicators of "
            "forced labour")
    return [text + (f": {joined(indicators)}." if indicators else ".")]


def remediation(f: Facts) -> list[str]:
    open_, overdue, verified = f.n("actions.open"), f.n("actions.overdue"), f.n("actions.verified")
    if open_ or verified:
        text = (f"{plural(verified, 'corrective action')} {'was' if verified == 1 else 'were'} "
                f"verified as completed in the period; {num(open_)} remain open, "
                f"{num(overdue)} of them past their due date.")
    else:
        text = "No corrective actions were open or completed in the period."
    paragraphs = [text]
    fees = []
    for row in f.rows("fees_by_currency"):
        currency = _clean(row.get("currency"), 3) or "?"
        repaid = _number(row.get("repaid")) + _number(row.get("confirmed"))
        fees.append(f"{money(repaid, currency)} of {money(row.get('owed'), currency)} owed "
                    f"to {plural(_number(row.get('workers')), 'worker')}")
    if fees:
        paragraphs.append("Under the Employer Pays Principle, recruitment fees paid by workers "
                          f"are being repaid: {joined(fees)}. "
                          f"{plural(f.n('fees.workers_repaid'), 'worker')} "
                          f"{'has' if f.n('fees.workers_repaid') == 1 else 'have'} been repaid "
                          f"in full and {num(f.n('fees.workers_owed'))} are still owed fees.")
    else:
        paragraphs.append("No recruitment fees paid by workers were recorded in the period.")
    return paragraphs


def indicators(f: Facts) -> list[str]:
    rows = [("direct suppliers that have answered a questionnaire",
             f"{num(f.n('questionnaires.tier1_coverage'))}%"),
            ("audits in the period", num(f.n("audits.in_period"))),
            ("corrective actions verified", num(f.n("actions.verified"))),
            ("corrective actions overdue", num(f.n("actions.overdue"))),
            ("workers repaid recruitment fees", num(f.n("fees.workers_repaid"))),
            ("suppliers at high or critical risk", num(f.n("risk.high")))]
    return ["We measure our effectiveness with these indicators, each traceable to the records "
            "behind it: " + joined(f"{label}: {value}" for label, value in rows) + "."]


def method(f: Facts) -> list[str]:
    editions = [_clean(r.get("title") or r.get("dataset"), 80)
                + (f" ({_clean(r.get('edition'), 40)})" if r.get("edition") else "")
                for r in f.rows("editions")[:8]]
    version = f.text("method_version")
    text = ("The figures in this statement come from Tierlight's records of our suppliers, "
            "questionnaires, audits, corrective actions and recruitment-fee ledger"
            + (f", with risk scored by method version {version}" if version else "") + ".")
    if any(editions):
        text += f" Reference data used: {joined(editions)}."
    return [text]


# --- per framework: which subjects make which section, and which figures sit beside it -----

_STRUCTURE = ("suppliers.total", "suppliers.tier1", "suppliers.deeper", "suppliers.countries",
              "suppliers.recruiters", "relationships.labour", "workers.total", "workers.migrant")
_DILIGENCE = ("questionnaires.sent", "questionnaires.submitted",
              "questionnaires.tier1_coverage", "audits.in_period", "audits.accepted",
              "risk.scored")
_RISK = ("risk.scored", "risk.high", "risk.critical", "risk.high_risk_countries",
         "suppliers.recruiters", "findings.total", "findings.forced_labour")
_REMEDY = ("findings.forced_labour", "actions.open", "actions.overdue", "actions.verified",
           "fees.workers_owed", "fees.workers_repaid")
_KPI = ("questionnaires.tier1_coverage", "audits.in_period", "actions.verified",
        "actions.overdue", "fees.workers_repaid", "risk.high")

Writer = Callable[[Facts, str], list[str]]


def _todo(what: str) -> Writer:
    return lambda f, company: [todo(what)]


def _with(*parts: Writer) -> Writer:
    return lambda f, company: [p for part in parts for p in part(f, company)]


def _entity(f: Facts, company: str) -> list[str]:
    period = f.period()
    return [f"This statement is made by {company}"
            + (f" for the reporting period {period}." if period else "."),
            todo("the entity's ABN and registered office, and any entities it owns or "
                 "controls that this statement covers")]


def _S(subject: Callable[[Facts], list[str]]) -> Writer:
    """A subject that needs no company name."""
    return lambda f, company: subject(f)


_STRUCT: Writer = structure
_GOVERNANCE = _todo("the corporate structure and governance: the legal entity, its sector, "
                    "where it operates and how many people it employs")
_POLICIES = _todo("the policies in force on forced labour and modern slavery (supplier code of "
                  "conduct, recruitment and Employer Pays commitments, grievance channel), who "
                  "approved them and how suppliers are bound by them")
_TRAINING = _todo("the training on forced labour given to staff in the period: who, how many, "
                  "on what, and whether suppliers or recruiters were trained")
_REVIEW = _todo("who reviews these indicators (for example the board or a committee), how "
                "often, and the targets for next year")

SECTIONS: dict[str, dict[str, tuple[Writer, tuple[str, ...]]]] = {
    "uk_msa": {
        "structure": (_with(_GOVERNANCE, _STRUCT), _STRUCTURE),
        "policies": (_POLICIES, ()),
        "due_diligence": (_S(due_diligence), _DILIGENCE),
        "risk": (_with(_S(risks), _S(remediation)), _RISK + _REMEDY),
        "effectiveness": (_S(indicators), _KPI),
        "training": (_TRAINING, ()),
    },
    "au_msa": {
        "entity": (_entity, ()),
        "structure": (_with(_GOVERNANCE, _STRUCT), _STRUCTURE),
        "risks": (_S(risks), _RISK),
        "actions": (_with(_S(due_diligence), _S(remediation)), _DILIGENCE + _REMEDY),
        "effectiveness": (_with(_S(indicators), _REVIEW), _KPI),
        "consultation": (_todo("how each entity the reporting entity owns or controls was "
                               "consulted in preparing this statement, or that it has none"), ()),
        "other": (_S(method), ("risk.scored",)),
    },
    "ca_s211": {
        "structure": (_with(_GOVERNANCE, _STRUCT), _STRUCTURE),
        "policies": (_with(_POLICIES, _S(due_diligence)), _DILIGENCE),
        "risk": (_S(risks), _RISK),
        "remediation": (_S(remediation), _REMEDY),
        "income_loss": (_todo("the measures taken to remediate the loss of income to the most "
                              "vulnerable families resulting from measures to eliminate forced "
                              "or child labour, or state that none were taken"), ()),
        "training": (_TRAINING, ()),
        "effectiveness": (_with(_S(indicators), _REVIEW), _KPI),
    },
}


def draft(framework_key: str, facts: dict, *, company_name: str) -> dict[str, str]:
    """{section_key: starting text} for every section of the framework, from the facts."""
    framework = FRAMEWORKS[framework_key]
    f = Facts(facts)
    company = _clean(company_name, 200) or "The company"
    writers = SECTIONS[framework_key]
    return {s.key: "\n\n".join(p for p in writers[s.key][0](f, company) if p)
            for s in framework.sections}


def figures_for(framework_key: str, section_key: str) -> tuple[str, ...]:
    """The figure keys shown beside a section, each linking to the records behind it."""
    return tuple(dict.fromkeys(SECTIONS[framework_key][section_key][1]))
