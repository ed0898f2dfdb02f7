"""Screening's matcher (risk/screening/matcher.py) over suppliers.matching: real-world spellings,
blocking that loses nothing the comparison would put forward, fingerprints."""

from __future__ import annotations

import random

import pytest

from risk.screening.matcher import (
    MAX_POSTING,
    EntryIndex,
    Stats,
    entry_fingerprint,
    screen,
    supplier_fingerprint,
)
from suppliers.matching import THRESHOLDS, Named, compare


def outcome(supplier: Named, entry: Named) -> str | None:
    """"certain", "possible" or None (not put forward), through the index as a run does."""
    found = list(screen(EntryIndex.build([(1, entry)]), [(10, supplier)]))
    if not found:
        return None
    assert len(found) == 1
    return "certain" if found[0].certain else "possible"


HOSHINE = Named.of("Hoshine Silicon Industry Co., Ltd. and Subsidiaries", country="CN")

# (supplier as a buyer wrote it, the list entry, what screening puts forward)
SPELLINGS = [
    # the issue's example: upper case, no punctuation, no "and Subsidiaries"
    (Named.of("HOSHINE SILICON INDUSTRY CO LTD", country="CN"), HOSHINE, "possible"),
    # ... the same name in another country, with another registration number: not put forward
    (Named.of("HOSHINE SILICON INDUSTRY CO LTD", country="DE",
              identifiers=["HRB 123456 Berlin"]),
     Named.of("Hoshine Silicon Industry Co., Ltd.", country="CN",
              identifiers=["91650421MA77TDNB9X"]), None),
    # punctuation, spacing, a place in brackets
    (Named.of("Hoshine-Silicon  Industry (Shanshan) Co.,Ltd", country="CN"),
     Named.of("Hoshine Silicon Industry (Shanshan) Co., Ltd", country="CN"), "possible"),
    # a typo in the distinctive word (the prefix key finds it)
    (Named.of("Hoshin Silicon Industry", country="CN"), HOSHINE, "possible"),
    # Chinese as written, against the entry's Chinese alias
    (Named.of("合盛硅业股份有限公司", country="CN"),
     Named.of("Hoshine Silicon Industry Co., Ltd.", aliases=["合盛硅业股份有限公司"],
              country="CN"), "possible"),
    # Chinese supplier with its Latin name, against an English-only entry
    (Named.of("合盛硅业股份有限公司", latin="Hoshine Silicon Industry Co Ltd", country="CN"),
     HOSHINE, "possible"),
    # ... and without one: nothing to compare the English entry with
    (Named.of("合盛硅业股份有限公司", country="CN"), HOSHINE, None),
    # Vietnamese with and without diacritics (and "đ")
    (Named.of("Công ty TNHH Dệt May Thành Công", country="VN"),
     Named.of("CONG TY TNHH DET MAY THANH CONG", country="VN"), "possible"),
    (Named.of("Công ty Cổ phần Đồng Tiến", country="VN"),
     Named.of("Dong Tien Joint Stock Company", country="VN"), "possible"),
    # Indonesian "PT ... Tbk"
    (Named.of("PT Sri Rejeki Isman Tbk", country="ID"),
     Named.of("Sri Rejeki Isman", country="ID"), "possible"),
    # Mexican "S.A. de C.V."
    (Named.of("Grupo Textil del Norte, S.A. de C.V.", country="MX"),
     Named.of("GRUPO TEXTIL DEL NORTE SA DE CV", country="MX"), "possible"),
    # German "GmbH & Co. KG", umlaut written out
    (Named.of("Müller Textil GmbH & Co. KG", country="DE"),
     Named.of("Mueller Textil GmbH", country="DE"), "possible"),
    # Brazilian "Ltda.", and the CNPJ the list gives beside the name
    (Named.of("TECELAGEM BOA VISTA LTDA", country="BR"),
     Named.of("Tecelagem Boa Vista Ltda.", country="BR", identifiers=["12.345.678/0001-90"]),
     "possible"),
    # Vietnamese JSC, Russian OOO in Cyrillic (as written), US LLC
    (Named.of("Hanoi Textile JSC", country="VN"),
     Named.of("Hanoi Textile Joint Stock Company", country="VN"), "possible"),
    (Named.of("ООО «Ромашка»", country="RU"), Named.of("ООО Ромашка", country="RU"),
     "possible"),
    (Named.of("Coastal Seafood LLC", country="US"),
     Named.of("Coastal Seafood, L.L.C.", country="US"), "possible"),
    # an identifier in common is certain, whatever the names and countries
    (Named.of("Northwind Trading", country="GB", identifiers=["5493001KJTIIGC8Y1R12"]),
     Named.of("Xinjiang Something Else Co.", country="CN",
              identifiers=["5493 001K JTII GC8Y 1R12"]), "certain"),
    # unrelated names, and a name only partly alike
    (Named.of("Shenzhen Bright Garments Co., Ltd.", country="CN"), HOSHINE, None),
    (Named.of("Hoshine Logistics", country="CN"), HOSHINE, None),
]


