"""suppliers.importer and suppliers.identifiers: supplier rows from real files, and every rule."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from app.spreadsheets import SpreadsheetError, open_table
from suppliers.identifiers import (
    validate_duns,
    validate_lei,
    validate_os_id,
    validate_worker_counts,
)
from suppliers.importer import (
    COLUMN_HELP,
    REQUIRED_COLUMNS,
    SUPPLIER_COLUMNS,
    RowError,
    SupplierRow,
    parse_supplier_table,
    validate_supplier_values,
)

HEADER = ["External ID", "Name*", "Country*", "Kind", "Sector", "Products", "Address", "Workers",
          "Migrant workers", "Female workers", "OS ID", "LEI", "DUNS", "Supplies to",
          "Relationship kind", "Relationship product"]
CLEAN_ROWS = [
    ["T1-001", "Shenzhen Bright Garments Co., Ltd.", "CN", "Manufacturer", "Apparel",
     "T-shirts; polo shirts", "88 Bao'an Road, Shenzhen", 1200, 300, 720, "CN2019303BQ3FZP",
     None, "15-048-3782", None, None, "finished garments"],
    ["T2-014", "Jiangsu Cotton Spinning", "China", "processor", "Textiles", "cotton yarn",
     None, 450.0, None, "210", None, None, None, "T1-001", None, "combed yarn"],
    ["T2-020", "Dongguan Dyeing Works", "CHINA", "Processor", None, "dyed fabric; dyed fabric",
     None, "1,050", "75", None, None, None, None, "T1-001", "goods", None],
    ["T3-101", "Texas Gin Cooperative", "USA", "raw material", "Agriculture", "raw cotton",
     "Lubbock, TX", 80, 12, 20, None, "5493001KJTIIGC8Y1R12", None, "T2-014; T2-020", None,
     "raw cotton"],
    ["T3-102", "Mekong Cotton Farms", "Vietnam", "farm", "Agriculture", "raw cotton", None, 35,
     None, None, None, None, None, "T2-014", None, None],
    ["L-7", "Gulf Manpower Services", "UAE", "Recruitment agency", "Recruitment", None, "Dubai",
     15, 15, 0, None, None, None, "T1-001", None, "migrant workers"],
    ["L-8", "Dhaka Overseas Recruiting", "Bangladesh", "labour provider", None, None, None, None,
     None, None, None, None, None, "L-7", "", None],
    ["T1-002", "Ho Chi Minh Knitwear", "Viet Nam", "manufacturer", "Apparel", "sweaters", None,
     640, 0, 500, "VN2021147ABC123", "7LTWFZYICNSX8D621K86", 81466849, None, None, None],
    ["LOG-1", "Pacific Freight Forwarders", "HKG", "logistics", "Transport", None, None, 60,
     None, None, None, None, None, "T1-001;T1-002", "services", "sea freight"],
    [None, "Anatolia Trims", "Türkiye", None, "Accessories", "buttons; zips", None, 90, None,
     None, None, "HWUPKR0MPOU8FGXBT394", None, None, None, None],
]


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def parse(path: Path, **kwargs):
    return parse_supplier_table(open_table(path, path.name, SUPPLIER_COLUMNS), **kwargs)


def test_clean_file_of_ten_realistic_rows(tmp_path):
    result = parse(write_xlsx(tmp_path / "suppliers.xlsx", CLEAN_ROWS))
    assert result.errors == []
    # the file has every column but the optional latin_name
    assert result.columns == [c for c in SUPPLIER_COLUMNS if c != "latin_name"]
    assert result.unknown_columns == []
    assert [r.row for r in result.rows] == list(range(2, 12))
    assert [r.country for r in result.rows] == ["CN", "CN", "CN", "US", "VN", "AE", "BD", "VN",
                                                "HK", "TR"]
    first, second, third, fourth, _, agency, provider, knitwear, freight, trims = result.rows
    assert first == SupplierRow(
        row=2, external_id="T1-001", name="Shenzhen Bright Garments Co., Ltd.", country="CN",
        kind="manufacturer", sector="Apparel", products=["T-shirts", "polo shirts"],
        address="88 Bao'an Road, Shenzhen", workers=1200, migrant_workers=300,
        female_workers=720, os_id="CN2019303BQ3FZP", lei=None, duns="150483782", supplies_to=[],
        relationship_kind="goods", relationship_product="finished garments")
    assert (second.workers, second.female_workers, second.supplies_to) == (450, 210, ["T1-001"])
    assert (third.kind, third.workers, third.migrant_workers) == ("processor", 1050, 75)
    assert third.products == ["dyed fabric"]
    assert fourth.kind == "raw_material" and fourth.supplies_to == ["T2-014", "T2-020"]
    assert (agency.kind, agency.relationship_kind) == ("recruitment_agency", "labour")
    assert (provider.kind, provider.relationship_kind) == ("labour_provider", "labour")
    assert knitwear.lei == "7LTWFZYICNSX8D621K86" and knitwear.migrant_workers == 0
    assert knitwear.duns == "081466849"  # Excel dropped the leading zero; it is restored
    assert freight.relationship_kind == "services"
    assert (trims.external_id, trims.kind, trims.relationship_kind) == (None, "other", "goods")


def test_two_bad_rows_give_exactly_their_errors(tmp_path):
    rows = [list(r) for r in CLEAN_ROWS]
    rows[2][2] = "Narnia"                     # spreadsheet row 4
    rows[6][7], rows[6][8] = 100, 250         # spreadsheet row 8: migrant above total
    rows[6][11] = "5493001KJTIIGC8Y1R13"      # ... and a mistyped LEI
    result = parse(write_xlsx(tmp_path / "suppliers.xlsx", rows))
    assert [e.as_dict() for e in result.errors] == [
        {"row": 4, "column": "country",
         "message": 'Unknown country "Narnia": use an ISO code such as "CN" or an English name.'},
        {"row": 8, "column": "migrant_workers",
         "message": "Migrant workers (250) cannot be more than total workers (100)."},
        {"row": 8, "column": "lei",
         "message": 'LEI check digits do not match ("5493001KJTIIGC8Y1R13"): look for a typo.'},
    ]
    assert [r.row for r in result.rows] == [2, 3, 5, 6, 7, 9, 10, 11]


def test_missing_required_columns_stop_before_rows(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [["S-1", "Acme"]], header=["External ID", "Nom"])
    result = parse(path)
    assert [e.as_dict() for e in result.errors] == [
        {"row": 1, "column": "name", "message": 'Required column "name" is missing.'},
        {"row": 1, "column": "country", "message": 'Required column "country" is missing.'},
    ]
    assert result.rows == [] and result.unknown_columns == ["Nom"]


def test_header_only_file_gives_no_rows_and_no_errors(tmp_path):
    # Whether an empty import is a mistake is the service's call.
    result = parse(write_xlsx(tmp_path / "s.xlsx", [[None] * 16, [None, "  "]]))
    assert (result.rows, result.errors) == ([], [])


def test_in_file_duplicates_and_self_supply(tmp_path):
    path = tmp_path / "s.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["external_id", "name", "country", "os_id", "lei", "duns", "supplies_to"])
        writer.writerow(["A-1", "Alpha", "CN", "CN2019303BQ3FZP", "5493001KJTIIGC8Y1R12",
                         "150483782", ""])
        writer.writerow(["A-2", "Beta", "CN", "", "", "", "A-1"])
        writer.writerow(["A-1", "Gamma", "CN", "cn2019303bq3fzp", "", "15-048-3782", ""])
        writer.writerow(["A-4", "Delta", "CN", "", "5493001kjtiigc8y1r12", "", "A-4"])
        writer.writerow(["", "Epsilon", "CN", "", "", "", "Alpha; Epsilon"])
    result = parse(path)
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "external_id"), (4, "os_id"), (4, "duns"), (5, "lei"), (5, "supplies_to"),
        (6, "supplies_to")]
    assert result.errors[0].message == 'External ID "A-1" is already used on row 2.'
    assert result.errors[1].message == 'OS ID "CN2019303BQ3FZP" is already used on row 2.'
    assert result.errors[3].message == 'LEI "5493001KJTIIGC8Y1R12" is already used on row 2.'
    assert "cannot supply itself" in result.errors[4].message
    assert [r.name for r in result.rows] == ["Alpha", "Beta"]


def test_progress_is_reported_every_thousand_rows_and_at_the_end(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,country\n" + "".join(f"Supplier {i},CN\n" for i in range(2500)))
    seen: list[int] = []
    result = parse(path, on_progress=seen.append)
    assert seen == [1000, 2000, 2500]
    assert len(result.rows) == 2500 and result.errors == []


def test_file_errors_propagate(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,country\n" + "".join(f"Supplier {i},CN\n" for i in range(20)))
    with pytest.raises(SpreadsheetError, match="more than 10 rows"):
        parse_supplier_table(open_table(path, "s.csv", SUPPLIER_COLUMNS, max_rows=10))


def test_column_help_covers_every_column():
    assert set(COLUMN_HELP) == set(SUPPLIER_COLUMNS)
    assert all(COLUMN_HELP[c].startswith("Required.") for c in REQUIRED_COLUMNS)
    assert not any(COLUMN_HELP[c].startswith("Required.")
                   for c in SUPPLIER_COLUMNS if c not in REQUIRED_COLUMNS)


# --- one rule at a time -----------------------------------------------------------------------

def check(values: dict[str, object]) -> tuple[dict, list[tuple[str | None, str]]]:
    cleaned, errors = validate_supplier_values({"name": "Acme", "country": "CN", **values}, row=7)
    assert all(e.row == 7 for e in errors)
    return cleaned, [(e.column, e.message) for e in errors]


@pytest.mark.parametrize(("values", "column", "words"), [
    ({"name": None}, "name", "Name is required."),
    ({"name": "   "}, "name", "Name is required."),
    ({"name": "x" * 301}, "name", "Name is 301 characters long; the limit is 300."),
    ({"country": None}, "country", "Country is required."),
    ({"country": "Atlantis"}, "country", 'Unknown country "Atlantis"'),
    ({"kind": "wholesaler"}, "kind", 'Kind "wholesaler" is not recognised: use one of'),
    ({"workers": "12.5"}, "workers", 'Workers must be a whole number (got "12.5").'),
    ({"workers": 12.5}, "workers", "Workers must be a whole number"),
    ({"workers": "-3"}, "workers", "Workers cannot be negative (got -3)."),
    ({"workers": -3}, "workers", "Workers cannot be negative"),
    ({"workers": "abc"}, "workers", 'Workers must be a whole number (got "abc").'),
    ({"workers": True}, "workers", "Workers must be a whole number"),
    ({"workers": "1.200"}, "workers", "Workers must be a whole number"),
    ({"workers": 20_000_000}, "workers", "implausibly large"),
    ({"migrant_workers": "x"}, "migrant_workers", "Migrant workers must be a whole number"),
    ({"workers": 10, "female_workers": 11}, "female_workers",
     "Female workers (11) cannot be more than total workers (10)."),
    ({"relationship_kind": "money"}, "relationship_kind", 'Relationship kind "money" is not'),
    ({"os_id": "CN2019303BQ3FZ"}, "os_id", "is not an Open Supply Hub ID"),
    ({"lei": "5493001KJTIIGC8Y1R1"}, "lei", "LEI must be 20 characters"),
    ({"duns": "12-345"}, "duns", "DUNS number must be 9 digits"),
    ({"external_id": "x" * 101}, "external_id", "the limit is 100"),
    ({"address": "x" * 501}, "address", "the limit is 500"),
    ({"sector": "x" * 201}, "sector", "the limit is 200"),
    ({"products": "cotton; " + "x" * 201}, "products", "Product name is 201 characters"),
    ({"relationship_product": "x" * 201}, "relationship_product", "the limit is 200"),
    ({"supplies_to": "x" * 301}, "supplies_to", "the limit is 300"),
    ({"name": 2024.5}, None, None),
])
def test_each_rule(values, column, words):
    _, errors = check(values)
    if column is None:
        assert errors == []
    else:
        assert len(errors) == 1, errors
        assert errors[0][0] == column and words in errors[0][1]


def test_dates_in_text_columns_are_errors():
    import datetime as dt
    _, errors = check({"sector": dt.datetime(2024, 1, 2)})
    assert errors == [("sector", "Sector looks like a date (2024-01-02 00:00:00): format the "
                                 "column as text in the spreadsheet.")]


@pytest.mark.parametrize(("raw", "expected"), [
    (1200, 1200), (1200.0, 1200), ("1200", 1200), ("1,200", 1200), ("1 200", 1200),
    ("1\u00a0200", 1200), ("1,200,000", 1_200_000), ("1200.0", 1200), (" 35 ", 35),
    ("", None), (None, None), (0, 0), ("0", 0),
])
def test_worker_count_formats(raw, expected):
    cleaned, errors = check({"workers": raw})
    assert (cleaned["workers"], errors) == (expected, [])


@pytest.mark.parametrize(("raw", "kind"), [
    ("Recruitment agency", "recruitment_agency"), (" RAW-material ", "raw_material"),
    ("Labor provider", "labour_provider"), ("TRADER", "trader"), (None, "other"), ("", "other"),
])
def test_kind_spellings(raw, kind):
    cleaned, errors = check({"kind": raw})
    assert (cleaned["kind"], errors) == (kind, [])


def test_lists_are_split_stripped_and_deduplicated():
    cleaned, errors = check({"products": " Cotton yarn ;; cotton YARN; Dyed fabric; ",
                             "supplies_to": ["T1-001", "T1-001; T1-002", ""]})
    assert errors == []
    assert cleaned["products"] == ["Cotton yarn", "Dyed fabric"]
    assert cleaned["supplies_to"] == ["T1-001", "T1-002"]


def test_excel_numbers_in_text_and_identifier_columns():
    cleaned, errors = check({"external_id": 1001.0, "duns": 12345678.0, "name": 3.5})
    assert errors == []
    assert (cleaned["external_id"], cleaned["duns"], cleaned["name"]) == ("1001", "012345678",
                                                                          "3.5")


def test_cleaned_values_have_every_column():
    cleaned, errors = validate_supplier_values({"name": " Acme ", "country": "usa"})
    assert errors == [] and list(cleaned) == list(SUPPLIER_COLUMNS)
    assert (cleaned["name"], cleaned["country"], cleaned["products"]) == ("Acme", "US", [])


def test_every_error_of_a_row_is_collected():
    _, errors = validate_supplier_values({"name": "", "country": "Mordor", "workers": "-1",
                                          "lei": "bad", "kind": "elf"}, row=3)
    assert {e.column for e in errors} == {"name", "country", "workers", "lei", "kind"}
    assert RowError(3, "name", "Name is required.") in errors


# --- identifiers ------------------------------------------------------------------------------

@pytest.mark.parametrize("lei", ["5493001KJTIIGC8Y1R12", "7LTWFZYICNSX8D621K86",
                                 "HWUPKR0MPOU8FGXBT394", " hwupkr0mpou8fgxbt394 "])
def test_real_leis_pass(lei):
    assert validate_lei(lei) == lei.strip().upper()


@pytest.mark.parametrize("lei", ["5493001KJTIIGC8Y1R12", "7LTWFZYICNSX8D621K86",
                                 "HWUPKR0MPOU8FGXBT394"])
def test_every_one_character_typo_in_a_lei_fails(lei):
    # MOD 97-10 catches every digit-for-digit and letter-for-letter substitution. (A letter for
    # a digit changes the length of the expanded number, and a few of those slip through:
    # "5493001KJTIIGC8Y1R12" with "L" for the "1" at index 6 still checks out.)
    digits, letters = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i, original in enumerate(lei):
        for replacement in digits if original in digits else letters:
            if replacement != original:
                with pytest.raises(ValueError, match="LEI"):
                    validate_lei(lei[:i] + replacement + lei[i + 1:])


@pytest.mark.parametrize(("lei", "message"), [
    ("5493001KJTIIGC8Y1R1", r"LEI must be 20 characters \(\"5493001KJTIIGC8Y1R1\" has 19\)"),
    ("5493001KJTIIGC8Y1R123", "LEI must be 20 characters"),
    ("5493001KJTIIGC8Y1RAB", "malformed"),
    ("5493001KJTIIGC8Y1R-2", "malformed"),
    ("5493001KJTIIGC8Y1R13", "LEI check digits do not match"),
])
def test_lei_messages(lei, message):
    with pytest.raises(ValueError, match=message):
        validate_lei(lei)


@pytest.mark.parametrize(("raw", "duns"), [
    ("150483782", "150483782"), ("15-048-3782", "150483782"), ("150 483 782", "150483782"),
    (12345678, "012345678"), ("08-146-6849", "081466849"),
])
def test_duns_formats(raw, duns):
    assert validate_duns(raw) == duns


@pytest.mark.parametrize("raw", ["15-048-378", "1504837820", "15O483782", "", 10**9, True, 1.5])
def test_bad_duns(raw):
    with pytest.raises(ValueError, match="DUNS number"):
        validate_duns(raw)


@pytest.mark.parametrize(("raw", "ok"), [
    ("CN2019303BQ3FZP", True), ("cn2019303bq3fzp", True), ("BD2022083P1N1SC", True),
    ("CN2019303BQ3FZ", False), ("C12019303BQ3FZP", False), ("CN201930XBQ3FZP", False),
    ("CN2019303BQ3-ZP", False), ("CN2019303BQ3FZPX", False),
])
def test_os_ids(raw, ok):
    if ok:
        assert validate_os_id(raw) == raw.upper()
    else:
        with pytest.raises(ValueError, match="Open Supply Hub"):
            validate_os_id(raw)


def test_validate_worker_counts():
    validate_worker_counts(100, 100, 0)
    validate_worker_counts(None, 5, 5)
    with pytest.raises(ValueError, match="Migrant workers"):
        validate_worker_counts(10, 11, 3)
    with pytest.raises(ValueError, match="Female workers"):
        validate_worker_counts(10, 3, 11)
    with pytest.raises(ValueError, match="Number of workers cannot be negative"):
        validate_worker_counts(-1, None, None)
