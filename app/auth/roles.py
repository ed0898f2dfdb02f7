"""Organisation kinds and user roles, and which role fits which kind."""

ORG_KINDS: tuple[str, ...] = ("buyer", "supplier", "audit_firm", "regulator")
ROLES: tuple[str, ...] = ("admin", "compliance", "supplier", "auditor", "regulator")

ROLES_FOR_KIND: dict[str, frozenset[str]] = {
    "buyer": frozenset({"admin", "compliance"}),
    "supplier": frozenset({"supplier", "admin"}),
    "audit_firm": frozenset({"auditor", "admin"}),
    "regulator": frozenset({"regulator", "admin"}),
}

# Roles that work on the buying company's supplier network.
NETWORK_EDITORS: frozenset[str] = frozenset({"admin", "compliance"})

ROLE_LABELS = {
    "admin": "Administrator",
    "compliance": "Compliance",
    "supplier": "Supplier",
    "auditor": "Auditor",
    "regulator": "Regulator",
}
