"""Tests for suppliers.graph: hand-written networks plus hypothesis properties.

Expected values come from networkx run independently here (shortest_path_length per node,
ancestors, all_simple_paths, simple_cycles) on a graph built in this file, never from the
functions under test.
"""

from __future__ import annotations

import random
import time
from itertools import islice, pairwise

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suppliers.graph import (
    ROOT,
    PathsResult,
    find_cycles,
    paths_to_root,
    tiers_array,
    tiers_by_id,
    upstream,
    upstream_array,
    upstream_subgraph_edges,
)
from tests.suppliers.oracles import tiers

Edge = tuple[int, int | None]
COMPANY = "company"  # the root in reference graphs built by the tests


# ---------------------------------------------------------------- reference helpers


def reference_graph(nodes: list[int], edges: list[Edge]) -> nx.DiGraph:
    """Supplier -> customer graph with the company as a string node; edges touching an id
    outside `nodes` are dropped."""
    known = set(nodes)
    graph = nx.DiGraph()
    graph.add_node(COMPANY)
    graph.add_nodes_from(nodes)
    graph.add_edges_from(
        (s, COMPANY if c is None else c)
        for s, c in edges
        if s in known and (c is None or c in known)
    )
    return graph


def reference_tiers(nodes: list[int], edges: list[Edge]) -> dict[int, int | None]:
    graph = reference_graph(nodes, edges)
    out: dict[int, int | None] = {}
    for node in nodes:
        try:
            out[node] = nx.shortest_path_length(graph, node, COMPANY)
        except nx.NetworkXNoPath:
            out[node] = None
    return out


def dense_arrays(nodes: list[int], edges: list[Edge]) -> tuple[np.ndarray, np.ndarray]:
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[s], -1 if c is None else index[c]) for s, c in edges]
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    return src, dst


def by_length_then_ids(path: list[int]) -> tuple[int, list[int]]:
    return len(path), path


def assert_valid_path(path: list[int], edges: list[Edge]) -> None:
    edge_set = set(edges)
    assert len(set(path)) == len(path), f"not simple: {path}"
    for a, b in pairwise(path):
        assert (a, b) in edge_set, f"{a}->{b} is not an edge"
    assert (path[-1], ROOT) in edge_set, f"{path[-1]} does not sell to the company"


def assert_valid_cycle(cycle: list[int], edges: list[Edge]) -> None:
    edge_set = set(edges)
    assert len(cycle) >= 2 and len(set(cycle)) == len(cycle)
    assert cycle[0] == min(cycle)
    for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert (a, b) in edge_set


def layered(layers: int, width: int) -> list[Edge]:
    """`layers` tiers of `width` suppliers, each selling to every supplier one tier down."""
    ids = [[layer * 100 + i + 1 for i in range(width)] for layer in range(layers)]
    edges: list[Edge] = [(node, None) for node in ids[0]]
    for lower, upper in pairwise(ids):
        edges += [(s, c) for s in upper for c in lower]
    return edges


# ---------------------------------------------------------------- hand-written networks


def test_tier_one_and_tier_three_chain() -> None:
    edges: list[Edge] = [(1, None), (2, 1), (3, 2)]
    assert tiers([1], [(1, None)]) == {1: 1}
    assert tiers([1, 2, 3], edges) == {1: 1, 2: 2, 3: 3}
    assert tiers_by_id([1, 2, 3], edges) == {1: 1, 2: 2, 3: 3}
    assert paths_to_root(edges, 3) == PathsResult([[3, 2, 1]], False, None)


def test_labour_agency_counts_as_an_upstream_tier() -> None:
    # 10 is a recruitment agency placing workers in factory 2; goods and labour share a graph.
    edges: list[Edge] = [(1, None), (2, 1), (10, 2)]
    assert tiers([1, 2, 10], edges) == {1: 1, 2: 2, 10: 3}
    assert upstream(edges, 1) == {2, 10}
    assert upstream(edges, 2) == {10}
    assert paths_to_root(edges, 10).paths == [[10, 2, 1]]


