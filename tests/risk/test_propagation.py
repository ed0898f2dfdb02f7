"""Max-with-decay propagation against a brute force over every upstream path."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.propagation import path_to, propagate

DECAY = 0.8


def brute_force(own: list[float], edges: list[tuple[int, int]]) -> list[float]:
    """max over every u with a path u -> v (length >= 1, cycles through v included) of
    own(u) * DECAY ** (shortest length), by networkx; equal to the max over all paths."""
    g = nx.DiGraph()
    g.add_nodes_from(range(len(own)))
    g.add_edges_from((a, b) for a, b in edges if a != b)
    out = [0.0] * len(own)
    for u in range(len(own)):
        lengths = nx.single_source_shortest_path_length(g, u)
        for v, d in lengths.items():
            if v != u:
                out[v] = max(out[v], own[u] * DECAY ** d)
        # a cycle back to u itself
        for w in g.predecessors(u):
            if w in lengths:
                out[u] = max(out[u], own[u] * DECAY ** (lengths[w] + 1))
    return out


graphs = st.integers(min_value=1, max_value=14).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from([0.0, 5.0, 12.5, 30.0, 47.0, 66.0, 80.0, 100.0]),
             min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n)))


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_agrees_with_brute_force_on_graphs_with_cycles(graph):
    own, edges = graph
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    result = propagate(np.array(own), src, dst, DECAY)
    expected = brute_force(own, edges)
    assert result.inherited == pytest.approx(expected, abs=1e-9)
    for v in range(len(own)):
        if result.via[v] < 0:
            assert expected[v] == 0
            continue
        path = path_to(result, np.array(own), v)
        origin = path[0]
        assert origin == result.origin[v]
        # the path is made of real edges and gives the inherited value
        for a, b in itertools.pairwise(path):
            assert (a, b) in edges
        assert own[origin] * DECAY ** (len(path) - 1) == pytest.approx(result.inherited[v])


def test_chain_decays_per_tier_and_names_the_origin():
    # 0 (gin, 66) -> 1 (spinner) -> 2 (mill)
    result = propagate(np.array([66.0, 0.0, 10.0]), np.array([0, 1]), np.array([1, 2]), DECAY)
    assert result.inherited.tolist() == pytest.approx([0, 52.8, 42.24])
    assert path_to(result, np.array([66.0, 0.0, 10.0]), 2) == [0, 1, 2]


def test_counts_an_ancestor_once_not_once_per_path():
    # a diamond: 0 -> 1 -> 3 and 0 -> 2 -> 3; a probability-OR would count 0 twice
    own = np.array([50.0, 0, 0, 0])
    result = propagate(own, np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]), DECAY)
    assert result.inherited[3] == pytest.approx(50 * DECAY ** 2)


def test_a_long_cycle_terminates():
    n = 2000
    src = np.arange(n)
    dst = (src + 1) % n
    own = np.zeros(n)
    own[0] = 90
    result = propagate(own, src, dst, DECAY)
    assert result.inherited[1] == pytest.approx(72)
    assert result.rounds <= n + 1


def test_rejects_bad_arrays():
    with pytest.raises(ValueError, match="node indices"):
        propagate(np.zeros(2), np.array([0]), np.array([5]), DECAY)
    with pytest.raises(ValueError, match="decay"):
        propagate(np.zeros(2), np.array([0]), np.array([1]), 1.0)
