"""Facts dicts in the shape of /work/wt/FACTS.md, for the statement tests: a new company's
(every figure zero, every list empty) and a rich one with known figures."""

from __future__ import annotations

from typing import Any

FIGURE_KEYS = (
    "suppliers.total", "suppliers.tier1", "suppliers.deeper", "suppliers.unconnected",
    "suppliers.countries", "suppliers.recruiters", "relationships.total", "relationships.labour",
    "workers.total", "workers.migrant", "risk.scored", "risk.critical", "risk.high",
    "risk.high_risk_countries", "audits.in_period", "audits.accepted", "findings.total",
    "findings.critical", "findings.forced_labour", "actions.open", "actions.overdue",
    "actions.verified", "fees.workers_owed", "fees.workers_repaid", "fees.entries",
    "questionnaires.sent", "questionnaires.submitted", "questionnaires.tier1_coverage",
)
LISTS = ("suppliers_by_tier", "suppliers_by_country", "suppliers_by_kind", "recruiters",
         "risk_bands", "top_risks", "high_risk_countries", "high_risk_goods",
         "findings_by_severity", "findings_by_indicator", "actions_by_status",
         "fees_by_currency", "questionnaires", "editions")


def _figure(key: str, value: float) -> dict[str, Any]:
    return {"label": key.replace(".", " ").replace("_", " ").capitalize(), "value": value,
            "unit": "%" if key.endswith("coverage") else None,
            "href": f"/suppliers?figure={key}"}


def zero_facts(name: str = "Nova Start Ltd") -> dict[str, Any]:
    return {
        "version": 1, "company": {"id": 1, "name": name},
        "period": {"start": "2024-04-01", "end": "2025-03-31"},
        "gathered_at": "2025-04-02T09:00:00+00:00",
        "figures": {k: _figure(k, 0) for k in FIGURE_KEYS},
        "lists": {k: [] for k in LISTS} | {"risk_bands": [
            {"band": b, "count": 0} for b in ("critical", "high", "medium", "low")]},
        "method_version": "2024.2",
    }


RICH_VALUES = {
    "suppliers.total": 1284, "suppliers.tier1": 212, "suppliers.deeper": 1051,
    "suppliers.unconnected": 21, "suppliers.countries": 37, "suppliers.recruiters": 14,
    "relationships.total": 1530, "relationships.labour": 29, "workers.total": 186450,
    "workers.migrant": 23871, "risk.scored": 1263, "risk.critical": 9, "risk.high": 61,
    "risk.high_risk_countries": 6, "audits.in_period": 48, "audits.accepted": 41,
    "findings.total": 173, "findings.critical": 7, "findings.forced_labour": 19,
    "actions.open": 58, "actions.overdue": 11, "actions.verified": 96,
    "fees.workers_owed": 312, "fees.workers_repaid": 447, "fees.entries": 23,
    "questionnaires.sent": 640, "questionnaires.submitted": 518,
    "questionnaires.tier1_coverage": 87.5,
}


def rich_facts(name: str = "Harbour Retail Group plc") -> dict[str, Any]:
    facts = zero_facts(name)
    facts["figures"] = {k: _figure(k, RICH_VALUES[k]) for k in FIGURE_KEYS}
    facts["lists"].update({
        "suppliers_by_tier": [{"tier": 1, "count": 212}, {"tier": 2, "count": 690},
                              {"tier": None, "count": 21}],
        "suppliers_by_country": [{"country": "CN", "name": "China", "count": 402},
                                 {"country": "BD", "name": "Bangladesh", "count": 188},
                                 {"country": "MY", "name": "Malaysia", "count": 97}],
        "suppliers_by_kind": [{"kind": "manufacturer", "label": "Manufacturer", "count": 801},
                              {"kind": "recruitment_agency", "label": "Recruitment agency",
                               "count": 11}],
        "recruiters": [{"id": 7, "name": "Kathmandu Overseas Manpower", "country": "NP",
                        "tier": 2, "workers_supplied_to": ["Penang Gloves Sdn Bhd"]}],
        "top_risks": [{"id": 3, "name": "Penang Gloves Sdn Bhd", "country": "MY", "tier": 1,
                       "kind": "manufacturer", "score": 91, "band": "critical",
                       "factors": [{"code": "fees", "label": "Recruitment fees paid by workers",
                                    "points": 30},
                                   {"code": "country", "label": "Country risk", "points": 20}]}],
        "high_risk_countries": [{"country": "MY", "name": "Malaysia", "suppliers": 12,
                                 "score": 64},
                                {"country": "CN", "name": "China", "suppliers": 31,
                                 "score": 70}],
        "high_risk_goods": [{"good": "Rubber gloves", "suppliers": 5, "lists": ["ILAB"]},
                            {"good": "Cotton", "suppliers": 44, "lists": ["ILAB"]}],
        "findings_by_indicator": [{"code": "FL09", "label": "Debt bondage", "count": 12},
                                  {"code": "FL07", "label": "Retention of identity documents",
                                   "count": 5}],
        "fees_by_currency": [{"currency": "MYR", "workers": 759, "owed": 1520000.0,
                              "repaid": 880000.0, "confirmed": 240000.5}],
        "questionnaires": [{"template": "recruitment", "title": "Recruitment practices",
                            "sent": 400, "submitted": 330, "overdue": 22}],
        "editions": [{"dataset": "ilab_goods", "edition": "2024",
                      "title": "List of Goods Produced by Child Labor or Forced Labor",
                      "source": "US DOL ILAB"}],
    })
    facts["method_version"] = "2024.2"
    return facts
