"""The closed vocabularies of the supplier network, shared by models, forms, importer and API."""

SUPPLIER_KINDS: tuple[str, ...] = (
    "manufacturer",
    "processor",
    "raw_material",
    "farm",
    "mine",
    "recruitment_agency",
    "labour_provider",
    "logistics",
    "trader",
    "other",
)

# Kinds that supply people rather than goods: their edges are usually `labour`.
LABOUR_KINDS: frozenset[str] = frozenset({"recruitment_agency", "labour_provider"})

RELATIONSHIP_KINDS: tuple[str, ...] = ("goods", "labour", "services")

KIND_LABELS: dict[str, str] = {k: k.replace("_", " ").capitalize() for k in SUPPLIER_KINDS}
