"""Shared set-up for benchmarks: a throwaway database, an app bound to it, generated data."""

from __future__ import annotations

import os
import random
import resource
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import openpyxl

RESULTS = Path(__file__).resolve().parent / "results"
KINDS = ["manufacturer", "processor", "raw_material", "farm", "trader", "logistics"]
COUNTRIES = ["CN", "China", "VN", "Vietnam", "BD", "IN", "India", "TR", "PK", "USA", "UAE",
             "MY", "NP", "ID", "KH", "ET", "BR", "MX"]


def make_app(database_url: str | None = None):
    """An app on a fresh migrated database (SQLite in a temp dir unless a URL is given)."""
    from alembic import command

    from app import create_app
    from app.migrations import alembic_config

    folder = Path(tempfile.mkdtemp(prefix="tierlight-bench-"))
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    os.environ.setdefault("TIERLIGHT_INSTANCE", str(folder))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder),
                      "PASSWORD_HASH_FAST": True, "UPLOAD_FOLDER": str(folder)})
    if url.startswith("postgresql"):
        from sqlalchemy import text

        from app.db import get_db

        with get_db(app).engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with app.app_context():
        command.upgrade(alembic_config(url), "head")
    return app


def supplier_rows(n: int, seed: int = 7) -> list[list]:
    """A layered network: tier-1 factories, deeper mills and farms, recruiters with labour."""
    rng = random.Random(seed)
    tiers = [max(1, n // 20), n // 10, n // 5, n // 4]
    tiers.append(n - sum(tiers))
    rows, start = [], 0
    previous: list[str] = []
    for depth, size in enumerate(tiers, start=1):
        ids = [f"S{start + i:07d}" for i in range(size)]
        for ext in ids:
            agency = rng.random() < 0.08
            kind = "recruitment_agency" if agency else KINDS[min(depth - 1, len(KINDS) - 1)]
            customers = "" if depth == 1 else "; ".join(
                rng.sample(previous, k=min(len(previous), rng.choice((1, 1, 2, 3)))))
            workers = rng.randint(20, 5000)
            rows.append([ext, f"Supplier {ext} {rng.choice(['Ltd', 'Co.', 'JSC', 'Pvt'])}",
                         rng.choice(COUNTRIES), kind, "Apparel", "cotton; yarn",
                         f"{rng.randint(1, 999)} Industrial Road", workers,
                         rng.randint(0, workers // 3), rng.randint(0, workers // 2),
                         None, None, None, customers,
                         "labour" if agency else "goods", "workers" if agency else "fabric"])
        previous, start = ids, start + size
    return rows


HEADER = ["external_id", "name", "country", "kind", "sector", "products", "address", "workers",
          "migrant_workers", "female_workers", "os_id", "lei", "duns", "supplies_to",
          "relationship_kind", "relationship_product"]


def supplier_workbook(n: int) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"suppliers-{n}.xlsx"
    if not path.exists():
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Suppliers")
        ws.append(HEADER)
        for row in supplier_rows(n):
            ws.append(row)
        wb.save(path)
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- memory: the peak of one stage, not of the seeding before it -----------------------------

def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: resets VmHWM
        return True
    except OSError:
        return False


def status_mb(field: str) -> float | None:
    """A field of /proc/self/status (VmRSS, VmHWM) in MB; None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_mb() -> float:
    return status_mb("VmHWM") or peak_rss_mb()


@contextmanager
def timed(results: dict, key: str):
    started = time.perf_counter()
    yield
    results[key] = time.perf_counter() - started


def best_and_median(fn, rounds: int) -> tuple[float, float]:
    """Seconds of `fn()` over `rounds` calls: the best (least disturbed) and the median."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings)
