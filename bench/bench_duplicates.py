"""Benchmark duplicate detection over one network of 100,000 suppliers (target: under 60 s).

Run from the repository root: ``python bench/bench_duplicates.py [--suppliers N]
[--database-url URL]``. Prints one table; it is not a test and asserts nothing about timings.

The network is generated: names built from place, descriptive and industry words and legal
forms in several languages (so common words such as "garment" make huge blocks), Chinese
names with and without their Latin name, addresses and products; 2% of the suppliers get a
second record spelled another way (case, legal form, a typo, accents dropped, the Latin name),
at the same address. Measured, each stage with its own peak memory:

- ``floor``: the blocking alone, without rapidfuzz (suppliers.duplicates.candidate_pairs:
  normalising every name, the blocks, counting the pairs a scan would score);
- ``detect``: suppliers.duplicates.find_duplicates on the same records;
- ``scan``: what the queued job does, on a database: read the live suppliers, match, store
  the candidates (suppliers.services.duplicates), then a second scan that finds them all
  stored already.

Recall is the share of the planted second records found as pairs. The matcher's caches are
cleared before each stage.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench.common import make_app, peak_mb, reset_peak
from suppliers import matching
from suppliers.duplicates import Record, candidate_pairs, find_duplicates

TARGET_S = 60.0
PLACES = ["Saigon", "Hanoi", "Dhaka", "Tiruppur", "Bursa", "Penang", "Anhui", "Shenzhen",
          "Dongguan", "Ningbo", "Karachi", "Lahore", "Surat", "Jakarta", "Bandung",
          "Phnom Penh", "Hai Phong", "Binh Duong", "Chittagong", "Gazipur", "Izmir", "Denizli",
          "Faisalabad", "Ludhiana", "Colombo", "Yangon", "Addis Ababa", "Hawassa", "Tangerang",
          "Semarang", "Da Nang", "Nam Dinh", "Shaoxing", "Wuxi", "Xiamen", "Quanzhou"]
WORDS = ["Golden", "Star", "Lotus", "Phoenix", "Dragon", "Eagle", "Sun", "Moon", "Pearl",
         "Royal", "Green", "Blue", "Silver", "Unity", "Prime", "Global", "Pacific", "Orient",
         "Everest", "Crown", "Harbour", "River", "Lake", "Summit", "Ocean", "Jade", "Tiger",
         "Lion", "Falcon", "Bamboo", "Cedar", "Maple", "Coral", "Amber", "Ivory", "Onyx"]
TRADES = ["Stitch", "Denim", "Knit", "Textile", "Garment", "Apparel", "Spinning", "Weaving",
          "Dyeing", "Fashion", "Cotton", "Leather", "Footwear", "Trims", "Printing", "Washing",
          "Fabric", "Yarn", "Silk", "Sewing", "Embroidery", "Packaging", "Logistics",
          "Manpower", "Recruitment", "Accessories", "Buttons", "Zippers", "Labels", "Threads"]
FORMS = {"VN": ["Co., Ltd.", "Company Limited", "JSC", "Joint Stock Company"],
         "BD": ["Ltd.", "Limited", "(Pvt.) Ltd."], "IN": ["Pvt. Ltd.", "Private Limited"],
         "TR": ["A.Ş.", "San. ve Tic. A.Ş.", "Ltd. Şti."], "CN": ["Co., Ltd.", "Co.,Ltd"],
         "PK": ["(Pvt.) Ltd.", "Limited"], "ID": ["PT", "PT Tbk"], "KH": ["Co., Ltd."],
         "ET": ["PLC", "S.C."], "LK": ["(Pvt) Ltd"], "MM": ["Co., Ltd."]}
COUNTRIES = list(FORMS)
HANZI = "合盛硅业新疆纺织服装针织印染丝绸皮革鞋业制衣棉纺毛纺化纤华美东方金龙凤凰长江黄河"
PRODUCTS = ["t-shirts", "denim", "yarn", "fabric", "shoes", "buttons", "zips", "cotton",
            "polo shirts", "jackets", "socks", "gloves", "bags", "labels", "cartons"]


def _name(rng: random.Random, country: str) -> str:
    parts = [rng.choice(PLACES), rng.choice(WORDS)]
    parts += rng.sample(TRADES, k=rng.choice((1, 2, 2)))
    if rng.random() < 0.3:
        parts.append(str(rng.randint(1, 30)))
    return " ".join(parts) + " " + rng.choice(FORMS[country])


def _variant(rng: random.Random, record: Record, new_id: int) -> Record:
    """The same factory typed by someone else: case, legal form, one typo, the Latin name."""
    name = record.name
    base = name.rsplit(" ", 1)[0] if rng.random() < 0.5 else name
    choice = rng.random()
    if choice < 0.3:
        name = base.upper() + " " + rng.choice(FORMS[record.country]).upper()
    elif choice < 0.6:
        name = base.lower()
    elif choice < 0.8:
        i = rng.randrange(1, max(2, len(base) - 1))
        name = base[:i] + base[i + 1:]  # a letter dropped
    else:
        name = base.replace(" ", "  ").replace("o", "ó")
    latin = None
    if record.latin_name:  # a Chinese name: the second record has only the Latin one
        name, latin = record.latin_name, None
    return Record(new_id, name, record.country, latin, record.address.upper() if record.address
                  else None, record.products[:1], ())


def generate(n: int, seed: int = 13) -> tuple[list[Record], set[tuple[int, int]]]:
    rng = random.Random(seed)
    records: list[Record] = []
    twins = n // 50
    for i in range(1, n - twins + 1):
        country = rng.choice(COUNTRIES)
        address = f"{rng.randint(1, 999)} {rng.choice(PLACES)} Road, {rng.choice(PLACES)}"
        products = tuple(rng.sample(PRODUCTS, k=rng.choice((1, 1, 2))))
        if country == "CN" and rng.random() < 0.3:
            written = "".join(rng.sample(HANZI, k=rng.randint(4, 7))) + "有限公司"
            records.append(Record(i, written, country, _name(rng, country), address, products))
        else:
            records.append(Record(i, _name(rng, country), country, None, address, products))
    planted = set()
    for k, original in enumerate(rng.sample(records, k=twins), start=1):
        twin = _variant(rng, original, n - twins + k)
        records.append(twin)
        planted.add((original.id, twin.id))
    rng.shuffle(records)
    return records, planted


def _clear_caches() -> None:
    matching.normalise.cache_clear()
    matching._address.cache_clear()  # a benchmark measures cold runs


def _stage(results: dict, key: str, fn):
    _clear_caches()
    reset_peak()
    started = time.perf_counter()
    value = fn()
    results[key] = (time.perf_counter() - started, peak_mb())
    return value


def _seed(app, records: list[Record]) -> int:
    from sqlalchemy import insert

    from app.auth.services import create_org
    from app.db import get_db, utcnow
    from suppliers.models import Supplier

    with app.app_context():
        session = get_db(app).new_session(write=True)
        org = create_org(session, name="Bench Buyer", kind="buyer")
        session.flush()
        now = utcnow()
        rows = [{"id": r.id, "org_id": org.id, "name": r.name[:300],
                 "name_key": r.name[:300].casefold(), "latin_name": r.latin_name,
                 "country": r.country, "kind": "manufacturer", "address": r.address,
                 "products": list(r.products), "os_id": None, "lei": None, "duns": None,
                 "external_id": None, "created_at": now, "updated_at": now, "version": 1,
                 "listed": False} for r in records]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Supplier), rows[start:start + 5000])
        session.commit()
        org_id = org.id
        session.close()
    return org_id


def _scan(app, org_id: int):
    from app.db import get_db
    from suppliers.services import duplicates

    with app.app_context():
        reader = get_db(app).new_session(write=False)
        records, pairs, stats = duplicates.find_pairs(reader, org_id)
        reader.close()
        writer = get_db(app).new_session(write=True)
        summary = duplicates.store_candidates(writer, org_id, records, pairs, stats)
        writer.commit()
        writer.close()
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    records, planted = generate(args.suppliers)
    results: dict[str, tuple[float, float]] = {}
    blocks, would_score = _stage(results, "floor", lambda: candidate_pairs(records))
    pairs, stats = _stage(results, "detect", lambda: find_duplicates(records))
    found = {(p.low_id, p.high_id) for p in pairs}
    recall = len(planted & found) / len(planted) if planted else 1.0
    app = make_app(args.database_url)
    org_id = _seed(app, records)
    first = _stage(results, "scan", lambda: _scan(app, org_id))
    second = _stage(results, "rescan", lambda: _scan(app, org_id))

    floor, detect = results["floor"][0], results["detect"][0]
    db = "PostgreSQL" if (args.database_url or "").startswith("postgresql") else "SQLite"
    print(f"duplicate detection, {len(records):,} suppliers ({len(planted):,} planted second "
          f"records), {db} for the scans; target {TARGET_S:.0f} s")
    print(f"{'stage':<8} {'seconds':>8} {'peak MB':>8}  notes")
    print(f"{'floor':<8} {floor:8.2f} {results['floor'][1]:8.0f}  blocking alone: {blocks:,} "
          f"blocks, {would_score:,} pairs to score")
    print(f"{'detect':<8} {detect:8.2f} {results['detect'][1]:8.0f}  {stats.compared:,} pairs "
          f"compared, {stats.looked_at:,} looked at, {stats.candidates:,} candidates, "
          f"{stats.windowed_blocks:,} blocks by neighbours; recall {recall:.1%}")
    for key, summary in (("scan", first), ("rescan", second)):
        print(f"{key:<8} {results[key][0]:8.2f} {results[key][1]:8.0f}  read, match, store: "
              f"{summary.new:,} new, {summary.found:,} found, {summary.removed:,} removed")
    print(f"detect / floor = {detect / floor:.1f}x; scan within target: "
          f"{'yes' if results['scan'][0] < TARGET_S else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
