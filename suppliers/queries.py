"""Read-side questions about the network, answered with tenant-scoped Core queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.apischema import int_arg
from app.errors import ValidationFailed
from app.tenancy import get_owned
from suppliers import graph
from suppliers.countries import UnknownCountry, normalise_country
from suppliers.kinds import SUPPLIER_KINDS
from suppliers.models import RISK_BANDS, Relationship, Supplier

SORTS = {
    "name": Supplier.name_key,
    "country": Supplier.country,
    "kind": Supplier.kind,
    "tier": Supplier.tier,
    "workers": Supplier.workers,
    "updated": Supplier.updated_at,
    "risk": Supplier.risk_score,  # not scored yet: last either way (nulls_last below)
}
IN_CHUNK = 900  # stay under SQLite's bound-parameter limits


@dataclass(frozen=True)
class SupplierFilters:
    q: str = ""
    country: str | None = None
    kind: str | None = None
    tier: int | None = None
    band: str | None = None
    sort: str = "name"


def parse_filters(args: Any) -> SupplierFilters:
    """Filters from query arguments; a bad value is a 422 that names it."""
    details = []
    country = (args.get("country") or "").strip() or None
    if country:
        try:
            country = normalise_country(country)
        except UnknownCountry as exc:
            details.append({"field": "country", "message": str(exc)})
    kind = (args.get("kind") or "").strip() or None
    if kind and kind not in SUPPLIER_KINDS:
        details.append({"field": "kind", "message": f'Unknown kind "{kind}".'})
    tier = None
    if (args.get("tier") or "").strip() == "none":
        tier = 0
    else:
        try:
            tier = int_arg(args, "tier")
        except ValidationFailed:
            details.append({"field": "tier", "message": "tier is a whole number or none."})
    band = (args.get("band") or "").strip() or None
    if band and band not in RISK_BANDS:
        details.append({"field": "band", "message": f"band is one of {', '.join(RISK_BANDS)}."})
    sort = (args.get("sort") or "name").strip()
    if sort.lstrip("-") not in SORTS:
        details.append({"field": "sort", "message": f"sort is one of {', '.join(SORTS)}."})
    if details:
        raise ValidationFailed(details[0]["message"], details)
    q = (args.get("q") or "").strip()[:200]
    return SupplierFilters(q=q, country=country, kind=kind, tier=tier, band=band, sort=sort)


def supplier_query(org_id: int, filters: SupplierFilters, *, archived: bool = False) -> Select:
    """Suppliers matching the filters: the live ones, or with `archived` only archived ones."""
    stmt = select(Supplier).where(
        Supplier.org_id == org_id,
        Supplier.archived_at.is_not(None) if archived else Supplier.archived_at.is_(None),
    )
    if filters.q:
        like = f"%{filters.q.casefold()}%"
        stmt = stmt.where(
            or_(
                Supplier.name_key.like(like),
                func.lower(Supplier.external_id).like(like),
                func.lower(Supplier.os_id) == filters.q.casefold(),
            )
        )
    if filters.country:
        stmt = stmt.where(Supplier.country == filters.country)
    if filters.kind:
        stmt = stmt.where(Supplier.kind == filters.kind)
    if filters.tier is not None:
        stmt = stmt.where(Supplier.tier.is_(None) if filters.tier == 0 else
                          Supplier.tier == filters.tier)
    if filters.band:
        stmt = stmt.where(Supplier.risk_band == filters.band)
    column = SORTS[filters.sort.lstrip("-")]
    order = column.desc() if filters.sort.startswith("-") else column.asc()
    return stmt.order_by(order.nulls_last(), Supplier.id)


def archived_ids(session: Session, org_id: int) -> set[int]:
    """Ids of the organisation's archived suppliers (few): their edges are left out."""
    return set(session.scalars(select(Supplier.id).where(
        Supplier.org_id == org_id, Supplier.archived_at.is_not(None))))


def live_edges(org_id: int):
    """Conditions for the organisation's relationships whose two ends are live (not archived)."""
    archived = select(Supplier.id).where(
        Supplier.org_id == org_id, Supplier.archived_at.is_not(None))
    return (Relationship.org_id == org_id, Relationship.supplier_id.not_in(archived),
            or_(Relationship.customer_id.is_(None), Relationship.customer_id.not_in(archived)))


