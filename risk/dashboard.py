"""Read-only queries of the risk pages: the dashboard, its home-page card, the supplier panel.

Always scoped by the organisation the caller passes (the signed-in user's, never an id from
the request). The dashboard reads only the precomputed `RiskSummary` rows (the latest for
today's figures, the last 90 days for the trend, and of those only the few JSON members the
trend draws), never aggregates `RiskScore` at request time: that is the recompute's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from audits.models import Audit, FeeEntry, Finding
from questionnaires.models import Assignment, Signal
from risk.links import PAGES
from risk.models import DataEdition, RiskScore, RiskSummary, ScreeningHit
from risk.weights import BANDS
from suppliers.models import Supplier

TREND_DAYS = 90
EVIDENCE_SHOWN = 8  # per factor; the rest is counted ("and 3 more")

FACTOR_NAMES = {
    "country_tip": "Country: trafficking (US TIP tier)",
    "country_prevalence": "Country: prevalence of modern slavery",
    "country_vulnerability": "Country: vulnerability",
    "country_rights": "Country: workers' rights",
    "goods": "Goods on the ILAB list",
    "profile_intermediary": "Labour intermediary",
    "profile_migrants": "Migrant workers",
    "questionnaire_signals": "Questionnaire signals",
    "questionnaire_missing": "No questionnaire answered",
    "audit_findings": "Open audit findings",
    "recruitment_fees": "Unpaid recruitment fees",
    "grievances": "Grievances",
    "entity_list": "On a forced-labour entity list",
}
DATASET_NAMES = {
    "ilab_goods": "ILAB List of Goods", "tip_tiers": "US Trafficking in Persons report",
    "gsi_prevalence": "Global Slavery Index: prevalence",
    "gsi_vulnerability": "Global Slavery Index: vulnerability",
    "ituc_rights": "ITUC Global Rights Index",
}


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _num(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _bands(value: Any) -> dict[str, int]:
    value = value if isinstance(value, Mapping) else {}
    return {b: _int(value.get(b)) for b in BANDS}


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One RiskSummary's data, every member checked (a summary written by an older method, or
    a member missing, renders as zeros and empty lists, never as an error)."""

    day: date
    computed_at: datetime
    suppliers: int
    scored: int
    mean: float | None
    bands: dict[str, int]
    by_country: list[dict[str, Any]]
    by_tier: list[dict[str, Any]]
    top: list[dict[str, Any]]
    editions: list[dict[str, Any]]
    method_version: str


def read_summary(row: RiskSummary) -> Summary:
    data = row.data if isinstance(row.data, Mapping) else {}
    countries = [{"country": str(r.get("country") or ""), "count": _int(r.get("count")),
                  "mean": _num(r.get("mean")), "max": _num(r.get("max")),
                  "bands": _bands(r.get("bands"))} for r in _rows(data.get("by_country"))]
    tiers = [{"tier": r.get("tier") if _int(r.get("tier")) else None,
              "count": _int(r.get("count")), "mean": _num(r.get("mean")),
              "bands": _bands(r.get("bands"))} for r in _rows(data.get("by_tier"))]
    tiers.sort(key=lambda r: (r["tier"] is None, r["tier"] or 0))
    top = [{"supplier_id": _int(r.get("supplier_id")), "name": str(r.get("name") or ""),
            "country": r.get("country"), "tier": r.get("tier") if _int(r.get("tier")) else None,
            "score": _num(r.get("score")), "band": r.get("band") if r.get("band") in BANDS
            else None, "main_factor": factor_name(r.get("main_factor"))}
           for r in _rows(data.get("top"))]
    editions_raw = data.get("editions") if isinstance(data.get("editions"), Mapping) else {}
    editions = [{"dataset": dataset, "name": DATASET_NAMES.get(dataset, dataset),
                 "title": str(e.get("title") or ""), "edition": str(e.get("edition") or "")}
                for dataset, e in sorted(editions_raw.items()) if isinstance(e, Mapping)]
    return Summary(day=row.day, computed_at=row.computed_at, suppliers=_int(data.get("suppliers")),
                   scored=_int(data.get("scored")), mean=_num(data.get("mean")),
                   bands=_bands(data.get("bands")), by_country=countries, by_tier=tiers,
                   top=top, editions=editions,
                   method_version=str(data.get("method_version") or ""))


def factor_name(code: Any) -> str:
    """A factor's label from its code; a label (or anything else) is shown as it is."""
    if not code:
        return "—"
    return FACTOR_NAMES.get(str(code), str(code))


