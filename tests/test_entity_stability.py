"""Every format of an entity page describes the same graph, on every fetch (issue 10).

rdflib's Turtle and JSON-LD writers once abbreviated an RDF list that two subjects point to
(a grouping's member list is also the object of its reified statement) once per reference or
not at all, depending on set order: 110 or 112 triples from one Turtle fetch to the next, 118
in JSON-LD. Now each page is compared with its own N-Triples, format by format.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from graph.namespaces import BASE
from service.state import get_backend
from tests.helpers_server import make_app

FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
#: Reference data (NBS divisions, GB/T 4754 codes) and the registry's zones and table rows are
#: thousands of look-alike entities made by one function each from one table row; every curated
#: entity is checked, and every Nth of each of these (over a hundred registry zones and rows).
SAMPLED = {
    f"{BASE}id/division/": 100,
    f"{BASE}concept/gbt4754/": 100,
    f"{BASE}id/zone/gbt37028-": 20,
    f"{BASE}id/row/": 20,
}

SUBJECTS = f"""SELECT DISTINCT ?s (SAMPLE(?bnode) AS ?b) WHERE {{
  ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")
                  && !STRSTARTS(STR(?s), "{BASE}id/statement/"))
  BIND(IF(isBlank(?o), ?o, ?unbound) AS ?bnode)
}} GROUP BY ?s ORDER BY ?s"""


def entity_paths(client: FlaskClient) -> list[tuple[str, bool]]:
    """(path, whether its description holds a blank node) of the entities to check."""
    with client.application.app_context():
        rows = get_backend().select(SUBJECTS)
    out: list[tuple[str, bool]] = []
    seen = dict.fromkeys(SAMPLED, 0)
    for row in rows:
        iri = str(row["s"])
        prefix = next((p for p in SAMPLED if iri.startswith(p)), None)
        if prefix is not None:
            seen[prefix] += 1
            if seen[prefix] % SAMPLED[prefix]:
                continue
        rest = iri[len(BASE) :]
        if rest.startswith("ontology#"):
            path = "/ontology/" + rest[len("ontology#") :]
        elif rest.startswith(("id/", "concept/")):
            path = "/" + rest
        else:
            continue
        out.append((path, "b" in row))
    return out


def same(a: Graph, b: Graph, blank: bool) -> bool:
    if blank or any(isinstance(t, BNode) for triple in a for t in triple):
        return isomorphic(a, b)
    return set(a) == set(b)


@pytest.fixture(scope="module")
def client(data_dir: Path) -> FlaskClient:
    with make_app(data_dir, query_workers=2) as app:
        yield app.test_client()


def differences(client: FlaskClient, path: str, blank: bool) -> list[str]:
    """The formats of `path` that do not describe the graph its N-Triples do."""
    nt = client.get(path + ".nt")
    if nt.status_code != 200:
        return [f"{path}.nt: {nt.status_code}"]
    reference = Graph().parse(data=nt.data, format="nt")
    # Turtle and JSON-LD are the formats whose writers abbreviate lists; where a blank node
    # makes set order matter, every format, twice.
    fetches = list(FORMATS.items()) * 2 if blank else list(FORMATS.items())[:2]
    out = []
    for ext, fmt in fetches:
        body = client.get(f"{path}.{ext}").data
        if not same(reference, Graph().parse(data=body, format=fmt), blank):
            out.append(f"{path}.{ext}")
    return out if len(reference) else [f"{path}: empty"]


@pytest.mark.timeout(900)
def test_every_format_of_every_entity_is_the_same_graph(client: FlaskClient) -> None:
    paths = entity_paths(client)
    assert len(paths) > 500 and any(blank for _, blank in paths)
    app = client.application
    with ThreadPoolExecutor(max_workers=2) as pool:  # one request per query worker
        found = pool.map(lambda item: differences(app.test_client(), *item), paths)
        differ = [d for ds in found for d in ds]
    assert differ == []


def test_the_grouping_with_a_shared_member_list(client: FlaskClient) -> None:
    """The case that was reported: 三城一岛 in Turtle and JSON-LD, ten fetches each."""
    path = "/id/grouping/san-cheng-yi-dao"
    reference = Graph().parse(data=client.get(path + ".nt").data, format="nt")
    for ext in ("ttl", "jsonld"):
        for _ in range(10):
            body = client.get(f"{path}.{ext}").data
            graph = Graph().parse(data=body, format=FORMATS[ext])
            assert len(graph) == len(reference) and isomorphic(graph, reference), ext
