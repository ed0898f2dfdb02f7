"""State changes of the supplier network. Services flush; the caller commits."""

from suppliers.services.connection import (
    accept_connection_signed_in,
    can_connect,
    disconnect,
    invite_contact,
    revoke_contact_invitation,
)
from suppliers.services.imports import (
    ImportSummary,
    finish_import,
    import_file,
    import_rows,
    parse_file,
)
from suppliers.services.merge import merge_suppliers
from suppliers.services.network import (
    add_relationship,
    lower_tiers,
    refresh_tiers,
    remove_relationship,
)
from suppliers.services.risk import set_risk
from suppliers.services.suppliers import (
    SUPPLIER_FIELDS,
    archive_supplier,
    clean_contact_email,
    clean_supplier_input,
    create_supplier,
    delete_supplier,
    purge_supplier,
    references,
    restore_supplier,
    update_supplier,
)

__all__ = [
    "SUPPLIER_FIELDS",
    "ImportSummary",
    "accept_connection_signed_in",
    "add_relationship",
    "archive_supplier",
    "can_connect",
    "clean_contact_email",
    "clean_supplier_input",
    "create_supplier",
    "delete_supplier",
    "disconnect",
    "finish_import",
    "import_file",
    "import_rows",
    "invite_contact",
    "lower_tiers",
    "merge_suppliers",
    "parse_file",
    "purge_supplier",
    "references",
    "refresh_tiers",
    "remove_relationship",
    "restore_supplier",
    "revoke_contact_invitation",
    "set_risk",
    "update_supplier",
]
