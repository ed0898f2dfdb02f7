"""Due-diligence reports at scale (issue 11).

1. The PDF report of a company with --pdf-suppliers (10,000) suppliers, seeded with scores
   (three factors each, a third naming ILAB goods), audits, findings, fees, questionnaires:
   reports.services.reports.produce end to end (facts, charts, WeasyPrint), the median of
   --runs, against a floor measured in the same run: WeasyPrint rendering a one-page document
   with the same print stylesheet. Target: under 10 s.
2. The XLSX report at each of --xlsx-sizes (10k, 50k, 100k suppliers): each size is seeded
   by one subprocess and written by another, which reports the baseline RSS after app setup
   and its peak RSS after writing (resource.getrusage ru_maxrss); the peak must not grow with
   the row count.

    python bench/bench_reports.py [--pdf-suppliers 10000] [--xlsx-sizes 10000,50000,100000]
                                  [--runs 3] [--database-url ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import risk_seed
from bench.common import peak_rss_mb, reset_peak, status_mb

PDF_TARGET_S = 10.0
HERE = Path(__file__).resolve()


def _app(url: str, folder: Path):
    from app import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder),
                       "PASSWORD_HASH_FAST": True, "UPLOAD_FOLDER": str(folder),
                       "REPORTS_FOLDER": str(folder / "reports")})


def seed(app, n: int) -> int:
    """A buyer with n suppliers (risk_seed's network and evidence), scored with Core inserts."""
    from sqlalchemy import bindparam, insert, update

    from app.auth.services import create_org
    from app.db import get_db, utcnow
    from risk.models import RiskScore
    from risk.weights import METHOD_VERSION, band
    from suppliers.models import Supplier
    from suppliers.services import refresh_tiers

    with app.app_context():
        session = get_db(app).new_session()
        org = create_org(session, name=f"Reports Bench Buyer {n}", kind="buyer")
        data = risk_seed.generate(n, n * 2)
        ids = risk_seed.insert(session, org.id, data)
        refresh_tiers(session, org.id)
        rng, now, rows, marks = random.Random(11), utcnow(), [], []
        for i, sid in enumerate(ids):
            score = round(min(100.0, rng.betavariate(2, 4) * 100), 1)
            factors = [
                {"code": "country_tip", "label": "Country: Tier 2 Watch List", "points": 12.0,
                 "evidence": []},
                {"code": "profile_migrants", "label": "30% migrant workers", "points": 6.0,
                 "evidence": []}]
            if i % 3 == 0:
                factors.append({"code": "goods", "label": "Goods on the ILAB list: Cotton",
                                "points": 30.0, "evidence": [{
                                    "kind": "dataset", "id": None, "row": 1,
                                    "text": 'ILAB, row 1: "Cotton" matches Cotton (CN): forced '
                                            "labour"}]})
            rows.append({"org_id": org.id, "supplier_id": sid, "score": score,
                         "band": band(score), "own_score": score, "inherited_score": 0.0,
                         "inherited_from_id": None, "inherited_path": [], "factors": factors,
                         "editions": {}, "method_version": METHOD_VERSION, "digest": "bench",
                         "computed_at": now, "changed_at": now})
            marks.append({"sid": sid, "score": score, "band": band(score)})
        for start in range(0, len(rows), 5000):
            session.execute(insert(RiskScore.__table__), rows[start:start + 5000])
        session.execute(update(Supplier.__table__).where(
            Supplier.__table__.c.id == bindparam("sid")).values(
            risk_score=bindparam("score"), risk_band=bindparam("band")), marks)
        session.commit()
        org_id = org.id
        session.close()
    return org_id


def _org(app, org_id: int):
    from app.auth.models import Organization
    from app.db import get_db

    session = get_db(app).new_session(write=False)
    return session, session.get(Organization, org_id)


def produce(app, org_id: int, fmt: str) -> Path:
    from reports.services.reports import default_period
    from reports.services.reports import produce as make

    start, end = default_period()
    with app.test_request_context():
        session, org = _org(app, org_id)
        try:
            path, _rows = make(session, org=org, fmt=fmt, period_start=start, period_end=end)
        finally:
            session.close()
    return path


def floor(app) -> float:
    from reports.pdf import html_to_pdf

    html = ('<!doctype html><html><head><link rel="stylesheet" href="print.css"></head><body>'
            '<section class="summary"><h2>Summary</h2><p>One page of the same stylesheet.</p>'
            '<table><thead><tr><th>Figure</th><th class="num">Value</th></tr></thead><tbody>'
            + "".join(f"<tr><td>Figure {i}</td><td class='num'>{i}</td></tr>" for i in range(10))
            + "</tbody></table></section></body></html>")
    with app.app_context():
        started = time.perf_counter()
        html_to_pdf(html)
        return time.perf_counter() - started


def pdf_bench(url: str | None, n: int, runs: int) -> bool:
    from bench.common import make_app

    app = make_app(url)
    started = time.perf_counter()
    org_id = seed(app, n)
    print(f"  seeded {n:,} suppliers with scores, audits, fees, questionnaires in "
          f"{time.perf_counter() - started:.1f} s")
    floor(app)  # warm WeasyPrint's fonts and caches for both
    floors, times, pages, size = [], [], 0, 0
    for _ in range(runs):
        floors.append(floor(app))
        started = time.perf_counter()
        path = produce(app, org_id, "pdf")
        times.append(time.perf_counter() - started)
        data = path.read_bytes()
        size = len(data)
        path.unlink()
        import pypdfium2

        doc = pypdfium2.PdfDocument(data)
        pages = len(doc)
        doc.close()
    median, low = statistics.median(times), statistics.median(floors)
    ok = median < PDF_TARGET_S
    print(f"  PDF report, {n:,} suppliers: median {median:.2f} s of {runs} (best "
          f"{min(times):.2f} s), {pages} pages, {size / 1024:.0f} KB; floor (one page, same "
          f"stylesheet) {low:.3f} s, ratio {median / low:.1f}x; target < {PDF_TARGET_S:g} s: "
          f"{'OK' if ok else 'MISSED'}")
    return ok


def xlsx_child(url: str, folder: str, org_id: int) -> None:
    """Write one XLSX in this process and print its RSS figures as JSON."""
    app = _app(url, Path(folder))
    with app.app_context():
        _org(app, org_id)[0].close()  # connect, load the models: the baseline includes them
    baseline = peak_rss_mb()
    resident = status_mb("VmRSS")
    reset_peak()  # the writer's own peak shows, even below setup's
    started = time.perf_counter()
    path = produce(app, org_id, "xlsx")
    seconds = time.perf_counter() - started
    print(json.dumps({"baseline_mb": baseline, "peak_mb": peak_rss_mb(), "seconds": seconds,
                      "resident_mb": resident, "writer_peak_mb": status_mb("VmHWM"),
                      "size_mb": path.stat().st_size / 2**20}))
    path.unlink()


def seed_child(url: str, folder: str, n: int) -> None:
    app = _app(url, Path(folder))
    print(json.dumps({"org_id": seed(app, n)}))


def _run(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(HERE), *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def xlsx_bench(url: str | None, sizes: list[int]) -> bool:
    from bench.common import make_app

    folder = Path(tempfile.mkdtemp(prefix="tierlight-bench-xlsx-"))
    db_url = url or f"sqlite:///{folder / 'bench.db'}"
    make_app(db_url)  # a migrated, empty database
    results = []
    for n in sizes:
        org_id = _run("--seed-child", str(n), "--url", db_url, "--folder", str(folder))["org_id"]
        figures = _run("--xlsx-child", str(org_id), "--url", db_url, "--folder", str(folder))
        results.append((n, figures))
        extra = figures["peak_mb"] - figures["baseline_mb"]
        print(f"  XLSX, {n:,} suppliers: {figures['seconds']:.1f} s, "
              f"{figures['size_mb']:.1f} MB; RSS after app setup {figures['baseline_mb']:.0f} "
              f"MB, peak {figures['peak_mb']:.0f} MB (+{extra:.0f} MB); resident before "
              f"writing {figures['resident_mb']:.0f} MB, peak while writing "
              f"{figures['writer_peak_mb']:.0f} MB", flush=True)
    growth = [max(f["peak_mb"] - f["baseline_mb"], f["writer_peak_mb"] - f["resident_mb"])
              for _n, f in results]
    flat = max(growth) - min(growth) < 60  # MB: a 10x row count must not add its rows' worth
    print(f"  peak above baseline from {sizes[0]:,} to {sizes[-1]:,} suppliers: "
          f"{' -> '.join(f'{g:.0f}' for g in growth)} MB: "
          f"{'bounded (does not grow with rows)' if flat else 'GROWS with rows'}")
    return flat


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf-suppliers", type=int, default=10_000)
    parser.add_argument("--xlsx-sizes", default="10000,50000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--seed-child", type=int)
    parser.add_argument("--xlsx-child", type=int)
    parser.add_argument("--url")
    parser.add_argument("--folder")
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TIERLIGHT_INSTANCE", args.folder or tempfile.mkdtemp())
    if args.seed_child is not None:
        seed_child(args.url, args.folder, args.seed_child)
        return 0
    if args.xlsx_child is not None:
        xlsx_child(args.url, args.folder, args.xlsx_child)
        return 0
    ok = True
    if not args.skip_pdf:
        ok = pdf_bench(args.database_url, args.pdf_suppliers, args.runs) and ok
    sizes = [int(s) for s in args.xlsx_sizes.split(",") if s.strip()]
    if sizes:
        ok = xlsx_bench(args.database_url, sizes) and ok
    return 0 if ok else 1



if __name__ == "__main__":
    sys.exit(main())
