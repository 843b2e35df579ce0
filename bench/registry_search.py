"""Name search over the whole registry: how fast, and does each kind of variant find its zone.

`python -m bench.registry_search` compiles the shipped sources in memory, builds the web
search index from the store (as the service does), then looks up every registry zone by its
name and by the variants users type (short type words, traditional characters, pinyin), and
prints the p50/p95/max of one search and the share of look-ups whose first hit is the zone.
No assertions on time: this is a measurement, not a test.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

import pyoxigraph as ox

from graph import name_variants
from graph.names import LABEL_ROWS_QUERY, TYPE_ROWS_QUERY, SearchIndex
from graph.namespaces import PREFIXES
from graph.pipeline import compile_store

ZONES_QUERY = """
SELECT ?z ?name WHERE {
  ?z zg:zoneType ?t ; rdfs:label ?name .
  FILTER (LANG(?name) = "zh")
}
"""


def _rows(store: ox.Store, query: str) -> list[dict[str, object]]:
    results = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [dict(zip(names, (_term(t) for t in row), strict=True)) for row in results]


def _term(term: object) -> object:
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language) if term.language else Literal(term.value)
    return None


def _traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def main() -> None:
    t0 = time.monotonic()
    store = compile_store()
    built = time.monotonic() - t0
    t0 = time.monotonic()
    index = SearchIndex.from_rows(_rows(store, LABEL_ROWS_QUERY), _rows(store, TYPE_ROWS_QUERY))
    indexed = time.monotonic() - t0
    zones = [(str(r["z"]), str(r["name"])) for r in _rows(store, ZONES_QUERY)]
    kinds: dict[str, Callable[[str], str | None]] = {
        "name": lambda n: n,
        "short": lambda n: min(name_variants.short_forms(n), key=len, default=None),
        "traditional": _traditional,
        "pinyin": lambda n: " ".join(__import__("pypinyin").lazy_pinyin(n)),
    }
    random.seed(7)
    sample = random.sample(zones, min(400, len(zones)))
    times: list[float] = []
    report = []
    for kind, variant in kinds.items():
        found = total = 0
        for iri, name in zones if kind == "name" else sample:
            text = variant(name)
            if not text:
                continue
            t = time.perf_counter()
            hits = index.search(text, limit=10)
            times.append(time.perf_counter() - t)
            total += 1
            found += bool(hits) and any(h.iri == iri for h in hits[:1] + hits[1:3])
        report.append(f"  {kind:<12} {found}/{total} found in the first three hits")
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"compile {built:.1f} s, index {indexed:.1f} s over {len(index.names.names)} keys")
    print(
        f"{len(times)} searches over {len(zones)} registry zones: "
        f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )
    print("\n".join(report))
    for text in ("广州开发区", "廣州開發區", "guangzhou kaifaqu", "石河子经开区", "拉萨高新区"):
        hits = index.search(text, limit=3)
        print(f"  {text} → " + "; ".join(f"{h.label_zh} ({h.how})" for h in hits))


if __name__ == "__main__":
    main()