def test_unreachable_suppliers_have_no_tier() -> None:
    # 4 has no edges, 5 sells only to 6 which sells to nobody, 7 is absent from the edges,
    # and 8 reaches the company only through 99, which is not a known supplier.
    edges: list[Edge] = [(1, None), (5, 6), (8, 99), (99, None)]
    expected = {1: 1, 4: None, 5: None, 6: None, 7: None, 8: None}
    assert tiers([1, 4, 5, 6, 7, 8], edges) == expected
    assert tiers_by_id([1, 4, 5, 6, 7, 8], edges) == expected
    assert paths_to_root(edges, 5) == PathsResult([], False, None)
    assert paths_to_root(edges, 12345) == PathsResult([], False, None)
    assert upstream(edges, 12345) == set()


def test_self_loops_are_tolerated() -> None:
    edges: list[Edge] = [(1, None), (1, 1), (2, 1), (2, 2), (3, 3)]
    assert tiers([1, 2, 3], edges) == {1: 1, 2: 2, 3: None}
    assert tiers_by_id([1, 2, 3], edges) == {1: 1, 2: 2, 3: None}
    assert upstream(edges, 1) == {2}
    assert upstream(edges, 3) == set()
    assert find_cycles(edges) == []
    assert paths_to_root(edges, 2).paths == [[2, 1]]


def test_duplicate_edges_count_once() -> None:
    edges: list[Edge] = [(1, None), (2, 1), (2, 1), (3, 2), (1, None), (3, 1), (3, 1)]
    assert tiers([1, 2, 3], edges) == {1: 1, 2: 2, 3: 2}
    assert paths_to_root(edges, 3).paths == [[3, 1], [3, 2, 1]]
    assert upstream_subgraph_edges(edges, 1) == [(2, 1), (3, 1), (3, 2)]
    assert upstream_array(3, *dense_arrays([1, 2, 3], edges), 0).tolist() == [1, 2]


def test_two_cycle_between_traders() -> None:
    edges: list[Edge] = [(1, None), (21, 1), (20, 21), (21, 20)]
    assert tiers([1, 20, 21], edges) == {1: 1, 20: 3, 21: 2}
    assert upstream(edges, 21) == {20}  # never itself, although 21 -> 20 -> 21
    assert upstream(edges, 1) == {20, 21}
    assert find_cycles(edges) == [[20, 21]]
    assert paths_to_root(edges, 20) == PathsResult([[20, 21, 1]], False, None)


def test_three_cycle_between_traders() -> None:
    edges: list[Edge] = [(1, None), (32, 1), (31, 32), (30, 31), (32, 30)]
    assert tiers([1, 30, 31, 32], edges) == {1: 1, 30: 4, 31: 3, 32: 2}
    assert find_cycles(edges) == [[30, 31, 32]]
    assert find_cycles(list(reversed(edges))) == [[30, 31, 32]]
    assert upstream(edges, 31) == {30, 32}
    assert paths_to_root(edges, 30).paths == [[30, 31, 32, 1]]


def test_shortcut_gives_the_short_tier() -> None:
    edges: list[Edge] = [(1, None), (2, 1), (3, 2), (4, 3), (5, 4), (5, 1)]
    assert tiers([1, 2, 3, 4, 5], edges)[5] == 2
    assert tiers_by_id([1, 2, 3, 4, 5], edges)[5] == 2
    assert tiers_array(5, *dense_arrays([1, 2, 3, 4, 5], edges)).tolist() == [1, 2, 3, 4, 2]


def test_paths_are_shortest_first_then_lexicographic() -> None:
    edges: list[Edge] = [
        (9, 5), (9, 3), (9, 4), (5, None), (5, 2), (3, 1), (4, 1), (4, None), (2, None),
        (1, None), (3, 2),
    ]  # fmt: skip
    result = paths_to_root(edges, 9)
    assert result.paths == [
        [9, 4],
        [9, 5],
        [9, 3, 1],
        [9, 3, 2],
        [9, 4, 1],
        [9, 5, 2],
    ]
    assert not result.truncated and result.message is None