def latest_summary(session: Session, org_id: int) -> Summary | None:
    row = session.scalar(select(RiskSummary).where(RiskSummary.org_id == org_id)
                         .order_by(RiskSummary.day.desc()).limit(1))
    return None if row is None else read_summary(row)


@dataclass(frozen=True)
class TrendPoint:
    day: date
    mean: float | None
    scored: int
    bands: dict[str, int]

    @property
    def high_or_critical(self) -> int:
        return self.bands["high"] + self.bands["critical"]


def trend(session: Session, org_id: int, until: date, days: int = TREND_DAYS) -> list[TrendPoint]:
    """The summaries of the `days` days ending with `until`, oldest first: only the members the
    trend draws are read from the JSON, not the whole summary of every day."""
    # JSON members, not SQL casts: PostgreSQL fails a whole query on one member that is not
    # a number (an old or damaged summary); _num and _int check them here instead.
    data = RiskSummary.data
    rows = session.execute(
        select(RiskSummary.day, data["mean"], data["scored"], data["bands"])
        .where(RiskSummary.org_id == org_id, RiskSummary.day > until - timedelta(days=days),
               RiskSummary.day <= until)
        .order_by(RiskSummary.day)
    ).all()
    return [TrendPoint(day=day, mean=_num(mean), scored=_int(scored), bands=_bands(bands))
            for day, mean, scored, bands in rows]


