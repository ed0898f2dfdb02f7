"""The due-diligence report as PDF: the facts of the period (reports/evidence.py), the charts
drawn from them (reports/charts.py) and one template with a print stylesheet.

The PDF summarises: top lists and distributions, never a table per supplier, so it stays a
few pages for a network of any size (WeasyPrint costs about 8 s per 1,000 table rows; the
full tables are in the XLSX). Every value reaches the template as data and is autoescaped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup

from reports import charts
from reports.pdf import html_to_pdf
from risk import weights as W
from suppliers.kinds import KIND_LABELS

TEMPLATE = "reports/report_pdf.html"

# The method in a few sentences: docs/risk-method.md says it in full.
METHOD = (
    "Each supplier has a score from 0 to 100, the sum of named factors capped per family: the "
    "country (US TIP report tier, Global Slavery Index prevalence and vulnerability, ITUC "
    "Global Rights Index), goods on the US ILAB List of Goods for the supplier's country, the "
    "supplier's profile (labour intermediaries, share of migrant workers), forced-labour "
    "signals from submitted questionnaires (or their absence where inherent risk is high), "
    "open audit findings weighted by severity, ILO indicator and age, and unpaid recruitment "
    "fees in months of wages. A supplier also inherits the highest own score upstream of it, "
    f"decayed by {W.DECAY:g} per tier along goods and labour relationships. Bands: low below "
    "25, medium 25 to 50, high 50 to 75, critical 75 and above.")
METHOD_DOC = "docs/risk-method.md"


def _svg(markup: str) -> Markup:
    return Markup(markup)  # noqa: S704 - built by reports/charts.py, which escapes all text


def _figure(facts: dict[str, Any], key: str) -> Any:
    return facts["figures"].get(key, {}).get("value", 0)


def context(facts: dict[str, Any], *, made_at: str) -> dict[str, Any]:
    lists = facts["lists"]
    total = _figure(facts, "suppliers.total")
    tiers = [charts.Bar(f"Tier {t['tier']}" if t["tier"] else "Not connected", t["count"])
             for t in lists["suppliers_by_tier"]]
    countries = [charts.Bar(c["name"], c["count"]) for c in lists["suppliers_by_country"]]
    kinds = [charts.Bar(k["label"], k["count"]) for k in lists["suppliers_by_kind"]]
    bands = {b["band"]: b["count"] for b in lists["risk_bands"]}
    severity = [charts.Bar(s["severity"].capitalize(), s["count"],
                           charts.severity_colour(s["severity"]))
                for s in lists["findings_by_severity"]]
    indicators = [charts.Bar(f"{i['code']} {i['label']}", i["count"], "high")
                  for i in lists["findings_by_indicator"]]
    return {
        "facts": facts,
        "f": {key: value.get("value") for key, value in facts["figures"].items()},
        "figures": facts["figures"],
        "lists": lists,
        "company": facts["company"]["name"],
        "period_start": date.fromisoformat(facts["period"]["start"]),
        "period_end": date.fromisoformat(facts["period"]["end"]),
        "made_at": made_at,
        "method": METHOD,
        "method_doc": METHOD_DOC,
        "method_version": facts.get("method_version"),
        "kind_labels": KIND_LABELS,
        "charts": {
            "tiers": _svg(charts.bars(tiers, title="Suppliers by tier", percent_of=total)),
            "countries": _svg(charts.bars(countries, title="Suppliers by country (top 15)",
                                          percent_of=total)),
            "kinds": _svg(charts.bars(kinds, title="Suppliers by kind", percent_of=total)),
            "bands": _svg(charts.band_distribution(
                bands, unscored=max(total - _figure(facts, "risk.scored"), 0))),
            "severity": _svg(charts.bars(severity, title="Findings by severity")),
            "indicators": _svg(charts.bars(indicators, title="Findings by ILO indicator")),
        },
    }


def html(facts: dict[str, Any], *, made_at: str) -> str:
    """The report's HTML, rendered by the app's Jinja environment (autoescaped, as every
    .html template) without the request's context processors: a job run at once inside a
    request (QUEUE_IMMEDIATE) must not load the signed-in user through the request's session,
    and nothing in a PDF depends on who is signed in."""
    values = context(facts, made_at=made_at)
    values.setdefault("generated_by", current_app.config.get("PUBLIC_URL", ""))
    return current_app.jinja_env.get_template(TEMPLATE).render(**values)


def render(facts: dict[str, Any], *, made_at: str) -> bytes:
    """The PDF of the report for these facts."""
    return html_to_pdf(html(facts, made_at=made_at))