def counts(session: Session, org_id: int) -> dict[str, int]:
    live = (Supplier.org_id == org_id, Supplier.archived_at.is_(None))
    suppliers = session.scalar(select(func.count(Supplier.id)).where(*live))
    edges = session.execute(
        select(Relationship.kind, func.count(Relationship.id))
        .where(*live_edges(org_id)).group_by(Relationship.kind)
    ).all()
    deepest = session.scalar(select(func.max(Supplier.tier)).where(*live))
    agencies = session.scalar(
        select(func.count(Supplier.id)).where(
            *live, Supplier.kind.in_(("recruitment_agency", "labour_provider")),
        )
    )
    by_kind = dict(edges)
    return {
        "suppliers": suppliers or 0,
        "relationships": sum(by_kind.values()),
        "labour_edges": by_kind.get("labour", 0),
        "deepest_tier": deepest or 0,
        "labour_suppliers": agencies or 0,
        "unmapped": session.scalar(
            select(func.count(Supplier.id)).where(*live, Supplier.tier.is_(None))
        ) or 0,
    }


def _walk(session: Session, org_id: int, start: int, upstream: bool) -> list[tuple]:
    """Edges reachable from `start`: towards its suppliers (upstream) or its customers."""
    near = Relationship.customer_id if upstream else Relationship.supplier_id
    archived = archived_ids(session, org_id)
    if start in archived:
        return []
    seen, frontier, edges = {start} | archived, [start], []
    while frontier:
        batch, frontier = frontier, []
        for i in range(0, len(batch), IN_CHUNK):
            rows = session.execute(
                select(Relationship.id, Relationship.supplier_id, Relationship.customer_id,
                       Relationship.kind, Relationship.product)
                .where(Relationship.org_id == org_id, near.in_(batch[i:i + IN_CHUNK]))
            ).all()
            for row in rows:
                if row[1] in archived or row[2] in archived:
                    continue
                edges.append(tuple(row))
                nxt = row[2] if not upstream else row[1]
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
    return edges


def upstream_edges(session: Session, org_id: int, supplier_id: int) -> list[tuple]:
    """(id, supplier_id, customer_id, kind, product) of the supplier's upstream subgraph."""
    edges = _walk(session, org_id, supplier_id, upstream=True)
    keep = set(graph.upstream_subgraph_edges([(e[1], e[2]) for e in edges], supplier_id))
    return [e for e in edges if (e[1], e[2]) in keep]


def paths(session: Session, org_id: int, supplier_id: int, **bounds: int) -> graph.PathsResult:
    edges = _walk(session, org_id, supplier_id, upstream=False)
    return graph.paths_to_root([(e[1], e[2]) for e in edges], supplier_id, **bounds)


NODE_COLUMNS = (Supplier.id, Supplier.external_id, Supplier.name, Supplier.country,
                Supplier.kind, Supplier.tier, Supplier.risk_score, Supplier.risk_band,
                Supplier.listed)


def node_json(row: Any) -> dict[str, Any]:
    risk = None if row[6] is None else {"score": row[6], "band": row[7]}
    return {"id": row[0], "external_id": row[1], "name": row[2], "country": row[3],
            "kind": row[4], "tier": row[5], "risk": risk, "listed": bool(row[8])}


def edge_json(row: Any) -> dict[str, Any]:
    return {"id": row[0], "source": row[1], "target": row[2], "kind": row[3], "product": row[4]}