def band_counts(session: Session, org_id: int) -> dict[str, Any] | None:
    """The latest summary's suppliers per band, for the home dashboard's card (None: not yet)."""
    data = RiskSummary.data
    row = session.execute(
        select(data["bands"], data["scored"], data["suppliers"])
        .where(RiskSummary.org_id == org_id).order_by(RiskSummary.day.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {"bands": _bands(row[0]), "scored": _int(row[1]), "suppliers": _int(row[2])}


# --- the supplier panel ------------------------------------------------------------------------


def edition_name(title: str, edition: str) -> str:
    """ "ILAB List of Goods 2022": the title, with the edition unless the title names it."""
    title, edition = (title or "").strip(), (edition or "").strip()
    if not edition or edition in title:
        return title or edition
    return f"{title} {edition}" if title else edition


@dataclass
class Link:
    """One evidence item as shown: its text, and the page it opens (None: no page)."""

    text: str
    kind: str
    endpoint: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # "ILAB List of Goods 2022, row 57" for data-set rows


def _ids(factors: Iterable[Mapping[str, Any]], kind: str) -> set[int]:
    return {e["id"] for f in factors for e in f["evidence"]
            if e.get("kind") == kind and _int(e.get("id"))}


def _factors(raw: Any) -> list[dict[str, Any]]:
    out = []
    for f in _rows(raw):
        evidence = [e for e in f.get("evidence") or [] if isinstance(e, Mapping)]
        code = str(f.get("code") or "")
        out.append({"code": code, "label": str(f.get("label") or factor_name(code)),
                    "points": _num(f.get("points")) or 0.0, "evidence": evidence,
                    "lower": f.get("lower") if isinstance(f.get("lower"), str) else None,
                    "lowers_by": _num(f.get("lowers_by"))})
    out.sort(key=lambda f: -f["points"])
    return out


def supplier_panel(session: Session, org_id: int, supplier_id: int) -> dict[str, Any]:
    """Everything the supplier page's risk panel shows; {"score": None} before any recompute.
    Evidence is linked only to records that still exist in this organisation."""
    score = session.scalar(select(RiskScore).where(RiskScore.org_id == org_id,
                                                   RiskScore.supplier_id == supplier_id))
    if score is None:
        return {"score": None}
    factors = _factors(score.factors)
    path = [i for i in (score.inherited_path or []) if _int(i)]
    supplier_ids = _ids(factors, "supplier") | set(path)
    if _int(score.inherited_from_id):
        supplier_ids.add(score.inherited_from_id)
    names = dict(session.execute(select(Supplier.id, Supplier.name).where(
        Supplier.org_id == org_id, Supplier.id.in_(supplier_ids))).all()) if supplier_ids else {}

    def existing(model, kind: str) -> set[int]:
        ids = _ids(factors, kind)
        if not ids:
            return set()
        return set(session.scalars(select(model.id).where(model.org_id == org_id,
                                                          model.id.in_(ids))))

    findings, audits = existing(Finding, "finding"), existing(Audit, "audit")
    assignments = existing(Assignment, "assignment")
    hits = existing(ScreeningHit, "screening")
    fees = _lookup(session, FeeEntry, FeeEntry.supplier_id, org_id, _ids(factors, "fee"))
    signals = _lookup(session, Signal, Signal.assignment_id, org_id, _ids(factors, "signal"))
    edition_ids = {i for i in (score.editions or {}).values() if _int(i)} | _ids(factors, "dataset")
    editions = {e.id: e for e in session.scalars(select(DataEdition).where(
        DataEdition.id.in_(edition_ids),
        or_(DataEdition.org_id.is_(None), DataEdition.org_id == org_id)))} if edition_ids else {}

    def link(item: Mapping[str, Any]) -> Link:
        kind, rid, text = str(item.get("kind") or ""), _int(item.get("id")), str(
            item.get("text") or "")
        if kind == "dataset":
            e = editions.get(rid)
            where = edition_name(e.title, e.edition) if e else "A reference data set"
            row = _int(item.get("row"))
            # The stored text starts with the data set and row, which `source` shows already.
            title = e.title if e else ""
            detail = (text.split(": ", 1)[1] if title and text.startswith(title) and ": " in text
                      else text)
            if e is None:
                return Link(detail, kind, source=f"{where}, row {row:,}" if row else where)
            anchor = str(item.get("anchor") or (f"row-{row}" if row else ""))
            endpoint, arg = PAGES[kind]
            return Link(detail, kind, endpoint,
                        {arg: e.id, **({"_anchor": anchor} if anchor else {})},
                        source=f"{where}, row {row:,}" if row else where)
        # The page each kind opens (risk/links.py), for records that exist and are ours.
        values = {
            "finding": rid if rid in findings else 0, "audit": rid if rid in audits else 0,
            "fee": fees.get(rid, 0), "assignment": rid if rid in assignments else 0,
            "signal": signals.get(rid, 0), "supplier": rid if rid in names else 0,
            "screening": rid if rid in hits else 0,
        }
        value = values.get(kind, 0)
        if not value:
            return Link(text, kind)
        endpoint, arg = PAGES[kind]
        if kind == "screening":  # the hit's row in the review queue, whatever its status
            return Link(text, kind, endpoint, {arg: "all", "_anchor": f"hit-{value}"})
        return Link(text, kind, endpoint, {arg: value})

    shown = []
    for f in factors:
        items = [link(e) for e in f["evidence"]]
        shown.append({**f, "links": items[:EVIDENCE_SHOWN],
                      "more": max(len(items) - EVIDENCE_SHOWN, 0)})
    lower = sorted(({"factor": f["label"], "text": f["lower"], "by": f["lowers_by"]}
                    for f in factors if f["lower"]),
                   key=lambda x: -(x["by"] or 0.0))
    used = [{"dataset": dataset, "name": DATASET_NAMES.get(dataset, dataset),
             "edition": editions.get(eid)} for dataset, eid in sorted((score.editions or {})
                                                                       .items())]
    inherited = None
    if _int(score.inherited_from_id) and score.inherited_score:
        inherited = {"score": score.inherited_score, "from_id": score.inherited_from_id,
                     "from_name": names.get(score.inherited_from_id),
                     "path": [{"id": i, "name": names.get(i)} for i in path],
                     "tiers": max(len(path) - 1, 0),
                     # its own score back round a loop in the network (always below it)
                     "cycle": score.inherited_from_id == score.supplier_id}
    return {"score": score, "factors": shown, "scoring": [f for f in shown if f["points"] > 0],
            "zero": [f for f in shown if f["points"] <= 0], "lower": lower,
            "editions": used, "inherited": inherited,
            "sets_score": _which_sets(score, inherited is not None)}


def _which_sets(score: RiskScore, inherits: bool) -> str | None:
    """Which of the two the score equals ("own" or "inherited"); None if neither (a method
    that combines them): the panel then claims nothing."""
    def same(x: float | None) -> bool:
        return x is not None and abs(score.score - x) < 0.05

    if inherits and same(score.inherited_score) and score.inherited_score > score.own_score:
        return "inherited"
    return "own" if same(score.own_score) else None


def _lookup(session: Session, model, column, org_id: int, ids: set[int]) -> dict[int, int]:
    """{record id: the value of `column`} for this organisation's records among `ids`."""
    if not ids:
        return {}
    return dict(session.execute(select(model.id, column).where(
        model.org_id == org_id, model.id.in_(ids))).all())
