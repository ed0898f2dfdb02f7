"""The demo supply network of Northwind Apparel: apparel tiers, recruiters and a trading loop."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppliers.importer import SupplierRow, validate_supplier_values
from suppliers.models import Supplier
from suppliers.services import import_rows

# external_id, name, country, kind, sector, products, workers, migrant, female, supplies_to,
# relationship kind, product
NETWORK = [
    ("T1-VN-01", "Saigon Stitch Co.", "Vietnam", "manufacturer", "Apparel", "t-shirts; polos",
     1850, 120, 1400, "", "goods", "knit tops"),
    ("T1-BD-02", "Dhaka Denim Works", "Bangladesh", "manufacturer", "Apparel", "jeans",
     3200, 0, 2300, "", "goods", "denim jeans"),
    ("T1-MY-03", "Penang Garment Industries Sdn Bhd", "Malaysia", "manufacturer", "Apparel",
     "sportswear", 900, 610, 420, "", "goods", "sportswear"),
    ("T1-JO-04", "Al Hassan Apparel (QIZ)", "Jordan", "manufacturer", "Apparel", "knitwear",
     1400, 1050, 980, "", "goods", "knitwear"),
    ("T1-TR-05", "Bursa Tekstil A.S.", "Türkiye", "manufacturer", "Apparel", "woven shirts",
     640, 35, 380, "", "goods", "woven shirts"),
    ("T1-GB-06", "Northwind Logistics Partner Ltd", "UK", "logistics", "Freight", "",
     80, 10, 20, "", "services", "freight forwarding"),
    ("T2-CN-10", "Jiangsu Hengli Fabrics", "China", "processor", "Textiles", "knit fabric",
     700, 90, 380, "T1-VN-01; T1-MY-03", "goods", "knit fabric"),
    ("T2-IN-11", "Tiruppur Knit Processors", "India", "processor", "Textiles", "dyed fabric",
     520, 240, 300, "T1-JO-04", "goods", "dyed fabric"),
    ("T2-BD-12", "Narayanganj Dyeing & Finishing", "BD", "processor", "Textiles",
     "denim fabric", 860, 0, 410, "T1-BD-02", "goods", "denim fabric"),
    ("T2-TR-13", "Denizli Weaving Mills", "TUR", "processor", "Textiles", "woven fabric",
     410, 60, 150, "T1-TR-05", "goods", "woven fabric"),
    ("T2-CN-14", "Guangzhou Trims & Labels", "CHN", "manufacturer", "Trims",
     "labels; buttons; zips", 260, 40, 190, "T1-VN-01; T1-BD-02", "goods", "trims"),
    ("RA-NP-20", "Himalaya Overseas Manpower Pvt Ltd", "Nepal", "recruitment_agency",
     "Labour recruitment", "", 25, 0, 6, "T1-MY-03", "labour", "migrant production workers"),
    ("RA-NP-21", "Kathmandu Sub-Agent (Dhanusha district)", "NP", "labour_provider",
     "Labour recruitment", "", 4, 0, 0, "RA-NP-20", "labour", "village recruitment"),
    ("RA-BD-22", "Sylhet Global Recruiting", "Bangladesh", "recruitment_agency",
     "Labour recruitment", "", 18, 0, 5, "T1-JO-04", "labour", "migrant sewing operators"),
    ("RA-MY-23", "KL Workforce Solutions Sdn Bhd", "Malaysia", "labour_provider",
     "Outsourced labour", "", 300, 290, 60, "T1-MY-03", "labour", "outsourced line workers"),
    ("T3-CN-30", "Aksu Cotton Spinning Co.", "China", "processor", "Textiles", "cotton yarn",
     1100, 0, 520, "T2-CN-10", "goods", "cotton yarn"),
    ("T3-IN-31", "Dindigul Spinning Mills", "India", "processor", "Textiles", "cotton yarn",
     1600, 900, 1300, "T2-IN-11", "goods", "cotton yarn"),
    ("T3-PK-32", "Faisalabad Yarn Traders", "Pakistan", "trader", "Textiles", "cotton yarn",
     30, 0, 4, "T2-BD-12", "goods", "cotton yarn"),
    ("T3-HK-33", "Harbour Fibre Trading Ltd", "Hong Kong", "trader", "Commodities",
     "cotton lint", 12, 0, 5, "T3-SG-34; T2-TR-13", "goods", "cotton lint"),
    ("T3-SG-34", "Lion City Commodities Pte Ltd", "Singapore", "trader", "Commodities",
     "cotton lint", 15, 0, 6, "T3-HK-33; T2-BD-12", "goods", "cotton lint"),
    ("T4-UZ-40", "Fergana Valley Cotton Cluster", "Uzbekistan", "farm", "Agriculture",
     "seed cotton", 5200, 0, 2900, "T4-UZ-41", "goods", "seed cotton"),
    ("T4-UZ-41", "Fergana Ginning Plant No. 3", "UZB", "processor", "Agriculture",
     "cotton lint", 240, 0, 60, "T3-HK-33", "goods", "cotton lint"),
    ("T4-IN-42", "Gujarat Cotton Growers Cooperative", "India", "farm", "Agriculture",
     "seed cotton", 3800, 1200, 2100, "T3-IN-31", "goods", "seed cotton"),
    ("T4-CN-43", "Xinjiang Lint Supply Co.", "China", "processor", "Agriculture",
     "cotton lint", 650, 0, 200, "T3-CN-30", "goods", "cotton lint"),
    ("T4-TM-44", "Ashgabat Cotton Export", "Turkmenistan", "trader", "Commodities",
     "cotton lint", 40, 0, 10, "T3-PK-32", "goods", "cotton lint"),
    ("T4-CD-45", "Katanga Cobalt Traders", "DR Congo", "trader", "Minerals", "cobalt",
     60, 0, 8, "T2-CN-14", "goods", "metal for zips"),
]

COLUMNS = ("external_id", "name", "country", "kind", "sector", "products", "workers",
           "migrant_workers", "female_workers", "supplies_to", "relationship_kind",
           "relationship_product")


def demo_rows() -> list[SupplierRow]:
    rows = []
    for number, values in enumerate(NETWORK, start=2):
        cleaned, errors = validate_supplier_values(dict(zip(COLUMNS, values, strict=True)),
                                                   row=number)
        if errors:  # the demo data is ours: a mistake here is a bug
            raise ValueError(f"demo row {number}: {errors}")
        rows.append(SupplierRow(row=number, **cleaned))
    return rows


def seed(session: Session, orgs: dict) -> None:
    """Load the network into the demo buyer once."""
    buyer = orgs.get("buyer")
    if buyer is None:
        return
    if session.scalar(select(Supplier.id).where(Supplier.org_id == buyer.id).limit(1)):
        return
    import_rows(session, org_id=buyer.id, actor=None, rows=demo_rows(),
                filename="demo network")
