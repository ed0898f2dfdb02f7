"""Schemathesis hooks for .ci/fuzz: auth, and generators for the rules JSON Schema cannot spell.

The document states these rules in words (formats with their checks, "not more than workers");
here the generator learns them, so that positive cases are really valid (schemathesis's own
advice for "validation_mismatch"). Nothing here relaxes a check: negative cases are untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import threading

import schemathesis
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from app.indicators import INDICATORS
from audits.crosswalk import SCHEMES, scheme_values
from audits.importer import WORKER_GROUPS
from suppliers.countries import country_choices

# --- formats ---------------------------------------------------------------------------------

_CODES = [code for code, _name in country_choices()]
_NAMES = [name for _code, name in country_choices()]
schemathesis.openapi.format("country", st.sampled_from(_CODES + _NAMES))
schemathesis.openapi.format("duns", st.from_regex(r"\A[0-9]{9}\Z"))
schemathesis.openapi.format("os-id", st.from_regex(r"\A[A-Z]{2}[0-9]{7}[A-Z0-9]{6}\Z"))


def _with_check_digits(base: str) -> str:
    """ISO 7064 MOD 97-10 check digits for the first 18 characters of an LEI."""
    number = int("".join(str(int(ch, 36)) for ch in base + "00"))
    return f"{base}{98 - number % 97:02d}"


schemathesis.openapi.format("lei", st.text(string.ascii_uppercase + string.digits, min_size=18,
                                           max_size=18).map(_with_check_digits))

_CURRENCIES = ["USD", "EUR", "NPR", "MYR", "JPY", "KWD", "BDT", "INR", "CNY", "THB", "usd"]
_ALL_SEVERITIES = sorted({v for scheme in SCHEMES for v in scheme_values(scheme)})
schemathesis.openapi.format("audit-scheme", st.sampled_from([*SCHEMES, "smeta", "BSCI",
                                                              "SA 8000", "SMETA 4-pillar"]))
schemathesis.openapi.format("currency", st.sampled_from(_CURRENCIES))
schemathesis.openapi.format("ilo-indicator", st.sampled_from(
    [*INDICATORS, *INDICATORS.values(), "fl9", "Debt Bondage"]))
schemathesis.openapi.format("worker-group", st.sampled_from([*WORKER_GROUPS, "Migrants"]))
schemathesis.openapi.format("scheme-severity", st.sampled_from(_ALL_SEVERITIES))

# --- cross-field rules -----------------------------------------------------------------------

_COUNTS = ("workers", "migrant_workers", "female_workers")
CSV = "external_id,name,country,kind\n{ref},Fuzzed Mill {ref},BD,manufacturer\n"
FINDINGS_CSV = ("code,description,scheme_severity,indicators\n"
                "{ref},Passports held by the HR office,{severity},FL07\n")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_seq = iter(range(10**9))


def _fit_counts(body: dict, partial: bool) -> None:
    """Migrant and female workers are not more than workers (stored or sent)."""
    if not any(k in body for k in _COUNTS):
        return
    if partial:  # the stored counts are unknown: send all three
        for key in _COUNTS:
            body.setdefault(key, None)
    total = body.get("workers")
    if _number(total):
        for key in _COUNTS[1:]:
            value = body.get(key)
            if _number(value) and value > total:
                body[key] = total


def _number(value: object) -> bool:
    # JSON Schema's integer includes 237.0; bool is not a number here.
    return isinstance(value, int | float) and not isinstance(value, bool)


@schemathesis.hook
def before_call(context, case, kwargs):
    # Just before sending, so values the stateful phase takes from earlier responses count too.
    meta = case.meta
    positive = meta is not None and meta.generation.mode == GenerationMode.POSITIVE
    grievance_rules(case, case.operation.path, positive)
    if not positive:
        return
    path, method = case.operation.path, case.method.upper()
    body = case.body
    if path.endswith("/suppliers") and method == "POST" and isinstance(body, dict):
        _fit_counts(body, partial=False)
    elif path.endswith("/suppliers/{supplier_id}") and method == "PATCH" and isinstance(body,
                                                                                         dict):
        _fit_counts(body, partial=True)
    elif (path.endswith("/relationships") and method == "POST" and isinstance(body, dict)
          and body.get("customer_id") == body.get("supplier_id")):
        body["customer_id"] = None  # a supplier cannot supply itself
    elif path.endswith("/suppliers/{supplier_id}/merge") and method == "POST" \
            and isinstance(body, dict):
        _mergeable(case, body)
    elif path.endswith("/questionnaires/{key}/send") and method == "POST" and isinstance(body,
                                                                                           dict):
        _reachable_campaign(body)
    elif isinstance(body, dict) and "/statements" in path:
        statements_rules(case, path, method, body)
    elif isinstance(body, dict) and "/grievance" in path:
        grievance_cases_rules(case, path, method, body)
    elif isinstance(body, dict):
        audits_rules(case, path, method, body)
    if path.endswith("/reports/due-diligence") and isinstance(case.query, dict):
        _period_in_order(case.query)
    if path.endswith("/registry/statements") and isinstance(case.query, dict) \
            and case.query.get("framework") not in (None, "", "uk_msa"):
        case.query["framework"] = "uk_msa"  # the demo regulator's jurisdiction (UK) files it


_TODAY = dt.date.today()


def _period_in_order(query: dict) -> None:
    """A period does not end before it starts (period_end defaults to today)."""
    start, end = query.get("period_start"), query.get("period_end", _TODAY.isoformat())
    if isinstance(start, str) and isinstance(end, str) and start > end:
        query["period_start"], query["period_end"] = end, start


def _mergeable(case, body: dict) -> None:
    """A merge the document calls valid: duplicate_id is another live supplier of the caller's
    network (a made-up id is a 404 naming the field, which is right, but not a valid call).
    A supplier made for the purpose, so that no record the run created is archived under it."""
    import requests  # schemathesis's own HTTP client

    made = requests.post(os.environ["TL_BASE"] + "/api/v1/suppliers", timeout=10,
                         json={"name": f"Fuzz duplicate {next(_seq)}", "country": "VN"},
                         headers={"Authorization": f"Bearer {os.environ['TL_TOKEN']}"})
    if made.status_code == 201:
        body["duplicate_id"] = made.json()["id"]


def _reachable_campaign(body: dict) -> None:
    """A campaign the document calls valid in words: a due date within two years, suppliers of
    the caller's network (the demo buyer's are 1 to 26) and an address to send to."""
    due = body.get("due_date")
    if isinstance(due, str):
        try:
            day = dt.date.fromisoformat(due)
        except ValueError:
            day = None
        if day is not None and not _TODAY <= day <= _TODAY + dt.timedelta(days=730):
            body["due_date"] = (_TODAY + dt.timedelta(days=30)).isoformat()
    ids = body.get("supplier_ids")
    if isinstance(ids, list):
        body["supplier_ids"] = list(dict.fromkeys(1 + (i - 1) % 26 for i in ids
                                                  if isinstance(i, int)))
    if not body.get("email"):
        body["email"] = "fuzz-campaign@example.org"


@schemathesis.hook
def map_case(context, case):
    # At generation, not before the call: the file is not a JSON Schema "string", and editing
    # it later would make schemathesis re-classify the case as negative.
    meta = case.meta
    positive = meta is not None and meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.operation.path.endswith("/suppliers/import") and isinstance(case.body,
                                                                                      dict):
        case.body["file"] = CSV.format(ref=f"FUZZ-{next(_seq)}").encode()  # a valid file
    elif positive and case.operation.path.endswith("/evidence") and isinstance(case.body, dict):
        case.body["file"] = PDF  # a real (tiny) PDF, as the document's example upload.pdf
    elif positive and case.operation.path.endswith("/findings/import") and isinstance(case.body,
                                                                                        dict):
        audit = _api(f"/api/v1/audits/{(case.path_parameters or {}).get('audit_id')}") or {}
        severity = scheme_values(audit.get("scheme") or "internal")[0]
        case.body["file"] = FINDINGS_CSV.format(ref=f"FUZZ-{next(_seq)}",
                                                severity=severity).encode()
    return case


# --- auth ------------------------------------------------------------------------------------

_SPARE = [t for t in open(os.environ["TL_SPARE_TOKENS"]).read().split() if t]  # noqa: SIM115
_lock = threading.Lock()


@schemathesis.auth(refresh_interval=None).skip_for(
    path="/api/v1/auth/tokens/current", method="DELETE").skip_for(path_regex="^/api/v1/registry/")
class Token:
    """The compliance user's token, for every operation but revoking the current token."""

    def get(self, case, ctx):
        return os.environ["TL_TOKEN"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.auth(refresh_interval=None).apply_to(path="/api/v1/auth/tokens/current",
                                                   method="DELETE")
class SpareToken:
    """Revoking the current token revokes a spare one, so the run keeps its own token."""

    def get(self, case, ctx):
        with _lock:
            return _SPARE.pop() if _SPARE else os.environ["TL_TOKEN"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.auth(refresh_interval=None).apply_to(path_regex="^/api/v1/registry/")
class RegulatorToken:
    """The registry is for regulators: the demo UK regulator's token (TL_REGULATOR_TOKEN)."""

    def get(self, case, ctx):
        return os.environ.get("TL_REGULATOR_TOKEN") or os.environ["TL_TOKEN"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# --- audits: rules that hang on stored records ------------------------------------------------


def _api(path: str) -> dict | None:
    """GET a record of the fuzzed instance, to learn what a valid request for it is."""
    import requests  # schemathesis's own HTTP client

    answer = requests.get(os.environ["TL_BASE"] + path, timeout=10,
                          headers={"Authorization": f"Bearer {os.environ['TL_TOKEN']}"})
    return answer.json() if answer.status_code == 200 else None


def _fit_money(body: dict, amount_keys: tuple[str, ...], currency: str | None) -> None:
    """No more decimals than the currency has (0 for JPY, 3 for KWD)."""
    from decimal import ROUND_DOWN, Decimal, InvalidOperation

    from audits import money

    try:
        places = money.exponent(currency or "")
    except (KeyError, ValueError):
        return
    for key in amount_keys:
        value = body.get(key)
        if value is None or isinstance(value, bool):
            continue
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            continue
        body[key] = str(amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN))


def audits_rules(case, path: str, method: str, body: dict) -> None:
    params = case.path_parameters or {}
    if path.endswith("/audits") and method == "POST":
        start, end = body.get("audit_date"), body.get("end_date")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            body["end_date"] = start  # an audit does not end before it starts
        if not (body.get("audit_firm") or "").strip():
            body["audit_firm"] = "Fuzzed Audit Partners"  # an address with no account
    elif path.endswith("/actions/{action_id}/transition") and method == "POST":
        if body.get("to") == "in_progress" and not (body.get("note") or "").strip():
            body["note"] = "Payslips for May are missing"  # a return needs its reason
    elif path.endswith("/audits/{audit_id}/findings") and method == "POST":
        audit = _api(f"/api/v1/audits/{params.get('audit_id')}")
        if audit and "scheme" in audit:
            allowed = scheme_values(audit["scheme"])
            if str(body.get("scheme_severity", "")).strip().casefold() not in {
                    v.casefold() for v in allowed}:
                body["scheme_severity"] = allowed[0]
        if (body.get("fee_amount") is None) != (body.get("fee_currency") is None):
            body["fee_amount"], body["fee_currency"] = "1500", "NPR"  # both, or neither
        _fit_money(body, ("fee_amount",), body.get("fee_currency"))
    elif path.endswith("/suppliers/{supplier_id}/fees") and method == "POST":
        body["agency_supplier_id"] = None  # an agency of that network: not known here
        body["finding_id"] = None  # a finding of that supplier: not known here
        if body.get("amount") is None and body.get("fee_per_worker") is None:
            body["amount"] = "1500"  # one of them, the document says
        _fit_money(body, ("amount", "fee_per_worker", "monthly_wage"), body.get("currency"))
        per, workers = body.get("fee_per_worker"), body.get("workers")
        if body.get("amount") is None and _number(workers) and per is not None \
                and float(per) * workers > 10**12:
            body["fee_per_worker"] = "1"
    elif path.endswith("/fees/{entry_id}") and method == "PATCH":
        entry = _api(f"/api/v1/fees/{params.get('entry_id')}")
        if entry and "amount" in entry:
            _fit_money(body, ("repaid_amount",), entry["currency"])
            if float(body.get("repaid_amount") or 0) > float(entry["amount"]):
                body["repaid_amount"] = entry["amount"]  # not more than the cohort paid
            if (body.get("workers_confirmed") or 0) > entry["workers"]:
                body["workers_confirmed"] = entry["workers"]


def statements_rules(case, path: str, method: str, body: dict) -> None:
    """A period that starts before it ends and spans at most two years; only the sections the
    statement's framework has (the document lists them per framework in words)."""
    if path.endswith("/statements") and method == "POST":
        try:
            start = dt.date.fromisoformat(str(body.get("period_start")))
            end = dt.date.fromisoformat(str(body.get("period_end")))
        except ValueError:
            return
        if end < start:
            start, end = end, start
        if (end - start).days > 731:
            end = start + dt.timedelta(days=364)
        body["period_start"], body["period_end"] = start.isoformat(), end.isoformat()
    elif path.endswith("/statements/{statement_id}") and method == "PATCH":
        sections = body.get("sections")
        if isinstance(sections, dict):
            found = _api(f"/api/v1/statements/{(case.path_parameters or {}).get('statement_id')}")
            keys = set((found or {}).get("sections") or {})
            body["sections"] = {k: v for k, v in sections.items() if k in keys}


# --- grievances: moves and suppliers that hang on stored records -------------------------------

_DEMO_SUPPLIERS = 26  # the demo buyer's suppliers are 1 to 26 (see _reachable_campaign)


def grievance_cases_rules(case, path: str, method: str, body: dict) -> None:
    """A move the case's status allows (the document lists them in `moves`), a supplier of the
    caller's network, one listing per workplace."""
    if path.endswith("/grievances/{grievance_id}") and method == "PATCH":
        if isinstance(body.get("supplier_id"), int):
            body["supplier_id"] = 1 + (body["supplier_id"] - 1) % _DEMO_SUPPLIERS
        if "status" in body:
            found = _api(f"/api/v1/grievances/{(case.path_parameters or {}).get('grievance_id')}")
            moves = (found or {}).get("moves") or []
            if found and body["status"] not in (*moves, found.get("status")):
                body["status"] = moves[0] if moves else found.get("status")
    elif path.endswith("/grievance-channel") and method == "PATCH":
        workplaces = body.get("workplaces")
        if isinstance(workplaces, list):
            seen: dict[int, dict] = {}
            for item in workplaces:
                if isinstance(item, dict) and isinstance(item.get("supplier_id"), int):
                    item["supplier_id"] = 1 + (item["supplier_id"] - 1) % _DEMO_SUPPLIERS
                    seen.setdefault(item["supplier_id"], item)
            body["workplaces"] = list(seen.values())


# --- grievances: the public channel ------------------------------------------------------------

_INTAKE = "/api/v1/grievances/{intake_key}"
_ONE_CASE = "/api/v1/grievances/{grievance_id}"
# What grievances/public_api.py's IntakeKey converter takes: never all digits nor "status".
_KEY = re.compile(r"(?!status\Z)(?![0-9]+\Z)[A-Za-z0-9_-]{1,64}\Z")
_channel: dict = {}


def _demo_channel() -> dict:
    """The demo company's channel (its key and listed workplaces), asked for at each report:
    the run's own PATCH /grievance-channel calls change which workplaces it lists."""
    with _lock:
        found = _api("/api/v1/grievance-channel")
        if found:
            _channel.clear()
            _channel.update(found)
    return _channel


def grievance_rules(case, path: str, positive: bool) -> None:
    """An intake key is a token, never a case id nor "status": /api/v1/grievances/2 and
    /status are other operations' paths (the document's parameter says only "string"); and
    a case id is never a token, which would be the report operation's path. A
    positive report goes to the demo company's channel and names a workplace it lists, or
    none (a workplace of another list is refused, as the document says in words)."""
    params = case.path_parameters if case.path_parameters is not None else {}
    if path == _ONE_CASE and _KEY.match(str(params.get("grievance_id", ""))):
        # a wrong id shaped like an intake key names the report operation's path instead
        params["grievance_id"] = f"{params['grievance_id']}."  # still wrong, now only an id
        case.path_parameters = params
    if path != _INTAKE:
        return
    key = str(params.get("intake_key", ""))
    channel = _demo_channel()
    if positive or not _KEY.match(key):
        params["intake_key"] = channel.get("intake_key") or "no-channel-in-the-demo"
        case.path_parameters = params
    body = case.body
    if positive and isinstance(body, dict) and _number(body.get("supplier_id")):
        listed = [w["supplier_id"] for w in channel.get("workplaces") or []]
        body["supplier_id"] = listed[int(body["supplier_id"]) % len(listed)] if listed else None
