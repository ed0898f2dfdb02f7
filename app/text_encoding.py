"""Which text encoding an uploaded CSV file is in: recognised with confidence, or refused.

Excel saves "CSV" in the computer's legacy code page: Windows-1252 in Western Europe and the
Americas, GBK in mainland China, Big5 in Taiwan and Hong Kong, Shift-JIS in Japan. Decoding
one as another never fails loudly: GBK read as Windows-1252 stored 上海纺织有限公司 as
ÉÏº£·ÄÖ¯ÓÐÏÞ¹«Ë¾. So UTF-8 is taken when all of the file decodes as UTF-8; otherwise
charset-normalizer ranks the legacy encodings below, each candidate must decode the whole file
without error, and two candidates that read differently but score alike are a refusal: a
file we are unsure of is never stored.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from charset_normalizer import from_bytes

# Python codec -> how people know it. The first of each is what we decode with.
ACCEPTED = {
    "utf_8": "UTF-8 (with or without BOM)",
    "cp1252": "Windows-1252 (Western European)",
    "gb18030": "GBK / GB18030 (Simplified Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp932": "Shift-JIS (Japanese)",
}
_DECODE_AS = {"utf_8": "utf-8-sig", "big5": "cp950"}  # cp950: Big5 as Windows writes it
_MARGIN = 0.05  # a runner-up this close to the best, reading differently: not confident
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_LATIN_RUN = re.compile(r"[^\x00-\x7f]{3,}")  # 3+ accented letters in a row: mojibake


def accepted_encodings() -> str:
    return ", ".join(ACCEPTED.values())


def _is_utf8(path: Any) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _penalty(encoding: str, text: str) -> float:
    """Signs of a wrong guess that charset-normalizer scores as clean, as a share of the
    non-ASCII characters: half-width katakana (Chinese bytes read as Shift-JIS) and runs of
    accented Latin letters (Asian bytes read as Windows-1252)."""
    foreign = (len(text) - len(text.encode("ascii", "ignore"))) or 1
    signs = {"cp932": _HALFWIDTH_KANA, "cp1252": _LATIN_RUN}.get(encoding)
    if signs is None:
        return 0.0
    return (len(text) - len(signs.sub("", text))) / foreign  # counted without a list


def _sample(data: bytes, limit: int = 1 << 20) -> bytes:
    """The lines that hold non-ASCII bytes, up to `limit`: the only ones that tell encodings
    apart. Splitting at LF is safe: no accepted encoding uses 0x0A inside a character."""
    lines, size = [], 0
    for line in data.split(b"\n"):
        if not line.isascii():
            lines.append(line)
            size += len(line) + 1
            if size >= limit:
                break
    return b"\n".join(lines)


def decode_plan(path: Any) -> tuple[str | None, str]:
    """(codec to open the file with, "") or (None, a sentence for the user)."""
    if _is_utf8(path):
        return "utf-8-sig", ""
    with open(path, "rb") as f:
        data = f.read()
    sample = _sample(data)
    scored: list[tuple[float, str, str]] = []
    for match in from_bytes(sample, cp_isolation=list(ACCEPTED)):
        name = match.encoding
        if name not in ACCEPTED or name == "utf_8":
            continue
        codec = _DECODE_AS.get(name, name)
        try:
            data.decode(codec)  # every byte, not only the sample that was scored
        except UnicodeDecodeError:
            continue
        text = sample.decode(codec)
        scored.append((match.chaos + _penalty(name, text), name, text))
    scored.sort(key=lambda item: item[0])
    advice = ('Save it from Excel as "CSV UTF-8 (comma delimited)" and upload it again. '
              f"Accepted encodings: {accepted_encodings()}.")
    if not scored:
        return None, f"The CSV file is not in a text encoding we accept. {advice}"
    best_score, best, text = scored[0]
    rivals = [name for score, name, other in scored[1:]
              if score - best_score < _MARGIN and other != text]
    if rivals:
        names = " or ".join(ACCEPTED[n].split(" (")[0] for n in (best, *rivals))
        return None, (f"The CSV file's text encoding could not be recognised with confidence "
                      f"(it reads differently as {names}). {advice}")
    return _DECODE_AS.get(best, best), ""
