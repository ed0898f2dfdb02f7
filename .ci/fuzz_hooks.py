"""Schemathesis hooks for .ci/fuzz: auth, and generators for the rules JSON Schema cannot spell.

The document states these rules in words (formats with their checks, "not more than workers");
here the generator learns them, so that positive cases are really valid (schemathesis's own
advice for "validation_mismatch"). Nothing here relaxes a check: negative cases are untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import string
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


@schemathesis.hook
def map_case(context, case):
    # At generation, not before the call: the file is not a JSON Schema "string", and editing
    # it later would make schemathesis re-classify the case as negative.
    meta = case.meta
    positive = meta is not None and meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.operation.path.endswith("/suppliers/import") and isinstance(case.body,
                                                                                      dict):
        case.body["file"] = CSV.format(ref=f"FUZZ-{next(_seq)}").encode()  # a valid file
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
