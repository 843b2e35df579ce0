"""Hubs of each zone's ecosystem, and how two entities are connected.

    python examples/hubs_and_paths.py                       # 亿航 → 广州国际生物岛
    python examples/hubs_and_paths.py 亿航 拉萨高新区        # any two names (zh or en) or IRIs
    python examples/hubs_and_paths.py A B --data data.ttl    # on your own Turtle file

Names are matched after NFKC normalisation and casefolding (graph.names); an unknown name
raises graph.errors.UnknownEntityError, whose .suggestions list the closest entities.
"""

from __future__ import annotations

import sys

from rdflib import Graph

from graph import analysis, errors
from graph.analysis import views


def main(argv: list[str]) -> int:
    data = argv[argv.index("--data") + 1 :] if "--data" in argv else []
    args = argv[: argv.index("--data")] if "--data" in argv else argv
    source, target = (args + ["亿航", "广州国际生物岛"][len(args) :])[:2]
    if data:
        rdf = Graph()
        for path in data:
            rdf.parse(path)
    else:
        from graph.build import build

        rdf = build().union()
    prepared = views.prepare(rdf)

    for report in analysis.hubs_per_zone(prepared, top=3):
        assert report.scope is not None
        top = ", ".join(f"{h.entity.label_zh} ({h.pagerank:.3f})" for h in report.hubs)
        print(f"{report.scope.label_zh}: {top}")

    try:
        paths = analysis.paths(prepared, source, target, max_length=4, limit=5)
    except errors.UnknownEntityError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not paths.connected:
        print(paths.message())
        return 1
    print(f"shortest: {paths.shortest_length} steps")
    for chain in paths.paths:
        print(f"  [{chain.length}] {chain.text()}")
        print(f"      {chain.text('en')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
