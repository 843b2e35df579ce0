"""Steps measured in their own process, so peak memory (ru_maxrss) is the step's own.

`python -m bench.tasks STEP ARGS…` prints one JSON object: seconds per phase and peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from graph.namespaces import PROVENANCE_GRAPH

DATA_LAYER = (
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
    f"FILTER(?g != <{PROVENANCE_GRAPH}>) }}"
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(nquads: str, data_dir: str) -> dict[str, Any]:
    """What `zonegraph build --nquads --skip-validation` does: the pipeline's publish step
    (release, counts, dumps) on generated N-Quads; validation is timed on its own."""
    from graph import pipeline

    data = Path(nquads).read_bytes()
    started = time.perf_counter()
    result = pipeline.run(Path(data_dir), nquads=data, validate=False)
    assert result.release is not None
    return {"seconds": time.perf_counter() - started, "release": str(result.release.path)}


def reopen(data_dir: str) -> dict[str, Any]:
    """Open the published store read-only and answer a first query (a service restart)."""
    started = time.perf_counter()
    from graph.store.release import current_release, open_read_only

    release = current_release(Path(data_dir))
    assert release is not None
    store = open_read_only(release)
    opened = time.perf_counter() - started
    answer = store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)
    assert bool(answer)
    return {"seconds": time.perf_counter() - started, "open_seconds": opened}


def validate(nquads: str) -> dict[str, Any]:
    """SHACL validation of the whole dataset as `zonegraph validate --dataset FILE` runs it
    (file to report), and as `zonegraph build --nquads FILE` runs it (bytes to report), with
    wall and CPU seconds (the machine may be shared: CPU says what the work costs)."""
    from graph.validate import validate_dataset, validate_nquads

    wall, cpu = time.perf_counter(), time.process_time()
    report = validate_dataset(Path(nquads))
    out: dict[str, Any] = {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "conforms": report.conforms,
    }
    data = Path(nquads).read_bytes()
    wall, cpu = time.perf_counter(), time.process_time()
    built = validate_nquads(data)
    out["build_nquads_seconds"] = time.perf_counter() - wall
    out["build_nquads_cpu_seconds"] = time.process_time() - cpu
    out["build_nquads_conforms"] = built.conforms
    return out


def analyses(data_dir: str) -> dict[str, Any]:
    """The analyses on the graph they need: the data layer pulled with CONSTRUCT."""
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Graph

    from graph import analysis
    from graph.analysis import views
    from graph.store.release import current_release, open_read_only
    from graph.store.remote import triples_to_graph

    out: dict[str, Any] = {}
    release = current_release(Path(data_dir))
    assert release is not None
    store = open_read_only(release)
    t = time.perf_counter()
    triples = store.query(DATA_LAYER)
    rdf: Graph = triples_to_graph(bytes(triples.serialize(format=ox.RdfFormat.N_TRIPLES)))  # type: ignore[union-attr]
    prepared = views.prepare(rdf)
    undirected = views.undirected(prepared.entity)
    out["graph views"] = time.perf_counter() - t
    out["nodes"], out["edges"] = undirected.number_of_nodes(), undirected.number_of_edges()
    t = time.perf_counter()
    analysis.pagerank(undirected)
    out["PageRank"] = time.perf_counter() - t
    t = time.perf_counter()
    analysis.louvain(undirected)
    out["Louvain"] = time.perf_counter() - t
    t = time.perf_counter()
    _, exact = analysis.betweenness(undirected)
    out["betweenness" + (" (exact)" if exact else " (k-sampled)")] = time.perf_counter() - t
    zones = sorted(n for n in undirected if "/zone/syn-" in str(n))
    t = time.perf_counter()
    if len(zones) >= 2:
        try:
            nx.shortest_path(undirected, zones[0], zones[-1])
        except nx.NetworkXNoPath:
            pass
    out["shortest path"] = time.perf_counter() - t
    return out


def main() -> None:
    step, *args = sys.argv[1:]
    result = {"build": build, "reopen": reopen, "validate": validate, "analyses": analyses}[step](
        *args
    )
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