def test_upstream_subgraph_leaves_out_sales_to_customers() -> None:
    # 3 supplies 2; 2 sells on to 1 and to the company; 4 sells to 3, 3 also resells to 4.
    edges: list[Edge] = [(1, None), (2, 1), (2, None), (3, 2), (4, 3), (3, 4), (5, 1), (3, 3)]
    assert upstream_subgraph_edges(edges, 2) == [(3, 2), (3, 3), (3, 4), (4, 3)]
    assert upstream_subgraph_edges(edges, 5) == []
    assert upstream_subgraph_edges(edges, 777) == []


def test_dense_layered_network_truncates_quickly() -> None:
    edges = layered(10, 4)  # 4**9 paths from each top-tier supplier, 4**10 in total
    started = time.perf_counter()
    result = paths_to_root(edges, 901)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert result.truncated
    assert len(result.paths) == 500
    assert result.message is not None
    assert "500" in result.message and "Narrow the question" in result.message
    assert all(len(p) == 10 for p in result.paths)
    assert result.paths == sorted(result.paths)
    assert result.paths[0] == [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]
    for path in result.paths[:50]:
        assert_valid_path(path, edges)


def test_paths_longer_than_max_length_are_reported() -> None:
    chain: list[Edge] = [(1, None)] + [(i + 1, i) for i in range(1, 40)]
    result = paths_to_root(chain, 40)
    assert result.paths == [] and result.truncated
    assert result.message is not None and "30" in result.message
    assert paths_to_root(chain, 30) == PathsResult([list(range(30, 0, -1))], False, None)
    # With a loop on the way the longer route is found by search rather than DAG length.
    looped = [*chain, (5, 40)]
    assert paths_to_root(looped, 38).truncated
    assert paths_to_root(looped, 38, max_length=40) == PathsResult(
        [list(range(38, 0, -1))], False, None
    )


def test_tangled_traders_stop_with_a_message() -> None:
    # 12 traders all selling to each other and to the company: ~1.3e9 simple paths.
    traders = range(1, 13)
    edges: list[Edge] = [(a, b) for a in traders for b in traders if a != b]
    edges += [(a, None) for a in traders]
    started = time.perf_counter()
    result = paths_to_root(edges, 1, max_paths=10**9)
    assert time.perf_counter() - started < 3.0
    assert result.truncated and result.paths
    assert result.message is not None and "stopped early" in result.message
    assert result.paths == sorted(result.paths, key=by_length_then_ids)
    assert paths_to_root(edges, 1).truncated  # the default bound of 500 hits first


def test_find_cycles_is_bounded_on_a_dense_cluster() -> None:
    nodes = range(1, 31)
    edges: list[Edge] = [(a, b) for a in nodes for b in nodes if a != b]
    started = time.perf_counter()
    cycles = find_cycles(edges, limit=100)
    assert time.perf_counter() - started < 2.0
    assert len(cycles) == 100
    assert len({tuple(c) for c in cycles}) == 100
    assert cycles == sorted(cycles, key=by_length_then_ids)
    for cycle in cycles:
        assert_valid_cycle(cycle, edges)
    assert find_cycles(edges, limit=0) == []


def test_find_cycles_covers_every_loop_arc_when_there_are_many() -> None:
    # Circulant network: i sells to i+1, i+2, i+3 (mod 20); thousands of loops, none of
    # two suppliers. The shortest loop through an arc has 7 suppliers (8 via a +1 step).
    edges: list[Edge] = [(i, (i + k - 1) % 20 + 1) for i in range(1, 21) for k in (1, 2, 3)]
    few = find_cycles(edges, limit=5)
    assert len(few) == 5 and all(7 <= len(c) <= 8 for c in few)
    assert few == sorted(few, key=by_length_then_ids)
    many = find_cycles(edges, limit=1000)
    assert 5 <= len(many) <= 60
    assert set().union(*(arcs_of(c) for c in many)) == {(s, c) for s, c in edges}
    for cycle in many:
        assert_valid_cycle(cycle, edges)


def test_find_cycles_on_one_long_ring() -> None:
    ring: list[Edge] = [(i, i % 20_000 + 1) for i in range(1, 20_001)]
    started = time.perf_counter()
    assert find_cycles([*ring, (5, None)]) == [list(range(1, 20_001))]
    assert time.perf_counter() - started < 3.0


