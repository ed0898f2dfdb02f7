"""Trading loops: suppliers that, through others, supply themselves.

Pure module (networkx, numpy, scipy; no Flask, no database). Edges as in
:mod:`suppliers.graph`: ``(supplier_id, customer_id)``, ``None`` = the buying company.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Final

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["find_cycles"]

Edge = tuple[int, int | None]

# Node + arc visits find_cycles may spend on complete enumeration before it falls back to
# one shortest loop per trading relationship.
_CYCLE_WORK: Final = 2_000_000


def _path_key(path: list[int]) -> tuple[int, list[int]]:
    return len(path), path


def find_cycles(edges: Iterable[Edge], *, limit: int = 100) -> list[list[int]]:
    """Up to ``limit`` simple cycles (trading loops), each rotated to start at its smallest
    id, sorted shortest first then lexicographic; the same edges in any order give the same
    answer.

    When the network has at most ``limit`` cycles, all of them are returned. Otherwise the
    selection favours what a reviewer needs: every two-supplier loop first, then, for each
    trading relationship not yet shown on a loop (smallest ids first), the shortest loop
    through it; this can stop short of ``limit`` once every relationship on a loop is
    shown. Self-loops (a supplier recorded as selling to itself) are data noise, not
    loops, and are left out.
    """
    if limit <= 0:
        return []
    succ, n_components = _loop_edges({(s, c) for s, c in edges if c is not None and c != s})
    n_nodes = len(succ)
    n_arcs = sum(len(out) for out in succ.values())
    # A strongly connected component has at least arcs - nodes + 1 simple cycles, so this
    # skips enumeration when there are surely more than `limit`. Johnson's algorithm then
    # costs O(nodes + arcs) per cycle, bounded by _CYCLE_WORK.
    if n_arcs - n_nodes + n_components <= limit and (
        (n_nodes + n_arcs) * (limit + 1) <= _CYCLE_WORK
    ):
        graph = nx.DiGraph((a, b) for a, out in succ.items() for b in out)
        found = list(islice(nx.simple_cycles(graph), limit + 1))
        if len(found) <= limit:
            return sorted((_rotate(cycle) for cycle in found), key=_path_key)
    return _loop_cover(succ, limit)


def _loop_edges(pairs: set[tuple[int, int]]) -> tuple[dict[int, list[int]], int]:
    """Sorted successor lists of the arcs inside strongly connected components (the only
    arcs on cycles), and how many such components there are."""
    if not pairs:
        return {}, 0
    arr = np.array(list(pairs), dtype=np.int64)
    ids = np.unique(arr)
    src = np.searchsorted(ids, arr[:, 0])
    dst = np.searchsorted(ids, arr[:, 1])
    matrix = sp.csr_matrix((np.ones(src.size), (src, dst)), shape=(ids.size, ids.size))
    _, label = connected_components(matrix, directed=True, connection="strong")
    inside = label[src] == label[dst]  # src != dst, so the component has 2+ suppliers
    order = np.lexsort((dst[inside], src[inside]))
    succ: dict[int, list[int]] = {}
    for a, b in zip(
        ids[src[inside][order]].tolist(), ids[dst[inside][order]].tolist(), strict=True
    ):
        succ.setdefault(a, []).append(b)
    return succ, int(np.unique(label[src[inside]]).size)


def _loop_cover(succ: dict[int, list[int]], limit: int) -> list[list[int]]:
    """Two-supplier loops, then the shortest loop through each trading relationship (arc)
    not yet on a chosen loop.

    Each breadth-first search costs O(arcs) and yields a new loop, so the work is bounded
    by limit * arcs however many cycles the network has.
    """
    arcs = [(a, b) for a, out in succ.items() for b in out]  # ascending: succ is sorted
    arc_set = set(arcs)
    chosen = [[a, b] for a, b in arcs if a < b and (b, a) in arc_set][:limit]
    covered = {arc for cycle in chosen for arc in _arcs_of(cycle)}
    for a, b in arcs:
        if len(chosen) >= limit:
            break
        if (a, b) not in covered:
            # a -> b, then the shortest way back: a shortest path never repeats a node.
            cycle = _rotate([a, *_shortest_path(succ, b, a)[:-1]])
            chosen.append(cycle)
            covered.update(_arcs_of(cycle))
    return sorted(chosen, key=_path_key)


def _arcs_of(cycle: list[int]) -> Iterator[tuple[int, int]]:
    return zip(cycle, cycle[1:] + cycle[:1], strict=True)


def _shortest_path(succ: dict[int, list[int]], source: int, target: int) -> list[int]:
    """Breadth-first search; source and target share a strongly connected component."""
    parent: dict[int, int] = {source: source}
    queue = [source]
    for node in queue:  # the list grows while iterated: a FIFO queue
        for nxt in succ[node]:
            if nxt not in parent:
                parent[nxt] = node
                if nxt == target:
                    path = [target]
                    while path[-1] != source:
                        path.append(parent[path[-1]])
                    return path[::-1]
                queue.append(nxt)
    raise AssertionError(f"no path {source} -> {target} inside a strong component")


def _rotate(cycle: list[int]) -> list[int]:
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]
