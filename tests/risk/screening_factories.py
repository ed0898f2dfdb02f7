"""Entity-list files and lists for the screening tests: real files, written and read back."""

from __future__ import annotations

import csv
import io
import itertools

import openpyxl

from risk.screening import services

HEADER = ["name", "aliases", "country", "identifiers", "listed_on", "reason", "source_url"]
HOSHINE = ["Hoshine Silicon Industry Co., Ltd. and Subsidiaries", "Hesheng Silicon Industry",
           "China", "", "2022-06-21", "Forced labour in the XUAR (WRO 2021)",
           "https://www.dhs.gov/uflpa-entity-list"]
_seq = itertools.count(1)


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_list(db, org=None, rows=None, *, name="UFLPA Entity List", edition=None,
              issuer="US Department of Homeland Security", filename="list.csv", actor=None):
    """A list edition of `org` (None: the platform's) from these rows (default: Hoshine)."""
    data = csv_bytes(rows if rows is not None else [HOSHINE])
    return services.load_list(db, filename=filename, data=data, name=name, issuer=issuer,
                              edition=edition or f"2025-{next(_seq):02d}",
                              org_id=org.id if org is not None else None, actor=actor)


def make_hit(db, org, *, status="open"):
    """An open hit of `org`: its own list with Hoshine, a supplier spelled otherwise, a run."""
    from sqlalchemy import select

    from risk.models import ScreeningHit
    from risk.screening import runs
    from tests.suppliers.factories import make_supplier

    make_list(db, org)
    supplier = make_supplier(db, org, name="HOSHINE SILICON INDUSTRY CO LTD", country="CN")
    runs.screen_org(db, org.id)
    hit = db.scalar(select(ScreeningHit).where(ScreeningHit.supplier_id == supplier.id))
    assert hit is not None
    if status != "open":
        hit.status = status
        db.flush()
    return hit
