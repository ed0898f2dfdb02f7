"""One JSON Schema per resource: it validates API input, shapes output, and is the OpenAPI doc.

A view declares what it takes and answers with `@api_route(...)`, placed under its access
decorator (so a caller without access is refused before their input is read). The decorator
validates the JSON body and the query string against the named component schemas and passes
the result to the view as `body=` and `query=`; app/openapi.py reads the same declaration to
write requestBody, parameters and responses. Formats that JSON Schema cannot express with a
pattern (a country name, an LEI's check digits) are checked by functions registered here
through `register_format`, by the domain package that owns the rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing import Resource as SchemaResource
from referencing.jsonschema import DRAFT202012
from werkzeug.routing import IntegerConverter

from app.errors import ValidationFailed

# The largest id or count any column holds on every database we support (PostgreSQL integer).
MAX_INT = 2**31 - 1
INT_ID = {"type": "integer", "minimum": 1, "maximum": MAX_INT}
# Text that PostgreSQL can store: no NUL characters (SQLite would take them; refuse them alike).
NO_NUL = "^[^\\x00]*$"
# Text without control characters (tabs and line breaks allowed), as the spreadsheet readers
# and the audits importer require: C0 and C1 controls hide things, such as a formula after NUL.
PRINTABLE = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
# One line of text without any control character.
ONE_LINE = "^[^\\x00-\\x1f\\x7f]*$"
# What str.strip() removes, spelled out: "\\s" differs between Python and ECMA-262 regexes.
SPACE = ("\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a"
         "\\u2028\\u2029\\u202f\\u205f\\u3000")
# Text with something in it besides spaces (a schema pattern; the same in both regex dialects).
NOT_BLANK = f"[^{SPACE}]"

_FORMATS = FormatChecker(formats=())
# A whole number as query text; "244.0" too, as JSON Schema's integer includes it.
_INT_TEXT = re.compile(r"-?[0-9]{1,30}(?:\.0{0,10})?")


MAX_PER_PAGE = 500
# Query properties of every list (API.md: lists); merge them into a list's query schema.
PAGE_QUERY: dict[str, dict[str, Any]] = {
    "page": {**INT_ID, "description": "1 for the first page"},
    "per_page": {**INT_ID, "description": f"default 50; values above {MAX_PER_PAGE} count as "
                                          f"{MAX_PER_PAGE}"},
}
_ERROR_BODY = {
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": ["string", "null"]}, "row": {"type": ["integer", "null"]},
            "column": {"type": ["string", "null"]}, "message": {"type": "string"}}},
            "description": "{field, message} for bad input, {row, column, message} for uploads"},
        "request_id": {"type": "string"},
    },
}
# Schemas of the shell itself; packages add theirs through registry().openapi_schemas.
BASE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": _ERROR_BODY}},
    "PageQuery": {"type": "object", "properties": PAGE_QUERY},
}


def _at_most(limit: int) -> str:
    """A regex of the decimal numbers 0..limit, without leading zeros beyond one digit."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            low = "1" if i == 0 and len(digits) > 1 else "0"
            if int(d) - 1 >= int(low):
                rest = len(digits) - i - 1
                options.append(digits[:i] + f"[{low}-{int(d) - 1}]" + (f"[0-9]{{{rest}}}"
                                                                          if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits up to MAX_INT, so a larger id is a 404.

    The bound is in the regex, not only in to_python, so that an out-of-range id is 404
    whatever the method (werkzeug answers 405 when a route's method differs before it
    converts the value).
    """

    regex = _at_most(MAX_INT)

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_INT, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def register_format(name: str, check: Callable[[str], object]) -> None:
    """`check(value)` raises ValueError (or returns False) when a string is not of this format."""

    def checker(value: object) -> bool:
        if not isinstance(value, str):
            return True  # formats constrain strings only; `type` refuses the rest
        try:
            return check(value) is not False
        except ValueError:
            return False

    _FORMATS.checks(name)(checker)


def text(max_length: int, *, nullable: bool = True, **extra: Any) -> dict[str, Any]:
    """A free-text string that the database can store."""
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string",
                              "maxLength": max_length, "pattern": NO_NUL}
    return schema | extra


def required_text(max_length: int, pattern: str = NO_NUL, **extra: Any) -> dict[str, Any]:
    """Text the service strips and refuses when nothing is left."""
    return {"type": "string", "maxLength": max_length,
            "allOf": [{"pattern": pattern}, {"pattern": NOT_BLANK}]} | extra


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name: str) -> dict[str, Any]:
    """The schema of a list answer (API.md: lists)."""
    return {"type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {"items": {"type": "array", "items": ref(name)},
                           "total": {"type": "integer", "minimum": 0},
                           "page": {"type": "integer", "minimum": 1},
                           "per_page": {"type": "integer", "minimum": 1}}}


@dataclass(frozen=True)
class ApiResource:
    """A resource's one shape: output properties, which are read-only, and how to read them.

    `schema()` is what the API answers; `input_schema()` is what it accepts (the writable
    properties, unknown ones refused; read-only ones tolerated so that a GET body can be sent
    back). `dump(obj)` serialises by walking the same properties.
    """

    name: str
    properties: dict[str, dict[str, Any]]
    read_only: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # property -> function(obj) for values that are not a plain attribute of the object
    computed: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # writable property -> its input schema when it differs from the output one
    inputs: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""

    def schema(self) -> dict[str, Any]:
        props = {k: ({**v, "readOnly": True} if k in self.read_only else v)
                 for k, v in self.properties.items()}
        out: dict[str, Any] = {"type": "object", "required": list(self.properties),
                               "properties": props}
        if self.description:
            out["description"] = self.description
        return out

    def input_schema(self, *, partial: bool = False) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for key, value in self.properties.items():
            if key in self.read_only:  # tolerated, so that a GET body can be sent back
                props[key] = {**value, "readOnly": True,
                              "description": "read-only: ignored when sent"}
            else:
                props[key] = self.inputs.get(key, value)
        for key, value in self.inputs.items():
            props.setdefault(key, value)
        schema: dict[str, Any] = {"type": "object", "properties": props,
                                  "additionalProperties": False}
        if self.required and not partial:
            schema["required"] = list(self.required)
        return schema

    def dump(self, obj: Any) -> dict[str, Any]:
        get = self.computed.get
        return {key: (get(key) or (lambda o, k=key: getattr(o, k)))(obj)
                for key in self.properties}


@dataclass(frozen=True)
class ApiOperation:
    """What an API view takes and answers, for validation and for the OpenAPI document."""

    status: int = 200
    response: str | dict | None = None   # component name, or an inline schema
    many: bool = False                   # a page of `response`
    body: str | None = None              # component name of the JSON body
    query: str | None = None             # component name of an object: one property per arg
    upload: tuple[str, ...] = ()         # multipart field `file`: the media types accepted
    produces: tuple[str, ...] = ()       # binary answers: their media types
    errors: frozenset[int] = frozenset()  # statuses beyond those app/openapi.py infers
    lookup_first: bool = False           # body passed as a callable: 404 before a 422
    # other successes: (status, component name), e.g. (202, "ReportQueued") beside a file
    also: tuple[tuple[int, str], ...] = ()


def api_route(
    *, status: int = 200, response: str | dict | None = None, many: bool = False,
    body: str | None = None, query: str | None = None, upload: Iterable[str] = (),
    produces: Iterable[str] = (), errors: Iterable[int] = (), lookup_first: bool = False,
    also: Mapping[int, str] | None = None,
) -> Callable[[Callable], Callable]:
    op = ApiOperation(status, response, many, body, query, tuple(upload), tuple(produces),
                      frozenset(errors), lookup_first, tuple(sorted((also or {}).items())))

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if op.query:
                kwargs["query"] = validated_query(op.query)
            if op.body:
                name = op.body
                kwargs["body"] = ((lambda: validated_body(name)) if op.lookup_first
                                  else validated_body(name))
            if op.upload:
                _only_the_file()
            return view(*args, **kwargs)

        wrapper.api = op  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --- validation ----------------------------------------------------------------------------

def _schemas() -> dict[str, dict]:
    from app.registry import registry

    return BASE_SCHEMAS | registry(current_app).openapi_schemas


def _validator(name: str) -> Draft202012Validator:
    cache = current_app.extensions.setdefault("tierlight_validators", {})
    found = cache.get(name)
    if found is None:
        schemas = _schemas()
        doc = {"components": {"schemas": schemas}}
        reg = Registry().with_resource(
            "urn:api", SchemaResource(doc, specification=DRAFT202012))
        schema = {"$ref": f"urn:api#/components/schemas/{name}"}
        found = cache[name] = Draft202012Validator(schema, registry=reg, format_checker=_FORMATS)
    return found


def _field(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


def _details(error: Any) -> list[dict[str, str]]:
    """One jsonschema error as {field, message} entries naming the offending field."""
    where = list(error.absolute_path)
    if error.validator == "required":
        missing = [k for k in error.validator_value
                   if isinstance(error.instance, dict) and k not in error.instance]
        return [{"field": _field([*where, k]), "message": "required"} for k in missing]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        return [{"field": _field([*where, k]), "message": "unknown field"}
                for k in error.instance if k not in known]
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Report the branch that got furthest, not "is not valid under any of the schemas".
        best = max(error.context, key=lambda e: len(e.absolute_path))
        if list(best.absolute_path) != where:
            return _details(best)
        if all(e.validator == "required" for e in error.context):
            return _details(error.context[0])  # one of several fields is required: name one
    return [{"field": _field(where) or "body", "message": _message(error)}]


def _message(error: Any) -> str:
    v, value = error.validator, error.validator_value
    if v == "type":
        kinds = [value] if isinstance(value, str) else list(value)
        words = {"integer": "a whole number", "string": "text", "null": "null",
                 "object": "an object", "array": "a list", "boolean": "true or false",
                 "number": "a number"}
        return "must be " + " or ".join(words.get(k, k) for k in kinds)
    if v == "minimum":
        return f"must be at least {value}"
    if v == "maximum":
        return f"must be at most {value}"
    if v == "maxLength":
        return f"must be at most {value} characters"
    if v == "minLength":
        return f"must be at least {value} character{'s' if value != 1 else ''}"
    if v == "enum":
        return "must be one of " + ", ".join(str(x) for x in value)
    if v == "pattern":
        if value == NO_NUL or "\x00" in str(error.instance):
            return "must not contain NUL characters"
        return "must not be blank" if not str(error.instance).strip() else "has the wrong form"
    if v == "format":
        return f'"{str(error.instance)[:60]}" is not a valid {value}'
    return error.message[:200]


def validate(name: str, instance: Any) -> Any:
    """`instance` if it matches component schema `name`; else 422 naming every bad field."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    if not errors:
        return instance
    details: list[dict[str, str]] = []
    for error in errors:
        for detail in _details(error):
            if detail not in details:
                details.append(detail)
    first = details[0]
    raise ValidationFailed(f"{first['field']}: {first['message']}.", details)


def _surrogate_field(value: Any, path: list[Any]) -> str | None:
    """The path of a string holding a lone surrogate (JSON allows "\\ud800"; nothing stores it)."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return _field(where) or "body"
        elif isinstance(item, dict):
            stack.extend((v, [*where, k]) for k, v in item.items())
            stack.extend((k, [*where, k]) for k in item if isinstance(k, str))
        elif isinstance(item, list):
            stack.extend((v, [*where, i]) for i, v in enumerate(item))
    return None


def read_json() -> Any:
    """The parsed JSON body; 422 naming `body` when it is not JSON or not well formed."""
    if not request.is_json:
        raise ValidationFailed(
            "The request body must be JSON (Content-Type: application/json).",
            [{"field": "body", "message": "Content-Type must be application/json"}],
        )
    try:
        data = request.get_json(silent=False)
    except RecursionError:
        data = ValueError
    except Exception:  # werkzeug's BadRequest for JSON it cannot decode
        data = ValueError
    if data is ValueError:
        raise ValidationFailed("The body is not well-formed JSON.",
                               [{"field": "body", "message": "not well-formed JSON"}])
    bad = _surrogate_field(data, [])
    if bad is not None:
        raise ValidationFailed(f"{bad}: text must be valid Unicode.",
                               [{"field": bad, "message": "contains a lone surrogate"}])
    return data


def _only_the_file() -> None:
    """An upload is the multipart field `file` alone; other fields are refused, naming them."""
    unknown = sorted((set(request.form) | set(request.files)) - {"file"})
    if unknown:
        raise ValidationFailed(
            f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)[:200]}.",
            [{"field": name[:100], "message": "unknown field"} for name in unknown[:20]],
        )


def validated_body(name: str) -> dict[str, Any]:
    return validate(name, read_json())


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """A query string value as the type its schema asks for, where it reads as one."""
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    for option in schema.get("anyOf", []):
        kinds += [option["type"]] if isinstance(option.get("type"), str) else []
    if "integer" in kinds and _INT_TEXT.fullmatch(raw):
        return int(raw.split(".")[0])
    if "boolean" in kinds and raw.lower() in ("true", "false", "1", "0"):
        return raw.lower() in ("true", "1")
    return raw


def validated_query(name: str) -> dict[str, Any]:
    """The query arguments that schema `name` declares, coerced and validated (422 naming them)."""
    schema = _schemas()[name]
    values: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        raw = request.args.get(key)
        if raw is None:
            continue
        values[key] = _coerce(raw, prop)
    validate(name, values)
    return values


def int_arg(args: Mapping[str, str], name: str, default: int | None = None, *,
            minimum: int = 1, maximum: int = MAX_INT) -> int | None:
    """A whole-number query argument within bounds; anything else is a 422 naming it."""
    raw = (args.get(name) or "").strip()
    if raw == "":
        return default
    if not _INT_TEXT.fullmatch(raw) or not minimum <= int(raw.split(".")[0]) <= maximum:
        raise ValidationFailed(
            f"{name} must be a whole number from {minimum:,} to {maximum:,}.",
            [{"field": name, "message": f'"{raw[:40]}" is not a whole number from {minimum} '
                                        f"to {maximum}"}],
        )
    return int(raw.split(".")[0])
