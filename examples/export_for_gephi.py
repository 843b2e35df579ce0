"""Write the entity graph and one grouping for Gephi (GEXF), yEd/Cytoscape (GraphML) and
spreadsheets (node and edge CSV).

    python examples/export_for_gephi.py OUTDIR            # shipped sources
    python examples/export_for_gephi.py OUTDIR data.ttl   # your own Turtle file

In Gephi: File → Open → zonegraph-entity.gexf; node labels are Chinese, `label_en`, `class`
and `category` are node attributes, `predicate` and `label_en` edge attributes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

from graph.analysis import network_export, views


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    if argv[1:]:
        rdf = Graph()
        for path in argv[1:]:
            rdf.parse(path)
    else:
        from graph.build import build

        rdf = build().union()
    prepared = views.prepare(rdf)
    for fmt in network_export.FORMATS:
        target = out / f"zonegraph-entity.{fmt}"
        target.write_bytes(network_export.export(prepared, fmt))
        print(target)
    groupings = views.groupings(prepared)
    if groupings:
        target = out / "zonegraph-grouping.gexf"
        target.write_bytes(network_export.export(prepared, "gexf", grouping=groupings[0]))
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