def test_bad_bounds_and_arrays_are_rejected() -> None:
    with pytest.raises(ValueError):
        paths_to_root([(1, None)], 1, max_paths=0)
    with pytest.raises(ValueError):
        paths_to_root([(1, None)], 1, max_length=0)
    with pytest.raises(ValueError):
        tiers_array(2, np.array([0, 2]), np.array([-1, 0]))
    with pytest.raises(ValueError):
        tiers_array(2, np.array([0]), np.array([-2]))
    with pytest.raises(ValueError):
        tiers_array(2, np.array([0, 1]), np.array([-1]))
    with pytest.raises(ValueError):
        upstream_array(2, np.array([0]), np.array([-1]), 2)


def test_array_passes_on_empty_input() -> None:
    assert tiers_array(0, np.array([]), np.array([])).tolist() == []
    assert tiers_array(3, np.array([]), np.array([])).tolist() == [-1, -1, -1]
    assert tiers_array(2, np.array([1]), np.array([-1])).dtype == np.int32
    assert upstream_array(3, np.array([]), np.array([]), 1).tolist() == []
    assert tiers_by_id([], []) == {}
    assert tiers([], []) == {}


# ---------------------------------------------------------------- generated networks


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[int], list[Edge]]:
    """Layered supply networks of up to ~60 suppliers with the usual mess in them.

    Tiers of 1-8 suppliers each selling to 1-2 suppliers one tier down, plus extra edges
    (shortcuts, back edges that close cycles), labour agencies selling into any supplier,
    orphans trading only among themselves, self-loops and duplicates. Hypothesis draws the
    shape (so failures shrink to few suppliers and few extra edges); a drawn seed does the
    wiring, which keeps generation cheap enough for hundreds of examples per second.
    """
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=6))
    n_agencies = draw(st.integers(0, 5))
    n_orphans = draw(st.integers(0, 4))
    n_extra = draw(st.integers(0, 8))
    n_orphan_edges = draw(st.integers(0, 6))
    n_loops = draw(st.integers(0, 3))
    n_duplicates = draw(st.integers(0, 5))
    rng = random.Random(draw(st.integers(0, 2**32)))

    total = sum(sizes) + n_agencies + n_orphans
    ids = rng.sample(range(1, 10**6), total)  # sparse, unordered ids as from a database
    layers, start = [], 0
    for size in sizes:
        layers.append(ids[start : start + size])
        start += size
    agencies = ids[start : start + n_agencies]
    orphans = ids[start + n_agencies :]
    tiered = ids[: sum(sizes)]

    edges: list[Edge] = [(s, None) for s in layers[0]]
    for lower, upper in pairwise(layers):
        edges += [
            (s, c) for s in upper for c in rng.sample(lower, min(len(lower), rng.randint(1, 2)))
        ]
    customers: list[int | None] = [None, *tiered]
    edges += [(rng.choice(tiered), rng.choice(customers)) for _ in range(n_extra)]
    edges += [(a, rng.choice(tiered)) for a in agencies]  # labour edges into any supplier
    if orphans:
        edges += [(rng.choice(orphans), rng.choice(orphans)) for _ in range(n_orphan_edges)]
    edges += [(s, s) for s in rng.choices(ids, k=n_loops)]
    edges += rng.choices(edges, k=n_duplicates)
    rng.shuffle(edges)
    return ids, edges


@settings(max_examples=200, deadline=None)
@given(networks(), st.lists(st.tuples(st.integers(1, 10**6), st.none()), max_size=2))
def test_tiers_match_networkx(network: tuple[list[int], list[Edge]], strays: list[Edge]) -> None:
    nodes, edges = network
    # Strays: ids not in node_ids selling to the company, and known suppliers selling to them.
    strays = [(s, None) for s, _ in strays if s not in nodes]
    edges = edges + strays + [(nodes[-1], s) for s, _ in strays]
    expected = reference_tiers(nodes, edges)
    assert tiers(nodes, edges) == expected
    assert tiers_by_id(nodes, edges) == expected
    known = [e for e in edges if e[0] in nodes and (e[1] is None or e[1] in nodes)]
    dense = tiers_array(len(nodes), *dense_arrays(nodes, known))
    assert dense.tolist() == [-1 if expected[n] is None else expected[n] for n in nodes]


