"""The public channel's languages (Flask-Babel, for the worker's pages only).

The page language comes from a `lang` value in the query or the form (the language menu and
every form carry it), else the best of the browser's Accept-Language among the languages we
translated, else English. Never a cookie: the channel keeps nothing about the reader.
Catalogues: grievances/translations/<lang>/LC_MESSAGES/messages.po (babel.cfg says what is
extracted; `pybabel compile -d grievances/translations` writes the .mo files, committed).
Every other page of Tierlight is English, so the locale selector answers only for the public
blueprints.
"""

from __future__ import annotations

from pathlib import Path

import pycountry
from babel import Locale, UnknownLocaleError
from flask import Flask, has_request_context, request
from flask_babel import Babel, format_date, get_locale
from flask_babel import lazy_gettext as _l

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# English is the source; the others are translated by us (issue 12), Chinese as Simplified.
SUPPORTED: tuple[str, ...] = ("en", "es", "fr", "zh", "bn", "ne", "hi", "my", "vi", "id")
PUBLIC_BLUEPRINTS = frozenset({"grievances_public", "grievances_public_api"})

# What happened, in the words of a worker (codes: grievances/states.py CATEGORIES).
CATEGORY_LABELS = {
    "recruitment_fees": _l("I had to pay money to get this job (recruitment fees or debt)"),
    "identity_documents": _l("My passport or ID card is kept from me"),
    "wages": _l("Wages are not paid, paid late or cut"),
    "hours": _l("Too many working hours, or no day of rest"),
    "movement": _l("I am not free to leave the workplace or the housing"),
    "violence": _l("Violence, threats or sexual harassment"),
    "living_conditions": _l("Bad or unsafe housing, food or water"),
    "child_labour": _l("Children are working"),
    "other": _l("Something else"),
}
# Where the case stands, as the reporter reads it (codes: states.STATUSES).
STATUS_LABELS = {
    "received": _l("Received. The company has not answered yet."),
    "acknowledged": _l("The company has confirmed it received your report."),
    "investigating": _l("The company is looking into your report."),
    "resolved": _l("The company says the problem has been solved."),
    "closed": _l("The case is closed."),
}


def page_language() -> str:
    """The language of this public page (see the module's docstring)."""
    wanted = str(request.values.get("lang") or "").strip().lower()
    if wanted in SUPPORTED:
        return wanted
    return request.accept_languages.best_match(SUPPORTED) or "en"


def _select_locale() -> str | None:
    if not has_request_context() or request.blueprint not in PUBLIC_BLUEPRINTS:
        return None  # the default: English
    return page_language()


def current() -> str:
    return str(get_locale() or "en")


def direction(code: str) -> str:
    """"rtl" or "ltr" for the page's dir attribute."""
    try:
        order = Locale.parse(code).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def endonym(code: str) -> str:
    """A language's name in itself ("नेपाली"), for the language menu."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code


def language_choices(first: tuple[str, ...] | list[str] = ()) -> list[tuple[str, str]]:
    """Every ISO 639-1 language as (code, name in the page language), the `first` ones (the
    channel's) at the top."""
    page = current()
    try:
        names = Locale.parse(page).languages
    except (UnknownLocaleError, ValueError):
        names = {}
    codes = sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))

    def name(code: str) -> str:
        local = names.get(code) or pycountry.languages.get(alpha_2=code).name
        own = endonym(code)
        return local if own in (local, code) else f"{own} ({local})"

    top = [c for c in dict.fromkeys(first) if c in codes]
    rest = sorted((c for c in codes if c not in top), key=lambda c: name(c).casefold())
    return [(c, name(c)) for c in top] + [(c, name(c)) for c in rest]


def long_date(value) -> str:
    return format_date(value, "long") if value else ""


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_select_locale,
          default_translation_directories=str(TRANSLATIONS))
