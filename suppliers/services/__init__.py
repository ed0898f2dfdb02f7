"""State changes of the supplier network. Services flush; the caller commits."""

from suppliers.services.imports import (
    ImportSummary,
    finish_import,
    import_file,
    import_rows,
    parse_file,
)
from suppliers.services.network import (
    add_relationship,
    lower_tiers,
    refresh_tiers,
    remove_relationship,
)
from suppliers.services.risk import set_risk
from suppliers.services.suppliers import (
    SUPPLIER_FIELDS,
    clean_supplier_input,
    create_supplier,
    delete_supplier,
    update_supplier,
)

__all__ = [
    "SUPPLIER_FIELDS",
    "ImportSummary",
    "add_relationship",
    "clean_supplier_input",
    "create_supplier",
    "delete_supplier",
    "finish_import",
    "import_file",
    "import_rows",
    "lower_tiers",
    "parse_file",
    "refresh_tiers",
    "remove_relationship",
    "set_risk",
    "update_supplier",
]
