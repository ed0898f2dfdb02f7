"""ILO forced-labour indicators as auditors type them: codes or names -> FL codes.

Pure module (no Flask, no database). The codes and the ILO's names are app.indicators'; this
module adds the spellings an upload may use. Documented in docs/audits.md.
"""

from __future__ import annotations

import re

from app.indicators import INDICATORS

__all__ = ["NAMES", "parse_indicators"]

# Short forms accepted beside each ILO name (matched ignoring case and punctuation;
# "labor" is read as "labour").
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "FL01": ("vulnerability",),
    "FL02": ("deceptive recruitment",),
    "FL03": ("restricted movement", "movement restriction", "restrictions on movement"),
    "FL04": (),
    "FL05": ("violence", "physical violence", "sexual violence"),
    "FL06": ("intimidation", "threats"),
    "FL07": ("identity documents", "retention of documents", "document retention",
             "retention of identity document", "passport retention", "retention of passports"),
    "FL08": ("wage withholding", "withheld wages", "withholding wages"),
    "FL09": ("bonded labour",),
    "FL10": ("abusive working conditions", "abusive living conditions", "abusive conditions"),
    "FL11": ("overtime",),
}

_JUNK = re.compile(r"[\W_]+")
# FL09, fl9, FL 09, FL-09, FL_9: "FL", then 1-11 with at most one leading zero.
_CODE = re.compile(r"fl[\s_-]?0?(1[01]|[1-9])", re.IGNORECASE)
_SEPARATORS = re.compile(r"[;,]")


def _key(text: str) -> str:
    words = _JUNK.sub(" ", text.casefold().replace("&", " and ")).split()
    return " ".join("labour" if w == "labor" else w for w in words)


# _key(name or short form) -> code
NAMES: dict[str, str] = {
    **{_key(form): code for code, forms in SHORT_FORMS.items() for form in forms},
    **{_key(name): code for code, name in INDICATORS.items()},
}
_ORDER = {code: i for i, code in enumerate(INDICATORS)}


def _code(part: str) -> str | None:
    match = _CODE.fullmatch(part)
    if match:
        return f"FL{int(match.group(1)):02d}"
    return NAMES.get(_key(part))


def parse_indicators(text: str) -> list[str]:
    """"FL09; retention of identity documents, fl2" -> ["FL02", "FL07", "FL09"].

    Parts are separated by ";" or ","; each is a code (FL09, fl9, FL 09) or an indicator's
    name or short form in any case. The result is in FL order without duplicates; blank text
    is []. ValueError naming every part that is neither.
    """
    if not isinstance(text, str):
        raise ValueError("Indicators must be text, such as \"FL07; debt bondage\".")
    found: set[str] = set()
    bad: list[str] = []
    for raw in _SEPARATORS.split(text):
        part = raw.strip()
        if not part:
            continue
        code = _code(part)
        if code is None:
            bad.append(part if len(part) <= 60 else part[:57] + "...")
        else:
            found.add(code)
    if bad:
        shown = ", ".join(f'"{b}"' for b in bad[:5]) + (" ..." if len(bad) > 5 else "")
        one = len(bad) == 1
        raise ValueError(f"{shown} {'is not an' if one else 'are not'} ILO forced-labour "
                         f"indicator{'' if one else 's'}: use codes FL01 to FL11 or names such "
                         'as "Debt bondage" or "Retention of identity documents", separated '
                         'by ";".')
    return sorted(found, key=_ORDER.__getitem__)