@settings(max_examples=200, deadline=None)
@given(networks(), st.data())
def test_upstream_matches_networkx_ancestors(
    network: tuple[list[int], list[Edge]], data: st.DataObject
) -> None:
    nodes, edges = network
    supplier = data.draw(st.sampled_from(nodes))
    expected = nx.ancestors(reference_graph(nodes, edges), supplier)
    assert upstream(edges, supplier) == expected
    dense = upstream_array(len(nodes), *dense_arrays(nodes, edges), nodes.index(supplier))
    assert dense.tolist() == sorted(nodes.index(n) for n in expected)

    sub = upstream_subgraph_edges(edges, supplier)
    inside = expected | {supplier}
    assert sub == sorted(set(sub))
    assert all(s in inside and c in inside for s, c in sub)
    assert {e for e in edges if e[0] in inside and e[1] in inside} == set(sub)
    # Every upstream supplier has an edge inside the set: its next step towards `supplier`.
    assert {s for s, _ in sub} >= expected


@settings(max_examples=400, deadline=None)
@given(
    networks(),
    st.data(),
    st.sampled_from([1, 3, 20, 500]),
    st.sampled_from([2, 4, 30]),
)
def test_paths_match_networkx_simple_paths(
    network: tuple[list[int], list[Edge]], data: st.DataObject, max_paths: int, max_length: int
) -> None:
    nodes, edges = network
    supplier = data.draw(st.sampled_from(nodes))
    result = paths_to_root(edges, supplier, max_paths=max_paths, max_length=max_length)

    assert len(result.paths) <= max_paths
    assert result.paths == sorted(result.paths, key=by_length_then_ids)
    assert len({tuple(p) for p in result.paths}) == len(result.paths)
    for path in result.paths:
        assert path[0] == supplier and len(path) <= max_length
        assert_valid_path(path, edges)
    assert (result.message is not None) == result.truncated

    limit = 20_000
    graph = reference_graph(nodes, edges)
    reference = [p[:-1] for p in islice(nx.all_simple_paths(graph, supplier, COMPANY), limit)]
    if len(reference) == limit:
        return  # too many to enumerate as a reference; the checks above still held
    within = sorted((p for p in reference if len(p) <= max_length), key=by_length_then_ids)
    if len(within) > max_paths:
        assert result.truncated
        assert result.paths == within[:max_paths]
    else:
        assert result.paths == within
        assert result.truncated == any(len(p) > max_length for p in reference)


def arcs_of(cycle: list[int] | tuple[int, ...]) -> set[tuple[int, int]]:
    return set(zip(cycle, [*cycle[1:], cycle[0]], strict=True))


@settings(max_examples=250, deadline=None)
@given(networks(), st.sampled_from([1, 3, 100]), st.randoms(use_true_random=False))
def test_cycles_match_networkx(
    network: tuple[list[int], list[Edge]], limit: int, rnd: random.Random
) -> None:
    nodes, edges = network
    graph = reference_graph(nodes, edges)
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    expected = {
        tuple(c[c.index(min(c)) :] + c[: c.index(min(c))])
        for c in islice(nx.simple_cycles(graph), 10_000)
    }
    cycles = find_cycles(edges, limit=limit)
    for cycle in cycles:
        assert_valid_cycle(cycle, edges)
    assert cycles == sorted(cycles, key=by_length_then_ids)
    assert len({tuple(c) for c in cycles}) == len(cycles)
    if len(expected) <= limit:
        assert {tuple(c) for c in cycles} == expected  # every loop when there are few
    else:
        assert 1 <= len(cycles) <= limit
        two = sum(len(c) == 2 for c in expected)
        assert sum(len(c) == 2 for c in cycles) == min(two, limit)  # short loops first
        if len(cycles) < limit:  # stopped early only because every loop arc is shown
            shown = set().union(*(arcs_of(c) for c in cycles))
            assert shown == set().union(*(arcs_of(c) for c in expected))
    shuffled = list(edges)
    rnd.shuffle(shuffled)
    assert find_cycles(shuffled, limit=limit) == cycles
