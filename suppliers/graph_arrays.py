"""Vectorised whole-network passes over the supply graph (numpy + scipy.sparse.csgraph).

Nodes are dense indices ``0..n_nodes-1``; the caller maps database ids to them (or uses
:func:`tiers_by_id`). Edges are two parallel arrays, ``src`` (supplier) and ``dst``
(customer), with ``dst == -1`` meaning the buying company itself (the root).

Both passes run a breadth-first search on the *reversed* graph (customer -> supplier),
held as a CSR matrix with one extra row/column for the root at index ``n_nodes``.
Cycles, self-loops and duplicate edges need no special handling: BFS visits each node once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

__all__ = ["tiers_array", "tiers_by_id", "upstream_array"]

# breadth_first_order marks "no predecessor" (the start node, unreached nodes) like this.
_NO_PRED = -9999


def _edge_arrays(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate the edge arrays; raise ValueError rather than let scipy fail obscurely."""
    if n_nodes < 0:
        raise ValueError(f"n_nodes must be >= 0, got {n_nodes}")
    src = np.asarray(src)
    dst = np.asarray(dst)
    if src.ndim != 1 or dst.ndim != 1 or src.shape != dst.shape:
        raise ValueError("src and dst must be 1-D arrays of the same length")
    integral = np.issubdtype(src.dtype, np.integer) and np.issubdtype(dst.dtype, np.integer)
    if src.size and not integral:
        raise ValueError("src and dst must hold integers")
    if src.size and (src.min() < 0 or src.max() >= n_nodes):
        raise ValueError(f"src holds an index outside 0..{n_nodes - 1}")
    if dst.size and (dst.min() < -1 or dst.max() >= n_nodes):
        raise ValueError(f"dst holds an index outside -1..{n_nodes - 1}")
    # An empty list arrives as float64; scipy needs integer indices.
    return src.astype(np.int64, copy=False), dst.astype(np.int64, copy=False)


def _reverse_csr(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_matrix:
    """Customer -> supplier adjacency with the root as row ``n_nodes``.

    scipy's COO -> CSR conversion is a linear counting sort in C; it was faster here than
    building indptr from an argsort in numpy.
    """
    rows = np.where(dst < 0, n_nodes, dst)
    size = n_nodes + 1
    # float64 data is what csgraph works in, so it is not copied again inside the BFS.
    return sp.csr_matrix((np.ones(rows.size), (rows, src)), shape=(size, size))


def _depths(pred: np.ndarray, root: int) -> np.ndarray:
    """BFS depth of every node from its predecessor array, -1 where unreached.

    Pointer jumping: each pass doubles how far every node has climbed towards the root, so
    it takes log2(max depth) vectorised passes instead of a Python loop over nodes.
    """
    parent = pred.astype(np.int64)
    reached = parent != _NO_PRED
    parent[~reached] = root
    parent[root] = root
    depth = reached.astype(np.int32)
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            break
        depth += depth[parent]
        parent = grand
    depth[~reached] = -1
    depth[root] = 0
    return depth


def tiers_array(n_nodes: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Tier of every node (shortest number of edges to the root), -1 where unreachable."""
    src, dst = _edge_arrays(n_nodes, src, dst)
    graph = _reverse_csr(n_nodes, src, dst)
    _, pred = breadth_first_order(graph, n_nodes, directed=True, return_predecessors=True)
    return _depths(pred, n_nodes)[:n_nodes]


def upstream_array(n_nodes: int, src: np.ndarray, dst: np.ndarray, start: int) -> np.ndarray:
    """Sorted dense indices of every node from which ``start`` is reachable (excluding it)."""
    src, dst = _edge_arrays(n_nodes, src, dst)
    if not 0 <= start < n_nodes:
        raise ValueError(f"start must be in 0..{n_nodes - 1}, got {start}")
    graph = _reverse_csr(n_nodes, src, dst)
    order = breadth_first_order(graph, start, directed=True, return_predecessors=False)
    # order[0] is start itself; the root row is never reached from a supplier.
    return np.sort(order[1:]).astype(np.int64)


def _positions(sorted_ids: np.ndarray, order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Dense index of each value, or -2 where the value is not a known id."""
    if sorted_ids.size == 0:
        return np.full(values.shape, -2, dtype=np.int64)
    pos = np.minimum(np.searchsorted(sorted_ids, values), sorted_ids.size - 1)
    return np.where(sorted_ids[pos] == values, order[pos], -2)


def tiers_by_id(
    node_ids: Sequence[int], edges: Iterable[tuple[int, int | None]]
) -> dict[int, int | None]:
    """Tiers by database id, computed with :func:`tiers_array` (the networkx oracle it is
    tested against is ``tests/suppliers/oracles.py``).

    Edges whose supplier or customer is not in ``node_ids`` are ignored.
    """
    ids = np.fromiter(dict.fromkeys(node_ids), dtype=np.int64)
    edge_list = list(edges)
    count = len(edge_list)
    supplier = np.fromiter((e[0] for e in edge_list), dtype=np.int64, count=count)
    to_root = np.fromiter((e[1] is None for e in edge_list), dtype=bool, count=count)
    customer = np.fromiter(
        (0 if e[1] is None else e[1] for e in edge_list), dtype=np.int64, count=count
    )
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    src = _positions(sorted_ids, order, supplier)
    dst = np.where(to_root, -1, _positions(sorted_ids, order, customer))
    keep = (src >= 0) & (dst >= -1)
    tier = tiers_array(ids.size, src[keep], dst[keep])
    return {
        node: (t if t > 0 else None) for node, t in zip(ids.tolist(), tier.tolist(), strict=True)
    }
