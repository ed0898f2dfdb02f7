"""Real spreadsheet files for import tests, written to disk with openpyxl and csv."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl

# A brand facility list in the shape brands publish (Open Supply Hub style), with the country
# spellings real lists contain.
FACILITY_HEADER = ["External ID", "Name*", "Country*", "Kind", "Sector", "Products", "Address",
                   "Workers", "Migrant workers", "Female workers", "OS ID", "LEI", "DUNS",
                   "Supplies to", "Relationship kind", "Relationship product"]
FACILITY_ROWS = [
    ["NW-0001", "Shenzhen Bright Garments Co., Ltd.", "CN", "manufacturer", "Apparel",
     "t-shirts; hoodies", "Longgang District, Shenzhen", 1250, 300, 800, "CN2019303BQ3FZP",
     None, None, None, "goods", "knitwear"],
    ["NW-0002", "Ningbo Textile Dyeing Co.", "China", "processor", "Textiles", "dyed fabric",
     "Yinzhou, Ningbo", "640", 120, 300, None, None, None, "NW-0001", "goods", "fabric"],
    ["NW-0003", "Xinjiang Cotton Ginning Co.", "CHINA", "processor", "Agriculture",
     "cotton lint", "Aksu", 210, 0, 40, None, None, None, "NW-0002", "goods", "lint"],
    ["NW-0004", "Carolina Yarn Mills", "USA", "processor", "Textiles", "yarn",
     "Gastonia, NC", "1,020", 60, 410, None, "5493001KJTIIGC8Y1R12", None, "NW-0002",
     "goods", "yarn"],
    ["NW-0005", "Hanoi Fashion JSC", "Vietnam", "manufacturer", "Apparel", "jackets",
     "Thanh Xuan, Hanoi", 980.0, 45, 700, None, None, "15-048-3782", None, "goods", "jackets"],
    ["NW-0006", "Jebel Ali Logistics FZE", "UAE", "logistics", "Freight", None, "Jebel Ali",
     75, 70, 8, None, None, None, None, "services", "freight"],
    ["NW-0007", "Kathmandu Overseas Employment", "Nepal", "recruitment agency",
     "Labour recruitment", None, "Kathmandu", 12, 0, 3, None, None, None, "NW-0005",
     "labour", "migrant workers"],
]


def write_xlsx(path: Path, header, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Facilities"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, header, rows, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def facility_list(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "northwind-facilities.xlsx", FACILITY_HEADER, FACILITY_ROWS)


def zip_bomb_xlsx(path: Path, expanded_mb: int = 200) -> Path:
    """A workbook-shaped zip whose sheet inflates to `expanded_mb` MB (built by streaming)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"<row><c><v>1</v></c></row>" * 40000
            for _ in range(expanded_mb * 1024 * 1024 // len(block)):
                sheet.write(block)
    return path
