"""Questions about one supply network: upstream suppliers and paths to the company.

Pure module (plain dicts and networkx; no Flask, no database). Edges run upstream supplier ->
downstream customer as ``(supplier_id, customer_id)``; a customer of ``ROOT`` (``None``) is
the buying company itself. Goods, labour and services edges all count the same here.
Cycles, self-loops and duplicate edges are tolerated everywhere.

Trading loops live in :mod:`suppliers.graph_loops`; tiers and the other whole-network passes
for 100k-1M suppliers in :mod:`suppliers.graph_arrays` (the one way tiers are computed in
production; the networkx version is a test oracle, tests/suppliers/oracles.py). All are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import networkx as nx

from suppliers.graph_arrays import tiers_array, tiers_by_id, upstream_array
from suppliers.graph_loops import find_cycles

__all__ = [
    "ROOT",
    "PathsResult",
    "find_cycles",
    "paths_to_root",
    "tiers_array",
    "tiers_by_id",
    "upstream",
    "upstream_array",
    "upstream_subgraph_edges",
]

ROOT: Final = None  # how the buying company appears as a customer in edges

Edge = tuple[int, int | None]

# DFS steps one paths_to_root call may spend (~0.1-0.3 s): simple-path enumeration is
# exponential in the worst case, so a tangle of traders must end in a message, not a hang.
_WORK_LIMIT: Final = 200_000


class _Company:
    """networkx node for the root: unlike an int it can never collide with a supplier id."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<company>"


_COMPANY: Final = _Company()


@dataclass(frozen=True)
class PathsResult:
    """Paths from a supplier to the company; each ends at the last supplier before it."""

    paths: list[list[int]]
    truncated: bool
    message: str | None


def upstream(edges: Iterable[Edge], supplier_id: int) -> set[int]:
    """Every direct and indirect supplier of ``supplier_id`` (never itself, even in a cycle)."""
    return _reachable(_suppliers_of(edges), supplier_id) - {supplier_id}


def upstream_subgraph_edges(edges: Iterable[Edge], supplier_id: int) -> list[Edge]:
    """Distinct edges among ``upstream(supplier_id) | {supplier_id}``, sorted.

    Edges from the supplier to its customers (and to the company) are left out because
    those customers are not upstream. The one exception is a trading loop: if the supplier
    sells to a firm that is also upstream of it, that edge is inside the set and is kept,
    so the loop shows.
    """
    distinct = {(s, c) for s, c in edges}
    keep = _reachable(_suppliers_of(distinct), supplier_id)
    return sorted((s, c) for s, c in distinct if s in keep and c in keep)


def _suppliers_of(edges: Iterable[Edge]) -> dict[int, set[int]]:
    """Customer -> its direct suppliers. Plain dicts: ~10x faster to build than a DiGraph."""
    pred: dict[int, set[int]] = {}
    for s, c in edges:
        if c is not None:
            pred.setdefault(c, set()).add(s)
    return pred


def _too_many(max_paths: int) -> str:
    noun = "path" if max_paths == 1 else "paths"
    return (
        f"Showing the first {max_paths} {noun}; the network has more. Narrow the question "
        "(for example, start from a supplier closer to you) to see the rest."
    )


def _too_long(max_length: int) -> str:
    return (
        f"Showing paths of up to {max_length} suppliers; longer routes to your company "
        "exist and are not listed. Narrow the question, or allow longer paths."
    )


def _search_stopped(shown: int) -> str:
    return (
        "The search stopped early because this part of the network is too tangled to list "
        f"every route; there may be more paths than the {shown} shown. "
        "Narrow the question (for example, start from a supplier closer to you)."
    )


def paths_to_root(
    edges: Iterable[Edge], supplier_id: int, *, max_paths: int = 500, max_length: int = 30
) -> PathsResult:
    """Simple paths from the supplier to the company, shortest first then lexicographic.

    At most ``max_paths`` paths of at most ``max_length`` suppliers; ``truncated`` says when
    a bound (or the internal work limit on very loopy networks) left paths out.
    """
    if max_paths < 1 or max_length < 1:
        raise ValueError("max_paths and max_length must be at least 1")
    succ: dict[int, set[int]] = {}
    ends: set[int] = set()  # suppliers selling to the company directly
    for s, c in edges:
        if c is None:
            ends.add(s)
        elif c != s:  # a self-loop is never on a simple path
            succ.setdefault(s, set()).add(c)

    # Only suppliers downstream of the start that can still reach the company matter.
    reach = _reachable(succ, supplier_id)
    pred: dict[int, list[int]] = {v: [] for v in reach}
    for v in reach:
        for w in succ.get(v, ()):
            pred[w].append(v)
    ends &= reach
    useful = _reachable(pred, *ends)
    if supplier_id not in useful:
        return PathsResult([], False, None)

    # A simple path has at most len(useful) suppliers, so longer bounds change nothing.
    longest = min(max_length, len(useful))
    walks = _walk_lengths(pred, ends, longest)
    kids = {v: sorted(w for w in succ.get(v, ()) if walks[w]) for v in useful}
    budget = [_WORK_LIMIT]
    found: list[list[int]] = []
    # Iterative deepening on the exact length gives (length, lexicographic) order without
    # enumerating everything first: 4**10 equal-length paths stop after max_paths + 1.
    for length in range(1, longest + 1):
        if not (walks[supplier_id] >> length) & 1:
            continue
        for path in _paths_of_length(supplier_id, length, kids, walks, budget):
            found.append(path)
            if len(found) > max_paths:
                return PathsResult(found[:max_paths], True, _too_many(max_paths))
        if budget[0] < 0:
            return PathsResult(found, True, _search_stopped(len(found)))
    if longest == len(useful):
        return PathsResult(found, False, None)
    longer = _has_longer_path(supplier_id, max_length, succ, useful, ends, budget)
    if longer is None:
        return PathsResult(found, True, _search_stopped(len(found)))
    return PathsResult(found, longer, _too_long(max_length) if longer else None)


