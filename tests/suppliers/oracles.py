"""Test oracles: slow, obviously-correct networkx versions of what production computes with
arrays (suppliers/graph_arrays.py). Production never imports them."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

Edge = tuple[int, int | None]
_COMPANY = ("the", "company")  # a node that can never collide with a supplier id


def tiers(node_ids: Iterable[int], edges: Iterable[Edge]) -> dict[int, int | None]:
    """Shortest number of edges from each supplier to the company; None when unreachable.

    Edges whose supplier or customer is not in ``node_ids`` are ignored.
    """
    ids = list(dict.fromkeys(node_ids))
    known = set(ids)
    # Reversed graph (customer -> supplier), so one BFS from the company gives every tier.
    reverse = nx.DiGraph()
    reverse.add_node(_COMPANY)
    reverse.add_edges_from(
        (_COMPANY if c is None else c, s)
        for s, c in edges
        if s in known and (c is None or c in known)
    )
    distance = nx.single_source_shortest_path_length(reverse, _COMPANY)
    return {node: distance.get(node) for node in ids}
