"""Shared helpers of the audits tests: tokens per principal, upload calls, files."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from tests.conftest import token_for

FINDINGS_HEADER = ["code", "clause", "description", "scheme_severity", "indicators",
                   "workers_affected", "worker_groups", "recruitment_fee_amount", "fee_currency",
                   "root_cause", "evidence"]


def auth(client, user) -> dict[str, str]:
    return token_for(client, user.email)


def write_xlsx(path: Path, rows, header=FINDINGS_HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Findings"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows, header=FINDINGS_HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def upload(client, headers, audit_id: int, path: Path, *, dry_run: bool = False):
    with open(path, "rb") as f:
        return client.post(f"/api/v1/audits/{audit_id}/findings/import"
                           + ("?dry_run=1" if dry_run else ""), headers=headers,
                           data={"file": (f, path.name)}, content_type="multipart/form-data")