def _reachable(adjacency: dict[int, set[int]] | dict[int, list[int]], *starts: int) -> set[int]:
    """Nodes reachable from ``starts`` (included) following ``adjacency``."""
    seen = set(starts)
    frontier = list(starts)
    while frontier:
        nxt = {w for v in frontier for w in adjacency.get(v, ()) if w not in seen}
        seen.update(nxt)
        frontier = nxt
    return seen


def _walk_lengths(pred: dict[int, list[int]], ends: set[int], longest: int) -> dict[int, int]:
    """Bitset per node: bit k set when some walk of exactly k edges reaches the company.

    Every simple path is a walk, so a clear bit prunes a DFS branch that cannot finish at
    the wanted length; on a DAG this makes the path search output-sensitive.
    """
    walks = dict.fromkeys(pred, 0)
    layer = set(ends)
    for k in range(1, longest + 1):
        if not layer:
            break
        for v in layer:
            walks[v] |= 1 << k
        layer = {u for v in layer for u in pred[v]}
    return walks


_SKIP, _EMIT, _ENTER = range(3)
_EXHAUSTED = object()  # yielded once when the step budget runs out


def _simple_dfs(
    start: int, kids: dict[int, list[int]], budget: list[int],
    verdict: Callable[[list[int], int], int],
) -> Iterator[object]:
    """Depth-first over simple paths from ``start`` in ``kids`` order. ``verdict(path, nxt)``
    says whether to skip ``nxt``, emit ``path + [nxt]`` (without going deeper) or enter it."""
    path = [start]
    on_path = {start}
    stack = [iter(kids[start])]
    while stack:
        for nxt in stack[-1]:
            budget[0] -= 1
            if budget[0] < 0:
                yield _EXHAUSTED
                return
            if nxt in on_path:
                continue
            action = verdict(path, nxt)
            if action == _EMIT:
                yield [*path, nxt]
            elif action == _ENTER:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(kids[nxt]))
                break
        else:
            stack.pop()
            on_path.discard(path.pop())


def _paths_of_length(
    start: int, length: int, kids: dict[int, list[int]], walks: dict[int, int], budget: list[int]
) -> Iterator[list[int]]:
    """Simple paths of exactly ``length`` suppliers, lexicographic; stops when budget < 0."""
    if length == 1:
        yield [start]
        return

    def verdict(path: list[int], nxt: int) -> int:
        remaining = length - len(path)  # edges left to the company from nxt
        if not (walks[nxt] >> remaining) & 1:
            return _SKIP
        return _EMIT if remaining == 1 else _ENTER

    for found in _simple_dfs(start, kids, budget, verdict):
        if found is _EXHAUSTED:
            return
        yield found  # type: ignore[misc]


def _has_longer_path(
    start: int,
    max_length: int,
    succ: dict[int, set[int]],
    useful: set[int],
    ends: set[int],
    budget: list[int],
) -> bool | None:
    """Is there a simple path of more than ``max_length`` suppliers? None if unknown."""
    graph = nx.DiGraph()
    graph.add_nodes_from(useful)
    graph.add_edges_from((v, w) for v in useful for w in succ.get(v, ()) if w in useful)
    graph.add_edges_from((v, _COMPANY) for v in ends)
    if nx.is_directed_acyclic_graph(graph):
        # Every node reaches the company, so the DAG's longest path runs start -> company.
        return nx.dag_longest_path_length(graph) > max_length
    kids = {v: sorted(w for w in graph.successors(v) if w is not _COMPANY) for v in useful}

    def verdict(path: list[int], nxt: int) -> int:
        return _EMIT if len(path) >= max_length and nxt in ends else _ENTER

    for found in _simple_dfs(start, kids, budget, verdict):
        return None if found is _EXHAUSTED else True
    return False
