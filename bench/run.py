"""Run every benchmark and print its figures (`make bench`). Benchmarks are not tests.

Set BENCH_DATABASE_URL to repeat the database-bound ones on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_graph.py"],
    ["bench_import.py", "--rows", "100000"],
    ["bench_network_api.py", "--suppliers", "20000"],
    ["bench_web.py"],
    ["bench_questionnaires.py", "--suppliers", "10000"],
    ["bench_scoring.py"],
    ["bench_audits.py", "--rows", "5000", "--actions", "20000", "--suppliers", "2000"],
    ["bench_risk_pages.py"],
    ["bench_risk.py", "--suppliers", "100000", "--edges", "300000"],
    ["bench_screening.py", "--suppliers", "100000", "--entries", "10000"],
    ["bench_reports.py", "--pdf-suppliers", "10000", "--xlsx-sizes", "10000,50000,100000"],
    ["bench_duplicates.py", "--suppliers", "100000"],
]


def main() -> int:
    pg = os.environ.get("BENCH_DATABASE_URL")
    runs = list(RUNS)
    if pg:
        runs += [["bench_import.py", "--rows", "100000", "--database-url", pg],
                 ["bench_network_api.py", "--suppliers", "20000", "--database-url", pg],
                 ["bench_questionnaires.py", "--suppliers", "10000", "--database-url", pg],
                 ["bench_audits.py", "--rows", "5000", "--actions", "20000", "--database-url",
                  pg],
                 ["bench_risk_pages.py", "--database-url", pg],
                 ["bench_risk.py", "--suppliers", "100000", "--edges", "300000",
                  "--database-url", pg],
                 ["bench_screening.py", "--suppliers", "100000", "--entries", "10000",
                  "--database-url", pg],
                 ["bench_reports.py", "--pdf-suppliers", "10000", "--xlsx-sizes",
                  "10000,50000,100000", "--database-url", pg],
                 ["bench_duplicates.py", "--suppliers", "100000", "--database-url", pg]]
    for args in runs:
        print(f"\n$ python bench/{' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