def network(
    session: Session, org_id: int, *, max_tier: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Every node and edge of the organisation's network, optionally only tiers <= max_tier,
    and with `limit`, only that many nodes: the nearest tiers first, largest workforce first."""
    nodes_q = select(*NODE_COLUMNS).where(Supplier.org_id == org_id,
                                          Supplier.archived_at.is_(None))
    if max_tier is not None:
        nodes_q = nodes_q.where(Supplier.tier <= max_tier)
    if limit is not None:
        nodes_q = nodes_q.order_by(
            Supplier.tier.asc().nulls_last(), Supplier.workers.desc().nulls_last(), Supplier.id
        ).limit(limit)
    else:
        nodes_q = nodes_q.order_by(Supplier.id)
    nodes = session.execute(nodes_q).all()
    edges = session.execute(
        select(Relationship.id, Relationship.supplier_id, Relationship.customer_id,
               Relationship.kind, Relationship.product)
        .where(Relationship.org_id == org_id).order_by(Relationship.id)
    ).all()
    archived = archived_ids(session, org_id)  # few: filtering here costs less than NOT IN
    if archived:
        edges = [e for e in edges if e[1] not in archived and e[2] not in archived]
    if max_tier is not None or limit is not None:
        ids = {n[0] for n in nodes}
        edges = [e for e in edges if e[1] in ids and (e[2] is None or e[2] in ids)]
    return {"nodes": [node_json(n) for n in nodes], "edges": [edge_json(e) for e in edges]}


def subnetwork(session: Session, org_id: int, supplier_id: int) -> dict[str, Any]:
    """The supplier's upstream subgraph with the supplier itself, in the network's shape."""
    edges = upstream_edges(session, org_id, supplier_id)
    ids = {supplier_id} | {e[1] for e in edges}
    nodes = []
    id_list = sorted(ids)
    for i in range(0, len(id_list), IN_CHUNK):
        nodes += session.execute(
            select(*NODE_COLUMNS).where(
                Supplier.org_id == org_id, Supplier.id.in_(id_list[i:i + IN_CHUNK])
            )
        ).all()
    nodes.sort(key=lambda n: n[0])
    return {"nodes": [node_json(n) for n in nodes],
            "edges": [edge_json(e) for e in sorted(edges)]}


def loops(session: Session, org_id: int, *, limit: int = 100) -> list[list[dict[str, Any]]]:
    """Trading loops (cycles) in the network, as lists of {id, name, country}."""
    edges = session.execute(
        select(Relationship.supplier_id, Relationship.customer_id).where(
            *live_edges(org_id), Relationship.customer_id.is_not(None)
        )
    ).all()
    cycles = graph.find_cycles([(e[0], e[1]) for e in edges], limit=limit)
    ids = sorted({i for c in cycles for i in c})
    info: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), IN_CHUNK):
        for sid, name, country in session.execute(
            select(Supplier.id, Supplier.name, Supplier.country).where(
                Supplier.org_id == org_id, Supplier.id.in_(ids[i:i + IN_CHUNK]))
        ):
            info[sid] = {"id": sid, "name": name, "country": country}
    return [[info[i] for i in cycle] for cycle in cycles]


def relationship_count(session: Session, org_id: int, supplier_id: int) -> int:
    """Edges from or to the supplier."""
    return session.scalar(select(func.count(Relationship.id)).where(
        Relationship.org_id == org_id,
        or_(Relationship.supplier_id == supplier_id, Relationship.customer_id == supplier_id),
    )) or 0


@dataclass(frozen=True)
class SupplierPage:
    """Everything the supplier page shows about one supplier."""

    supplier: Supplier
    customers: list[Relationship]  # edges from it (None customer = our company)
    upstream: list[Relationship]  # edges into it
    paths: graph.PathsResult
    names: dict[int, str]  # supplier id -> name, for the paths


def supplier_page(session: Session, org_id: int, supplier_id: Any) -> SupplierPage:
    """The supplier (NotFound unless the organisation owns it), its edges and its paths."""
    supplier = get_owned(session, Supplier, supplier_id, org_id)
    customers = session.scalars(
        select(Relationship).where(Relationship.org_id == org_id,
                                   Relationship.supplier_id == supplier.id)
        .order_by(Relationship.customer_key)
    ).all()
    upstream = session.scalars(
        select(Relationship).where(Relationship.org_id == org_id,
                                   Relationship.customer_id == supplier.id)
        .order_by(Relationship.supplier_id)
    ).all()
    found = paths(session, org_id, supplier.id, max_paths=50)
    on_paths = sorted({i for p in found.paths for i in p})
    names: dict[int, str] = {}
    for i in range(0, len(on_paths), IN_CHUNK):
        names.update(session.execute(
            select(Supplier.id, Supplier.name).where(
                Supplier.org_id == org_id, Supplier.id.in_(on_paths[i:i + IN_CHUNK]))
        ).all())
    return SupplierPage(supplier, list(customers), list(upstream), found, names)
