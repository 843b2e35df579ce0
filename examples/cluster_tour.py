"""A tour of one named grouping: who belongs, what each member hosts, what ties them.

    python examples/cluster_tour.py                   # 「三城一岛」 in the shipped sources
    python examples/cluster_tour.py 一区三园            # another grouping, by any of its names
    python examples/cluster_tour.py 三城一岛 data.ttl  # a grouping in your own Turtle file

Everything comes from graph.analysis as plain dataclasses; print them, or call .to_dict().
"""

from __future__ import annotations

import sys

from rdflib import Graph

from graph import analysis
from graph.analysis import views


def load(paths: list[str]) -> Graph:
    """Your files if given, else the shipped sources compiled in memory (about five seconds)."""
    if paths:
        g = Graph()
        for path in paths:
            g.parse(path)
        return g
    from graph.build import build

    return build().union()


def main(argv: list[str]) -> int:
    name = argv[0] if argv else "三城一岛"
    prepared = views.prepare(load(argv[1:]))  # build the entity graph once, reuse it below
    report = analysis.cluster_report(prepared, name)
    print(f"「{report.grouping.label_zh}」 {report.grouping.label_en}")
    print(f"known members: {len(report.members)}, declared: {report.declared_member_count}")
    for profile in report.members:
        hosted = sum(len(refs) for refs in profile.hosts.values())
        industries = "、".join(r.label_zh for r in profile.industries) or "—"
        print(f"  {profile.member.label_zh}: hosts {hosted}, industries {industries}")
    for tie in report.ties:
        members = "、".join(r.label_zh for r in tie.members)
        print(f"  tie: {tie.entity.label_zh} ← {members}")
    print(f"cohesion {report.cohesion:.3f} (density {report.density:.3f})")
    # the members as a NetworkX graph, e.g. for drawing
    sub = views.grouping_subgraph(prepared, report.grouping.iri)
    print(f"subgraph: {sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
