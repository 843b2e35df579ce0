"""The synthetic generator: sized, deterministic, and shaped like curated data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner
from rdflib import Dataset

from graph.build import BuildResult
from graph.build.facts import Compiled
from graph.build.synthetic import generate
from graph.cli import cli
from graph.namespaces import NAMED_GRAPHS
from graph.validate import validate_build


def store_of(data: bytes) -> ox.Store:
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    return store


def count(store: ox.Store, query: str) -> int:
    row = next(iter(store.query(query, use_default_graph_as_union=True)))  # type: ignore[call-overload]
    return int(row[0].value)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    first = generate(20_000, seed=5)
    assert first == generate(20_000, seed=5)
    assert first != generate(20_000, seed=6)


def test_size_is_about_the_target_and_never_below() -> None:
    for target in (10_000, 60_000):
        quads = len(store_of(generate(target, seed=2)))
        assert target <= quads < target + 8_000, (target, quads)


def test_the_four_graphs_of_a_build() -> None:
    store = store_of(generate(10_000, seed=3))
    assert {g.value for g in store.named_graphs()} == {str(g) for g in NAMED_GRAPHS}


def test_zones_sit_in_real_counties_and_firms_in_gbt_classes() -> None:
    store = store_of(generate(30_000, seed=4))
    prefix = """PREFIX zg: <https://w3id.org/zonegraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"""
    zones = count(store, prefix + " SELECT (COUNT(?z) AS ?n) WHERE { ?z zg:inDivision ?d }")
    placed = count(
        store,
        prefix
        + """ SELECT (COUNT(?z) AS ?n) WHERE {
            ?z zg:inDivision ?county . ?county a zg:County ;
                zg:parentDivision/zg:parentDivision ?p .
            ?p a zg:Province ; rdfs:label ?name FILTER(LANG(?name) = "zh") }""",
    )
    assert zones >= 5 and placed == zones
    firms = count(store, prefix + " SELECT (COUNT(?e) AS ?n) WHERE { ?e a zg:Enterprise }")
    classified = count(
        store,
        prefix
        + """ SELECT (COUNT(?e) AS ?n) WHERE {
            ?e a zg:Enterprise ; zg:industry ?c .
            ?c <http://www.w3.org/2004/02/skos/core#notation> ?code
            FILTER(STRLEN(?code) = 4) }""",
    )
    assert firms > 50 and classified == firms
    hedged = count(
        store,
        prefix
        + """ SELECT (COUNT(?o) AS ?n) WHERE { ?o zg:comparator
            <https://w3id.org/zonegraph/concept/comparator/more-than> ; zg:verbatim ?v
            FILTER(STRSTARTS(?v, "超")) }""",
    )
    assert hedged > 0


def test_a_10k_sample_conforms_to_the_shapes() -> None:
    ds = Dataset()
    ds.parse(data=generate(10_000, seed=1), format="nquads")
    report = validate_build(BuildResult(ds, Compiled()))
    assert report.conforms, report.text()


def test_every_figure_states_its_value_at_scale() -> None:
    """At 300 k triples revenues reach 10^4 亿元, where six significant digits (`:g`) once
    rounded the verbatim away from the value (「超10476.5亿元」 for 10476.46): every stored value
    must be a number its verbatim states, as the curator check reads them."""
    from decimal import Decimal

    from graph.validate.checks import numbers_in

    store = store_of(generate(300_000, seed=1))
    rows = store.query(
        """SELECT ?v ?w ?u WHERE {
             ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v ;
                <https://w3id.org/zonegraph/ontology#verbatim> ?w ;
                <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?u }""",
        use_default_graph_as_union=True,
    )
    checked, wrong = 0, []
    for value, verbatim, unit in rows:  # type: ignore[union-attr]
        checked += 1
        if Decimal(value.value) not in numbers_in(verbatim.value, unit.value):
            wrong.append(f"{value.value} 「{verbatim.value}」")
    assert checked > 1000 and wrong == [], wrong[:5]


def test_cli_writes_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "syn.nq"
    result = CliRunner().invoke(
        cli, ["generate", "--triples", "12000", "--seed", "9", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == generate(12_000, seed=9)
    bad = CliRunner().invoke(cli, ["generate", "--triples", "0", "-o", str(out)])
    assert bad.exit_code == 2
