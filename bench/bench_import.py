"""Import of 100,000 supplier rows with relationships from xlsx, against the raw cost.

The floor is what any import must pay: read the same file with the same reader (openpyxl,
read-only, values only) and bulk-insert its suppliers and relationships with Core inserts into
the same database, with no validation, matching or tiers. Each phase runs in its own process,
so peak memory (max RSS) is per phase.

    python bench/bench_import.py [--rows 100000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import make_app, peak_rss_mb, supplier_workbook, timed


def _app_and_org(url: str | None, name: str):
    from app.auth.services import create_org
    from app.db import get_db

    app = make_app(url)
    with app.app_context():
        session = get_db(app).new_session()
        org_id = create_org(session, name=name, kind="buyer").id
        session.commit()
        session.close()
    return app, org_id


def floor(path: Path, url: str | None) -> dict:
    import openpyxl
    from sqlalchemy import insert

    from app.db import allocate_ids, get_db, utcnow
    from app.spreadsheets import open_table
    from bench.common import HEADER
    from suppliers.models import Relationship, Supplier

    app, org_id = _app_and_org(url, "Floor Buyer")
    results: dict = {}
    with app.app_context():
        session = get_db(app).new_session()
        with timed(results, "openpyxl_read_seconds"):
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            rows = list(wb.active.iter_rows(min_row=2, max_col=16, values_only=True))
            wb.close()
        with timed(results, "seconds"):
            # The same streaming reader the import uses: the floor is reading + inserting.
            with open_table(path, path.name, HEADER) as table:
                rows = [tuple(record.get(c) for c in HEADER) for _, record in table.rows]
            now = utcnow()
            table = Supplier.__table__
            ids = allocate_ids(session, table, len(rows))
            session.execute(
                insert(table),
                [{"id": new_id, "org_id": org_id, "external_id": r[0], "name": r[1],
                  "name_key": r[1].lower(),
                  "country": str(r[2])[:2], "kind": "other", "sector": r[4],
                  "products": [r[5]], "address": r[6], "workers": r[7],
                  "migrant_workers": r[8], "female_workers": r[9], "os_id": None,
                  "lei": None, "duns": None, "tier": None, "created_at": now,
                  "updated_at": now, "version": 1} for r, new_id in zip(rows, ids, strict=True)],
            )
            by_ext = {r[0]: i for r, i in zip(rows, ids, strict=True)}
            edges = []
            for r, sid in zip(rows, ids, strict=True):
                targets = [by_ext[t.strip()] for t in (r[13] or "").split(";") if t.strip()]
                for target in targets or [None]:
                    edges.append({"org_id": org_id, "supplier_id": sid, "customer_id": target,
                                  "customer_key": target or 0, "kind": r[14],
                                  "product": r[15], "created_at": now})
            session.execute(insert(Relationship.__table__), edges)
            session.commit()
        results.update(rows=len(rows), edges=len(edges))
    results["peak_rss_mb"] = peak_rss_mb()
    return results


def tierlight(path: Path, url: str | None) -> dict:
    from app.db import get_db
    from suppliers.services import import_file

    app, org_id = _app_and_org(url, "Import Buyer")
    results: dict = {}
    with app.app_context():
        session = get_db(app).new_session()
        with timed(results, "seconds"):
            summary = import_file(session, org_id=org_id, actor=None, path=str(path),
                                  filename=path.name)
            session.commit()
        results.update(created=summary.created, edges=summary.relationships_created)
        with timed(results, "reimport_seconds"):
            again = import_file(session, org_id=org_id, actor=None, path=str(path),
                                filename=path.name)
            session.commit()
        results["reimport_created"] = again.created
        results["reimport_unchanged"] = again.unchanged
    results["peak_rss_mb"] = peak_rss_mb()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--phase", choices=("floor", "tierlight"))
    args = parser.parse_args()
    path = supplier_workbook(args.rows)
    if args.phase:
        fn = floor if args.phase == "floor" else tierlight
        print(json.dumps(fn(path, args.database_url)))
        return
    out = {}
    for phase in ("floor", "tierlight"):
        cmd = [sys.executable, __file__, "--rows", str(args.rows), "--phase", phase]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[phase] = json.loads(done.stdout.strip().splitlines()[-1])
    db = "PostgreSQL" if args.database_url else "SQLite"
    f, t = out["floor"], out["tierlight"]
    print(f"Supplier import, {args.rows:,} rows from {path.name} "
          f"({path.stat().st_size / 1e6:.1f} MB), {db}")
    print(f"  floor (read + Core insert)  {f['seconds']:7.1f} s  peak {f['peak_rss_mb']:6.0f} MB"
          f"  ({f['rows']:,} suppliers, {f['edges']:,} edges)")
    print(f"  tierlight import            {t['seconds']:7.1f} s  peak {t['peak_rss_mb']:6.0f} MB"
          f"  ({t['created']:,} created, {t['edges']:,} edges)")
    print(f"  ratio                       {t['seconds'] / f['seconds']:7.2f} x  (target <= 4x)")
    print(f"  (openpyxl read-only, read only: {f['openpyxl_read_seconds']:.1f} s)")
    print(f"  re-import (idempotent)      {t['reimport_seconds']:7.1f} s  "
          f"({t['reimport_created']} created, {t['reimport_unchanged']:,} unchanged)")


if __name__ == "__main__":
    main()
