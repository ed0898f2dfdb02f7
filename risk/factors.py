"""A supplier's own risk factors, each with points, a label and its evidence (pure module).

Every number comes from risk/weights.py. A factor is returned only when it has points, except
where its absence is itself worth saying (none are, today). Evidence items are plain dicts:
{"kind": "dataset" | "supplier" | "finding" | "audit" | "fee" | "signal" | "assignment" |
"grievance" | "screening", "id": record id (for "dataset" the edition id, for "screening" the
hit), "row": source row ("dataset" only), "text": what a reader sees}; screening evidence also
names "list_id", "edition_id" and "entry_id".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from risk import weights as W
from risk.inputs import FeeInput, FindingInput, ListingInput, SupplierInputs
from risk.reference.tables import CountryValue, GoodEntry, ReferenceTables
from suppliers.countries import country_name

__all__ = ["Factor", "inherent_points", "own_factors"]

Evidence = dict[str, Any]
# How products are matched to the list's goods: (country, products) -> matches with .product
# and .entry (risk.goods.GoodsMatcher(tables.goods).match).
GoodsMatcher = Callable[[str, tuple[str, ...]], list[Any]]


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    points: float
    evidence: tuple[Evidence, ...] = ()
    # What would lower it, for the reader; None where nothing the buyer does changes it.
    lower: str | None = None
    inherent: bool = False  # country, goods and profile: the supplier's inherent risk
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


def _dataset(tables: ReferenceTables, key: str, value: CountryValue, text: str) -> Evidence:
    ref = tables.editions.get(key)
    title = ref.title if ref else key
    # The edition page's row anchor: with several files it names the file's position too.
    files = ref.files if ref else ()
    anchor = (f"row-{files.index(value.file) + 1}-{value.row_no}"
              if len(files) > 1 and value.file in files else f"row-{value.row_no}")
    where = f"{value.file}, row" if len(files) > 1 and value.file else "row"
    return {"kind": "dataset", "id": value.edition_id, "row": value.row_no, "anchor": anchor,
            "text": f"{title}, {where} {value.row_no}: {text}"}


def _num(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


# --- country ------------------------------------------------------------------------------

def _country(s: SupplierInputs, t: ReferenceTables) -> list[Factor]:
    out: list[Factor] = []
    name = country_name(s.country)  # an unknown code comes back as given
    tip = t.tip.get(s.country)
    if t.tip_year is not None:
        tier = str(tip.value) if tip else "Tier 1 or 2"
        points = W.TIP_POINTS.get(tier, 0.0)
        if points:
            assert tip is not None
            out.append(Factor(
                "country_tip", f"{name}: {tier} in the {t.tip_year} TIP report", points,
                (_dataset(t, "tip_tiers", tip, f"{tip.source_country}, {tier} "
                          f"({tip.year or t.tip_year})"),), inherent=True))
    # (code, data set, the country's row, points, how the label and the row read it)
    measures = (
        ("country_prevalence", "gsi_prevalence", t.prevalence.get(s.country),
         lambda v: W.stepped(float(v), W.PREVALENCE_POINTS),
         lambda v: f"modern slavery prevalence {_num(float(v))} per 1,000",
         lambda v: f"{_num(float(v))} per 1,000"),
        ("country_vulnerability", "gsi_vulnerability", t.vulnerability.get(s.country),
         lambda v: W.stepped(float(v), W.VULNERABILITY_POINTS),
         lambda v: f"vulnerability to modern slavery {_num(float(v))}/100",
         lambda v: f"{_num(float(v))}/100"),
        ("country_rights", "ituc_rights", t.rights.get(s.country),
         lambda v: W.RIGHTS_POINTS.get(str(v), 0.0),
         lambda v: f"workers' rights rated {v} (ITUC)", lambda v: f"rating {v}"),
    )
    for code, dataset, row, points_of, label, reads in measures:
        points = points_of(row.value) if row is not None else 0.0
        if points:
            assert row is not None
            out.append(Factor(code, f"{name}: {label(row.value)}", points,
                              (_dataset(t, dataset, row,
                                        f"{row.source_country}, {reads(row.value)}"),),
                              inherent=True))
    return out


# --- goods --------------------------------------------------------------------------------

def _entry_kind(entry: GoodEntry) -> str | None:
    if entry.forced_child_labor:
        return "forced_child_labor"
    if entry.forced_labor:
        return "forced_labor"
    if entry.derived:
        return "derived"
    if entry.child_labor:
        return "child_labor"
    return None


_KIND_TEXT = {"forced_child_labor": "forced child labour", "forced_labor": "forced labour",
              "derived": "made from inputs produced with forced or child labour",
              "child_labor": "child labour"}


def _goods(s: SupplierInputs, t: ReferenceTables, match: GoodsMatcher) -> list[Factor]:
    entries = t.goods.get(s.country, ())
    if not entries or not s.products:
        return []
    best, evidence, named = 0.0, [], []
    for m in match(s.country, s.products):
        kind = _entry_kind(m.entry)
        if kind is None:
            continue
        points = W.GOODS_POINTS[kind]
        text = _KIND_TEXT[kind]
        if kind == "derived" and m.entry.derived_country:
            text += f" ({m.entry.derived_country})"
        ev = _dataset(t, "ilab_goods", CountryValue(m.entry.item, m.entry.row_no, s.country,
                                                    m.entry.edition_id, file=m.entry.file),
                      f'"{m.product}" matches {m.entry.item} ({s.country}): {text}')
        evidence.append(ev)
        if points > best:
            best, named = points, [f"{m.entry.item} ({text})"]
        elif points == best:
            named.append(f"{m.entry.item} ({text})")
    if not best:
        return []
    return [Factor("goods", f"Goods on the ILAB list for {country_name(s.country)}: "
                            + "; ".join(dict.fromkeys(named)), best, tuple(evidence),
                   inherent=True)]


# --- profile ------------------------------------------------------------------------------

def _profile(s: SupplierInputs) -> list[Factor]:
    out: list[Factor] = []
    me = {"kind": "supplier", "id": s.id, "text": s.name}
    if s.kind in W.LABOUR_INTERMEDIARY_KINDS:
        out.append(Factor("profile_intermediary", f"{s.kind.replace('_', ' ').capitalize()}: "
                          "recruits or supplies workers", W.INTERMEDIARY_POINTS,
                          ({**me, "text": f"{s.name}: kind {s.kind.replace('_', ' ')}"},),
                          inherent=True))
    if s.workers and s.migrant_workers:
        share = min(1.0, s.migrant_workers / s.workers)
        points = W.stepped(share, W.MIGRANT_POINTS)
        if points:
            out.append(Factor(
                "profile_migrants", f"{round(share * 100)}% migrant workers", points,
                ({**me, "text": f"{s.name}: {s.migrant_workers:,} of {s.workers:,} workers "
                                "are migrants"},), inherent=True))
    return out


def inherent_points(factors: list[Factor]) -> float:
    return sum(f.points for f in factors if f.inherent)


# --- questionnaires -----------------------------------------------------------------------

_RANK = {"weak": 0, "moderate": 1, "strong": 2}


def _signals(s: SupplierInputs) -> list[Factor]:
    strongest: dict[str, Any] = {}
    for sig in sorted(s.signals, key=lambda x: (x.indicator, -_RANK.get(x.strength, -1), x.id)):
        strongest.setdefault(sig.indicator, sig)
    if not strongest:
        return []
    total = sum(W.SIGNAL_POINTS.get(sig.strength, 0.0) for sig in strongest.values())
    evidence = tuple(
        {"kind": "signal", "id": sig.id, "assignment_id": sig.assignment_id,
         "text": f"{sig.indicator} {sig.strength}: question {sig.question}"
                 + (f" ({sig.note})" if sig.note else "")}
        for sig in strongest.values())
    return [Factor("questionnaire_signals",
                   "Questionnaire answers raise " + ", ".join(
                       f"{i} ({sig.strength})" for i, sig in strongest.items()),
                   min(W.SIGNALS_CAP, total), evidence,
                   lower="Agree corrective actions on the practices the answers describe, and "
                         "ask for a new questionnaire once they are fixed")]


def _missing(s: SupplierInputs, inherent: float, today: date) -> list[Factor]:
    if inherent < W.INHERENT_HIGH:
        return []
    submitted = [a for a in s.assignments if a.status in ("submitted", "accepted")]
    overdue = [a for a in s.assignments
               if a.status not in ("submitted", "accepted") and a.due_date < today]
    if submitted and not overdue:
        return []
    if overdue:
        label = (f"{len(overdue)} questionnaire{'s' if len(overdue) > 1 else ''} overdue for a "
                 "high-inherent-risk supplier: uncertainty, not safety")
        evidence = tuple({"kind": "assignment", "id": a.id,
                          "text": f"{a.template_key} questionnaire due {a.due_date.isoformat()}, "
                                  f"{a.status.replace('_', ' ')}"} for a in overdue)
    else:
        label = ("No questionnaire answered by a high-inherent-risk supplier: uncertainty, "
                 "not safety")
        evidence = ({"kind": "supplier", "id": s.id,
                     "text": f"{s.name}: inherent risk {_num(inherent)} points, "
                             "no submitted questionnaire"},)
    return [Factor("questionnaire_missing", label, W.UNCERTAINTY_POINTS, evidence,
                   lower="Get the recruitment and labour-standards questionnaires answered")]


# --- audit findings -----------------------------------------------------------------------

def _age_weight(audit_date: date, today: date) -> float:
    age = (today - audit_date).days
    for limit, weight in W.FINDING_AGE_WEIGHTS:
        if age <= limit:
            return weight
    return W.FINDING_AGE_FLOOR


def finding_points(f: FindingInput, today: date) -> float:
    base = W.FINDING_POINTS.get(f.severity, 0.0)
    if f.indicators:
        base *= W.INDICATOR_MULTIPLIER
    return base * _age_weight(f.audit_date, today)


def _findings(s: SupplierInputs, today: date) -> list[Factor]:
    if not s.findings:
        return []
    ordered = sorted(s.findings, key=lambda f: (-finding_points(f, today), f.id))
    total = sum(finding_points(f, today) for f in ordered)
    counts: dict[str, int] = {}
    for f in ordered:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    label = "Open audit findings: " + ", ".join(
        f"{n} {sev}" for sev in ("critical", "high", "medium", "low") if (n := counts.get(sev)))
    evidence = tuple(
        {"kind": "finding", "id": f.id, "audit_id": f.audit_id,
         "text": f"{f.code or 'finding'} ({f.severity}"
                 + (f", {', '.join(f.indicators)}" if f.indicators else "")
                 + f"), audit of {f.audit_date.isoformat()}: {_num(finding_points(f, today))} "
                   "points"}
        for f in ordered)
    return [Factor("audit_findings", label, min(W.FINDINGS_CAP, total), evidence,
                   lower="Verify the corrective actions of the open findings")]


# --- recruitment fees ---------------------------------------------------------------------

def fee_outstanding_minor(fee: FeeInput) -> float:
    """What still counts: unpaid, plus a share of what was repaid but not yet confirmed."""
    unpaid = max(0, fee.owed_minor - fee.repaid_minor)
    unconfirmed = 1.0 - min(1.0, fee.workers_confirmed / fee.workers) if fee.workers else 0.0
    return unpaid + W.UNCONFIRMED_SHARE * fee.repaid_minor * unconfirmed


def fee_months(fee: FeeInput) -> float | None:
    """Outstanding fee per worker in months of the monthly wage; None when no wage is known."""
    if not fee.workers or not fee.monthly_wage_minor:
        return None
    return fee_outstanding_minor(fee) / fee.workers / fee.monthly_wage_minor


def fee_points(fee: FeeInput) -> float:
    if fee_outstanding_minor(fee) <= 0:
        return 0.0
    months = fee_months(fee)
    return W.stepped(W.FEE_MONTHS_UNKNOWN_WAGE if months is None else months,
                     W.FEE_MONTHS_POINTS)


def _fees(s: SupplierInputs, fmt: Callable[[int, str], str]) -> list[Factor]:
    counted = [(fee, fee_points(fee)) for fee in s.fees]
    counted = [(fee, p) for fee, p in counted if p > 0]
    if not counted:
        return []
    total = sum(p for _, p in counted)
    workers = sum(fee.workers for fee, _ in counted)
    evidence = []
    for fee, points in sorted(counted, key=lambda x: (-x[1], x[0].id)):
        months = fee_months(fee)
        owed = fmt(round(fee_outstanding_minor(fee)), fee.currency)
        when = ("monthly wage not recorded: counted as "
                f"{_num(W.FEE_MONTHS_UNKNOWN_WAGE)} month" if months is None
                else f"{months:.1f} months of wages per worker")
        where = (f", recruited for supplier {fee.at_supplier_id}"
                 if fee.at_supplier_id is not None else "")
        # The cohort sits on the workplace's ledger, also when it counts at the agency.
        ledger = fee.at_supplier_id if fee.at_supplier_id is not None else s.id
        evidence.append({"kind": "fee", "id": fee.id, "supplier_id": ledger,
                         "text": f"{fee.workers:,} workers, {owed} still counting ({when})"
                                 f"{where}: {_num(points)} points"})
    return [Factor("recruitment_fees",
                   f"Recruitment fees owed to {workers:,} workers and not repaid and confirmed",
                   min(W.FEES_CAP, total), tuple(evidence),
                   lower="Repay the fees and have the workers confirm the repayment")]


# --- grievances ---------------------------------------------------------------------------

def _grievances(s: SupplierInputs) -> list[Factor]:
    open_cases = [g for g in s.grievances if g.status not in ("resolved", "closed")]
    if not open_cases:
        return []
    total = sum(W.RETALIATION_POINTS if g.retaliation else W.GRIEVANCE_POINTS
                for g in open_cases)
    evidence = tuple({"kind": "grievance", "id": g.id,
                      "text": f"{g.category.replace('_', ' ')} grievance, {g.status}"
                              + (", retaliation reported" if g.retaliation else "")}
                     for g in sorted(open_cases, key=lambda g: g.id))
    return [Factor("grievances", f"{len(open_cases)} open grievance"
                                 f"{'s' if len(open_cases) > 1 else ''} from workers",
                   min(W.GRIEVANCES_CAP, total), evidence,
                   lower="Investigate and resolve the grievances with the workers")]


# --- forced-labour entity lists -------------------------------------------------------------

def _listing_text(x: ListingInput) -> str:
    where = f" ({country_name(x.entry_country)})" if x.entry_country else ""
    listed = f", listed {x.listed_on.isoformat()}" if x.listed_on else ""
    state = ", since superseded" if x.superseded else ""
    confirmed = f"; confirmed {x.decided_on.isoformat()}" if x.decided_on else ""
    return (f"{x.list_name} ({x.issuer}), edition {x.edition}{state}: "
            f"\"{x.entry_name}\"{where}{listed}{confirmed}")


def _listings(s: SupplierInputs) -> list[Factor]:
    ordered = sorted(s.listings, key=lambda x: (x.list_name.casefold(), x.hit_id))
    evidence = tuple({"kind": "screening", "id": x.hit_id, "list_id": x.list_id,
                      "edition_id": x.edition_id, "entry_id": x.entry_id,
                      "text": _listing_text(x)} for x in ordered)
    names = ", ".join(dict.fromkeys(f"{x.list_name} ({x.edition})" for x in ordered))
    return [Factor("entity_list", f"On a forced-labour entity list: {names}",
                   W.ENTITY_LIST_POINTS, evidence,
                   lower="Only the issuer removing the entity lowers this; if the supplier is "
                         "not the listed entity, dismiss the hit with a note")]


def own_factors(s: SupplierInputs, tables: ReferenceTables, *, today: date,
                match: GoodsMatcher, fmt_money: Callable[[int, str], str],
                cache: dict[Any, list[Factor]] | None = None) -> list[Factor]:
    """Every factor of the supplier's own score, in a stable order. `cache` (a dict kept for
    one recompute) shares the country factors between suppliers of the same country, and the
    goods factor between those with the same country and products: they depend on nothing
    else. (Products vary far more than countries, so the country factors get their own key.)"""
    if cache is None:
        cache = {}
    key = (s.country, s.products)
    shared = cache.get(key)
    if shared is None:
        country = cache.get((s.country,))
        if country is None:
            country = cache[(s.country,)] = _country(s, tables)
        shared = cache[key] = country + _goods(s, tables, match)
    out = shared + _profile(s)
    level = inherent_points(out)
    # Each of these has no factor without its records, and most suppliers have none: skip
    # the calls (a recompute makes 100,000 of each).
    if s.signals:
        out += _signals(s)
    out += _missing(s, level, today)
    if s.findings:
        out += _findings(s, today)
    if s.fees:
        out += _fees(s, fmt_money)
    if s.grievances:
        out += _grievances(s)
    if s.listings:
        out += _listings(s)
    return out
