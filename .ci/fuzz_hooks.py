"""Schemathesis hooks for .ci/fuzz: auth, and generators for the rules JSON Schema cannot spell.

The document states these rules in words (formats with their checks, "not more than workers");
here the generator learns them, so that positive cases are really valid (schemathesis's own
advice for "validation_mismatch"). Nothing here relaxes a check: negative cases are untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import string
import sys
import threading

import schemathesis
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from audits.crosswalk import SCHEMES
from suppliers.countries import country_choices

# --- formats ---------------------------------------------------------------------------------

_CODES = [code for code, _name in country_choices()]
_NAMES = [name for _code, name in country_choices()]
schemathesis.openapi.format("country", st.sampled_from(_CODES + _NAMES))
schemathesis.openapi.format("duns", st.from_regex(r"\A[0-9]{9}\Z"))
schemathesis.openapi.format("audit-scheme", st.sampled_from([*SCHEMES, "SMETA 4-pillar", "BSCI"]))
schemathesis.openapi.format("currency", st.sampled_from(["USD", "NPR", "MYR", "BDT", "eur"]))
schemathesis.openapi.format("os-id", st.from_regex(r"\A[A-Z]{2}[0-9]{7}[A-Z0-9]{6}\Z"))


def _with_check_digits(base: str) -> str:
    """ISO 7064 MOD 97-10 check digits for the first 18 characters of an LEI."""
    number = int("".join(str(int(ch, 36)) for ch in base + "00"))
    return f"{base}{98 - number % 97:02d}"


schemathesis.openapi.format("lei", st.text(string.ascii_uppercase + string.digits, min_size=18,
                                           max_size=18).map(_with_check_digits))

# --- cross-field rules -----------------------------------------------------------------------

_COUNTS = ("workers", "migrant_workers", "female_workers")
CSV = "external_id,name,country,kind\n{ref},Fuzzed Mill {ref},BD,manufacturer\n"
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
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
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
    elif path.endswith("/questionnaires/{key}/send") and method == "POST" and isinstance(body,
                                                                                           dict):
        _reachable_campaign(body)
    elif isinstance(body, dict):
        _audits_rules(case, path, method, body)


_TODAY = dt.date.today()


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


# --- audits: rules that depend on stored data (an audit's scheme, a cohort's amount) --------

_SEVERITY = {"SMETA": "Non-compliance", "RBA": "Major", "amfori BSCI": "E", "SA8000": "Major",
             "internal": "high", "other": "high"}
_AMOUNTS = ("amount", "fee_per_worker", "repaid_amount", "fee_amount")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _audit_scheme(audit_id: object) -> str | None:
    """The audit's scheme, asked of the API under test (None when it is not the caller's)."""
    import json
    import urllib.error
    import urllib.request

    if isinstance(audit_id, str) and audit_id.isdigit():
        audit_id = int(audit_id)
    if not isinstance(audit_id, int) or isinstance(audit_id, bool):
        return None
    request = urllib.request.Request(  # noqa: S310 - the http:// server under test
        f"{os.environ['TL_BASE']}/api/v1/audits/{audit_id}",
        headers={"Authorization": f"Bearer {os.environ['TL_TOKEN']}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our server
            return json.load(response).get("scheme")
    except (urllib.error.URLError, ValueError, OSError) as exc:
        print(f"fuzz hook: no scheme for audit {audit_id}: {exc}", file=sys.stderr)
        return None


def _whole(value: object) -> object:
    """An amount with no decimals: every currency takes it (JPY has none, KWD three)."""
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and "." in value:
        return value.split(".")[0].strip() or "0"
    return value


def _audits_rules(case, path: str, method: str, body: dict) -> None:
    for key in _AMOUNTS:
        if key in body:
            body[key] = _whole(body[key])
    if path == "/api/v1/audits" and method == "POST":
        start, end = body.get("audit_date"), body.get("end_date")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            body["end_date"] = start  # an audit ends on or after its first day
        if not (body.get("audit_firm") or "").strip():
            body["audit_firm"] = "Fuzz Social Audits"  # an auditor without an account joins one
    elif path.endswith("/audits/{audit_id}/findings") and method == "POST":
        scheme = _audit_scheme((case.path_parameters or {}).get("audit_id"))
        body["scheme_severity"] = _SEVERITY.get(scheme or "", "high")
        body["indicators"], body["worker_groups"] = ["FL07"], ["migrant"]
        body["fee_amount"] = body["fee_currency"] = None  # a fee needs its currency
    elif path.endswith("/actions/{action_id}/transition") and method == "POST":
        if body.get("to") == "in_progress" and not (body.get("note") or "").strip():
            body["note"] = "Returned by the fuzz run: evidence missing."  # a return's reason
    elif path.endswith("/suppliers/{supplier_id}/fees") and method == "POST":
        body["finding_id"] = body["agency_supplier_id"] = None  # ids of other records
    elif path.endswith("/fees/{entry_id}") and method == "PATCH":
        body["repaid_amount"] = "0"  # never more than the cohort paid, whatever it was
        body.pop("workers_confirmed", None)  # never more than the cohort's workers


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
        case.body["file"] = PDF  # the document names it upload.pdf
    elif positive and case.operation.path.endswith("/findings/import") and isinstance(case.body,
                                                                                       dict):
        scheme = _audit_scheme((case.path_parameters or {}).get("audit_id"))
        case.body["file"] = (f"code,description,scheme_severity\nFZ-{next(_seq)},Fuzzed "
                             f"finding,{_SEVERITY.get(scheme or '', 'high')}\n").encode()
    return case


# --- auth ------------------------------------------------------------------------------------

_SPARE = [t for t in open(os.environ["TL_SPARE_TOKENS"]).read().split() if t]  # noqa: SIM115
_lock = threading.Lock()


@schemathesis.auth(refresh_interval=None).skip_for(path="/api/v1/auth/tokens/current",
                                                   method="DELETE")
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
