"""Finding likely duplicates among one network's suppliers (the pure module)."""

from __future__ import annotations

import pytest

from suppliers.duplicates import Record, candidate_pairs, find_duplicates, fingerprint
from suppliers.matching import THRESHOLDS, Thresholds

ADDRESS = "Lot A1, Song Than 1 Industrial Park, Di An, Binh Duong"


def rec(i, name, country="VN", **values):
    return Record(i, name, country, **values)


def pairs_of(records, t=THRESHOLDS):
    pairs, _stats = find_duplicates(records, t)
    return {(p.low_id, p.high_id): p for p in pairs}


def test_one_factory_written_two_ways_is_a_pair_with_its_reasons():
    found = pairs_of([
        rec(7, "SAIGON STITCH CO., LTD.", address=ADDRESS,
            identifiers=("VN2021123ABCDEF", None, None)),
        rec(3, "Saigon Stitch Company Limited", address=ADDRESS.upper()),
        rec(5, "Dhaka Denim Works", "BD", address="Plot 4, Gazipur"),
    ])
    assert list(found) == [(3, 7)]
    pair = found[(3, 7)]
    assert pair.score == 100.0 and not pair.certain
    assert pair.reasons == ('same name once normalised ("saigon stitch")', "same country (VN)",
                            "same address (100/100)")


def test_similar_names_need_the_same_address_or_a_product_in_common():
    base = rec(1, "Saigon Stitch Co., Ltd.", address="12 Industrial Road, Di An",
               products=("T-shirts",))
    other_place = rec(2, "Saigon Stitch Company", address="88 Harbour Street, Vung Tau")
    same_product = rec(3, "SAIGON STITCH", address="5 Nguyen Hue, District 1, Ho Chi Minh City",
                       products=("t-shirts ", "caps"))
    found = pairs_of([base, other_place, same_product])
    assert set(found) == {(1, 3)}
    assert "products in common: t-shirts" in found[(1, 3)].reasons


def test_another_country_or_a_different_identifier_of_the_same_kind_is_no_pair():
    found = pairs_of([
        rec(1, "Saigon Stitch", "VN", address=ADDRESS, identifiers=("VN2021123ABCDEF",)),
        rec(2, "Saigon Stitch", "KH", address=ADDRESS),
        rec(3, "Saigon Stitch", "VN", address=ADDRESS, identifiers=("VN2021999ZZZZZZ",)),
    ])
    assert found == {}


def test_a_shared_identifier_is_certain_whatever_the_names_and_countries():
    found = pairs_of([
        rec(1, "Anhui Cotton Spinning", "CN", identifiers=(None, "5493 00TR Y2U2 3Q9T 6F16")),
        rec(2, "Hefei Yarn Trading", "HK", identifiers=(None, "549300TRY2U23Q9T6F16")),
    ])
    assert found[(1, 2)].certain and found[(1, 2)].score == 100.0


def test_chinese_names_as_written_and_by_their_latin_name():
    found = pairs_of([
        rec(1, "新疆合盛硅业有限公司", "CN", address="新疆石河子", products=("silicon",)),
        rec(2, "合盛硅业股份有限公司", "CN", products=("Silicon",)),
        rec(3, "Xinjiang Hoshine Silicon Industry Co., Ltd.", "CN", products=("silicon",)),
        rec(4, "合盛硅业", "CN", latin_name="Xinjiang Hoshine Silicon Industry",
            products=("metal",)),
    ])
    assert (1, 2) in found  # one written inside the other
    assert (3, 4) not in found  # same names, but nothing else in common
    found = pairs_of([rec(3, "Xinjiang Hoshine Silicon Industry Co., Ltd.", "CN",
                          products=("silicon",)),
                      rec(4, "合盛硅业", "CN", latin_name="Xinjiang Hoshine Silicon Industry",
                          products=("silicon",))])
    assert list(found) == [(3, 4)]


def test_a_record_is_never_paired_with_itself_through_its_two_names():
    assert pairs_of([rec(1, "Saigon Stitch", latin_name="Saigon Stitch Co.",
                         address=ADDRESS)]) == {}


def test_a_huge_block_of_a_common_word_is_compared_by_neighbours_only():
    """1,000 suppliers called "<place> Garment": the block "garment" is too large to compare
    pair by pair, yet two spellings of one name still meet (as neighbours, or in their own
    smaller blocks)."""
    t = Thresholds(max_block=50, window=5)
    records = [rec(i, f"Garment {i:04d} Town{i}", address=f"{i} Road") for i in range(1, 1001)]
    records += [rec(2001, "GARMENT 0500 TOWN500 CO., LTD.", address="500 Road")]
    pairs, stats = find_duplicates(records, t)
    assert [(p.low_id, p.high_id) for p in pairs] == [(500, 2001)]
    assert stats.windowed_blocks >= 1
    full = 1001 * 1000 // 2
    assert stats.compared < full / 10  # nowhere near every pair
    blocks, would_score = candidate_pairs(records, t)
    assert would_score == stats.compared and blocks == stats.blocks


def test_names_of_short_words_only_are_still_compared():
    found = pairs_of([rec(1, "A & B Co.", address=ADDRESS), rec(2, "A and B", address=ADDRESS)])
    assert list(found) == [(1, 2)]


def test_fingerprint_follows_what_the_decision_was_about():
    one = rec(1, "Saigon Stitch", address=ADDRESS, products=("T-shirts", "caps"),
              identifiers=("VN2021123ABCDEF", None, None))
    same = rec(1, "Saigon Stitch", address=ADDRESS, products=("caps", "t-shirts"),
               identifiers=("vn2021123abcdef", None, None))
    assert fingerprint(one) == fingerprint(same)
    for changed in (rec(1, "Saigon Stitch 2", address=ADDRESS),
                    rec(1, "Saigon Stitch", address="Elsewhere"),
                    rec(1, "Saigon Stitch", "KH", address=ADDRESS),
                    rec(1, "Saigon Stitch", latin_name="x", address=ADDRESS)):
        assert fingerprint(changed) != fingerprint(one)
    assert len(fingerprint(one)) == 64


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "<b>x</b>", "\x00\x00", "🏭", "x" * 300,
                                  "Ltd Ltd Ltd", "", "   "])
def test_hostile_names_are_matched_without_error(name):
    records = [rec(1, name, address=name, products=(name,)), rec(2, name, address=name),
               rec(3, "Saigon Stitch", address=ADDRESS)]
    pairs, stats = find_duplicates(records)
    assert stats.records == 3
    assert all(p.low_id < p.high_id for p in pairs)


def test_pairs_come_most_certain_and_highest_first():
    records = [rec(1, "Saigon Stitch", address=ADDRESS),
               rec(2, "Saigon Stich", address=ADDRESS),
               rec(3, "Saigon Stitch", address=ADDRESS),
               rec(4, "Zebra Mills", "IN", identifiers=("150483782",)),
               rec(5, "Unrelated Name", "IN", identifiers=("15-048-3782",))]
    pairs, stats = find_duplicates(records)
    assert [(p.low_id, p.high_id) for p in pairs] == [(4, 5), (1, 3), (1, 2), (2, 3)]
    assert stats.candidates == 4 and stats.looked_at >= 4