@pytest.mark.parametrize(("supplier", "entry", "expected"), SPELLINGS,
                         ids=[s.names[0][:40] for s, _e, _x in SPELLINGS])
def test_real_world_spellings(supplier, entry, expected):
    assert outcome(supplier, entry) == expected


def test_the_issues_example_in_full():
    entry = Named.of("Hoshine Silicon Industry Co., Ltd. and Subsidiaries", country="CN")
    [found] = screen(EntryIndex.build([(7, entry)]),
                     [(1, Named.of("HOSHINE SILICON INDUSTRY CO LTD", country="CN"))])
    assert (found.supplier_id, found.entry_id, found.certain) == (1, 7, False)
    assert found.score >= THRESHOLDS.possible
    assert found.reasons == ('same name once normalised ("hoshine industry silicon")',
                             "same country (CN)")
    abroad = compare(Named.of("HOSHINE SILICON INDUSTRY CO LTD", country="DE",
                              identifiers=["HRB 123456"]),
                     Named.of("Hoshine Silicon Industry Co., Ltd.", country="CN",
                              identifiers=["91650421MA77TDNB9X"]))
    assert not abroad.certain and abroad.ruled_out
    assert "different country (DE vs CN)" in abroad.reasons


def test_an_entry_without_a_country_meets_suppliers_of_every_country():
    entry = Named.of("Century Sunshine Group Holdings, Ltd.")
    for country in ("HK", "CN", "BM"):
        assert outcome(Named.of("Century Sunshine Group Holdings Limited", country=country),
                       entry) == "possible"


def _common_index(extra: list[Named]) -> EntryIndex:
    """An index where "xinjiang", "cotton" and "trading" are common keys of CN."""
    rng = random.Random(3)
    filler = [Named.of(f"Xinjiang {rng.choice('ABCDEFGH')}{i} Cotton Trading", country="CN")
              for i in range(MAX_POSTING + 20)]
    return EntryIndex.build(list(enumerate(filler + extra, start=1)))


def test_names_of_common_words_only_are_still_found():
    target = Named.of("Xinjiang Cotton Trading Co.", country="CN")
    index = _common_index([target])
    target_id = len(index)
    assert len(index.postings[("CN", "xinjiang")]) > MAX_POSTING
    # every word common: the entry is indexed by its word pairs as well
    found = {f.entry_id for f in screen(index, [(1, Named.of("XINJIANG COTTON TRADING "
                                                             "COMPANY LIMITED", country="CN"))])}
    assert target_id in found
    # a rare word of the supplier's own does not hide the entry it otherwise names
    found = {f.entry_id for f in screen(index, [(2, Named.of("Xinjiang Cotton Trading Aksu",
                                                             country="CN"))])}
    assert target_id in found


def test_blocking_and_prefilter_lose_nothing_compare_would_put_forward():
    rng = random.Random(11)
    words = ["Xinjiang", "Hoshine", "Silicon", "Cotton", "Aksu", "Textile", "Trading", "Hami",
             "Zhongtai", "Chemical", "Golden", "Sun", "Esquel", "Turpan", "Yarn", "Dong", "Tien"]
    forms = ["Co., Ltd.", "Co Ltd", "LLC", "JSC", "GmbH", "Group", ""]

    def name():
        return " ".join([*rng.sample(words, rng.randint(1, 3)), rng.choice(forms)]).strip()

    entries = [(i, Named.of(name(), country=rng.choice(["CN", "CN", "VN", None])))
               for i in range(1, 61)]
    suppliers = [(i, Named.of(name(), country=rng.choice(["CN", "VN", "DE"])))
                 for i in range(1, 201)]
    brute = set()
    for sid, s in suppliers:
        for eid, e in entries:
            m = compare(s, e)
            if m.certain or (not m.ruled_out and m.score >= THRESHOLDS.possible):
                brute.add((sid, eid, m.score))
    stats = Stats()
    found = {(f.supplier_id, f.entry_id, f.score)
             for f in screen(EntryIndex.build(entries), suppliers, stats)}
    assert found == brute and len(found) > 20
    assert stats.compared < len(entries) * len(suppliers) / 5  # blocking did block


def test_fingerprints_change_with_what_is_matched_only():
    base = entry_fingerprint("Hoshine", ["A", "B"], "CN", ["91650421MA77TDNB9X"])
    assert base == entry_fingerprint("Hoshine", ["B", "A"], "CN", ["9165 0421 MA77 TDNB 9X"])
    assert base != entry_fingerprint("Hoshine Silicon", ["A", "B"], "CN", ["91650421MA77TDNB9X"])
    assert base != entry_fingerprint("Hoshine", ["A", "B"], "HK", ["91650421MA77TDNB9X"])
    s = supplier_fingerprint("合盛硅业", None, "CN", [None, None, None])
    assert s != supplier_fingerprint("合盛硅业", "Hoshine Silicon", "CN", [None, None, None])
    assert s != supplier_fingerprint("合盛硅业", None, "CN", ["CN2019303BQ3FZP", None, None])
    assert s != base
