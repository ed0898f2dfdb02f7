"""Risk carried downstream through the supply graph: max-with-decay (pure: numpy only).

inherited(v) = max over upstream suppliers u of own(u) * DECAY ** d(u, v), d the number of
edges on the path. Decay below 1 makes the best path to each ancestor a shortest one, so
cycles never help and the answer is exact: Bellman-Ford in the (max, x) semiring, each
round one vectorised pass over all edges, stopping when nothing improves (at most the depth
of the deepest best path). A probability-OR would count an ancestor once per path
(PITFALLS): this counts each ancestor once, at its nearest distance.

Nodes are dense indices 0..n-1; edges are parallel arrays src (upstream supplier) -> dst
(its customer). The caller passes only the edges that carry labour risk (goods, labour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Propagated", "path_to", "propagate"]


@dataclass(frozen=True)
class Propagated:
    inherited: np.ndarray  # float64, 0 where nothing upstream scores
    via: np.ndarray  # int64: the upstream neighbour the inherited score came through, -1
    origin: np.ndarray  # int64: the supplier it inherits from, -1
    rounds: int


def propagate(own: np.ndarray, src: np.ndarray, dst: np.ndarray,
              decay: float) -> Propagated:
    own = np.asarray(own, dtype=np.float64)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    n = own.size
    if not 0 < decay < 1:
        raise ValueError(f"decay must be between 0 and 1, got {decay}")
    if src.shape != dst.shape or (src.size and (min(src.min(), dst.min()) < 0
                                                or max(src.max(), dst.max()) >= n)):
        raise ValueError("src and dst must be equal-length arrays of node indices")
    keep = src != dst  # a self-loop inherits from itself: nothing
    if not keep.all():
        src, dst = src[keep], dst[keep]
    m = src.size
    inherited = np.zeros(n)
    via = np.full(n, -1, dtype=np.int64)
    origin = np.full(n, -1, dtype=np.int64)
    best = own.copy()  # max(own, inherited), what a node passes on
    source = np.arange(n, dtype=np.int64)  # whose score `best` is
    rounds = 0
    # Only edges out of nodes that improved last round can improve anything now (the first
    # round: every edge, taken as it is rather than gathered).
    es, ed = src, dst
    # Scratch arrays reused every round (fresh ones cost more in page faults than in work).
    top = np.empty(n)
    first = np.empty(n, dtype=np.int64)
    active = np.empty(n, dtype=bool)
    while es.size:
        rounds += 1
        cand = best[es]
        cand *= decay
        top.fill(0.0)
        np.maximum.at(top, ed, cand)
        improved = top > inherited
        if not improved.any():
            break
        # Per improved node, the first edge (in input order) reaching its new maximum:
        # every improved node has one, since its maximum is one of its edges' values.
        hit = improved[ed] & (cand == top[ed])
        first.fill(m)
        np.minimum.at(first, ed[hit], np.flatnonzero(hit))
        nodes = np.flatnonzero(improved)
        via[nodes] = es[first[nodes]]
        origin[nodes] = source[via[nodes]]
        inherited[nodes] = top[nodes]
        raised = nodes[top[nodes] > best[nodes]]
        best[raised] = top[raised]
        source[raised] = origin[raised]
        if not raised.size:  # nothing passes on more than before: done
            break
        active.fill(False)
        active[raised] = True
        edges = np.flatnonzero(active[src])
        es, ed = src[edges], dst[edges]
    return Propagated(inherited=inherited, via=via, origin=origin, rounds=rounds)


def path_to(result: Propagated, own: np.ndarray, node: int) -> list[int]:
    """Dense indices from the supplier `node` inherits from down to `node`, both included."""
    if result.via[node] < 0:
        return []
    path = [node]
    current = node
    seen = {node}
    while True:
        up = int(result.via[current])
        path.append(up)
        # `up` passed on its own score when that was at least its inherited one.
        if own[up] >= result.inherited[up] or result.via[up] < 0 or up in seen:
            break
        seen.add(up)
        current = up
    path.reverse()
    return path
