"""The effect of one SPARQL update as concrete data: the quads and graphs it removed and added.

An update is evaluated once, in one worker (graph.store.pool serialises them); its effect is
taken there by comparing the store before and after, and every other worker — and every
replacement, and every later start — applies that effect instead of evaluating the text again.
So STRUUID(), RAND(), NOW() and BNODE() are drawn once, and a LOAD is fetched once.

Comparing whole stores is exact for every update form (DELETE/INSERT WHERE, CLEAR, DROP, LOAD,
ADD/MOVE/COPY, CREATE) whatever Oxigraph does inside, at the cost of writing the store out
twice per update (Oxigraph's N-Quads writer; a few hundred ms for the 115,000 quads of the
shipped build on an idle core, which graph.store.pool allows for beyond the time limit).
Named graphs are compared too, because CREATE and
DROP of an empty graph change no quad. Blank nodes keep their labels: each worker loads the
release with its labels as written (`load_keeping_labels`), so a quad removed by one worker
names the same blank node in all of them.

A delta is a plain dict (it crosses the worker pipe and is journalled as JSON):
`remove`/`add` are N-Quads text, `graphs_removed`/`graphs_added` lists of graph names written
as in N-Quads (`<iri>` or `_:label`). Applying is idempotent. This module uses pyoxigraph only,
since the sandboxed worker imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

NQUADS = ox.RdfFormat.N_QUADS
Delta = dict[str, Any]
GraphName = ox.NamedNode | ox.BlankNode


class Snapshot:
    """Every quad (as its N-Quads line) and every named graph of a store at one moment.

    Lines, not Quad objects: Oxigraph writes the whole store in one call and a set of bytes
    is cheap to build and compare, several times faster than hashing a Python object per quad.
    """

    def __init__(self, store: ox.Store) -> None:
        self.lines: set[bytes] = set((store.dump(format=NQUADS) or b"").splitlines())
        self.graphs: set[Any] = set(store.named_graphs())


def load_keeping_labels(
    store: ox.Store, *, data: bytes | None = None, path: str | None = None
) -> None:
    """Fill a memory store from N-Quads keeping blank node labels as written (bulk_load would
    give each process fresh random ones, and deltas could not name them across workers)."""
    quads = ox.parse(data, format=NQUADS) if path is None else ox.parse(path=path, format=NQUADS)
    store.bulk_extend(quads)


def _nquads(lines: Iterable[bytes]) -> str:
    # sorted: the same effect is written the same way (journals compare, tests read them)
    return "".join(line.decode("utf-8") + "\n" for line in sorted(lines))


def _name(term: Any) -> str:
    return str(term)


def _graph(name: str) -> GraphName:
    if name.startswith("_:"):
        return ox.BlankNode(name[2:])
    if name.startswith("<") and name.endswith(">"):
        return ox.NamedNode(name[1:-1])
    raise ValueError(f"not a graph name: {name!r}")


def between(before: Snapshot, after: Snapshot) -> Delta:
    """What turns `before` into `after`."""
    return {
        "remove": _nquads(before.lines - after.lines),
        "add": _nquads(after.lines - before.lines),
        "graphs_removed": sorted(_name(g) for g in before.graphs - after.graphs),
        "graphs_added": sorted(_name(g) for g in after.graphs - before.graphs),
    }


def is_empty(delta: Delta) -> bool:
    return not any(delta[k] for k in ("remove", "add", "graphs_removed", "graphs_added"))


def inverse(delta: Delta) -> Delta:
    """The delta that undoes `delta` (used to take back a failed update's partial effect)."""
    return {
        "remove": delta["add"],
        "add": delta["remove"],
        "graphs_removed": delta["graphs_added"],
        "graphs_added": delta["graphs_removed"],
    }


def _quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode("utf-8"), format=NQUADS)) if text else []


def apply(store: ox.Store, delta: Delta) -> list[str]:
    """Apply a delta; returns what did not apply cleanly (quads to remove that were absent,
    quads to add that were present, likewise graphs), empty when the store was as expected."""
    problems: list[str] = []
    removed, added = _quads(delta["remove"]), _quads(delta["add"])
    absent = [q for q in removed if q not in store]
    present = [q for q in added if q in store]
    graphs = set(store.named_graphs())
    gone = [g for g in map(_graph, delta["graphs_removed"]) if g not in graphs]
    there = [g for g in map(_graph, delta["graphs_added"]) if g in graphs]
    if absent:
        problems.append(f"{len(absent)} of {len(removed)} quads it removed are not there")
    if present:
        problems.append(f"{len(present)} of {len(added)} quads it added are there already")
    if gone:
        problems.append(f"graphs it dropped do not exist: {', '.join(map(str, gone))}")
    if there:
        problems.append(f"graphs it created exist already: {', '.join(map(str, there))}")
    for quad in removed:
        store.remove(quad)
    for name in delta["graphs_removed"]:
        graph = _graph(name)
        if graph in set(store.named_graphs()):
            store.remove_graph(graph)
    for name in delta["graphs_added"]:
        store.add_graph(_graph(name))
    store.extend(added)
    return problems


def replay(nquads_path: Path, deltas: Iterable[Delta]) -> list[tuple[int, list[str]]]:
    """Apply `deltas` in order to a scratch copy of a release: (number, problems) for each
    delta that does not apply cleanly (a rebuild carrying updates over reports these)."""
    store = ox.Store()
    load_keeping_labels(store, path=str(nquads_path))
    found: list[tuple[int, list[str]]] = []
    for number, delta in enumerate(deltas, 1):
        problems = apply(store, delta)
        if problems:
            found.append((number, problems))
    return found
