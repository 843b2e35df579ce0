"""`zonegraph analyze …`: the network analyses as readable tables or JSON.

A thin shell over graph.analysis. The graph comes from, in order: a Graph the caller put in
`ctx.obj["graph"]` (tests, scripts), `--data FILE…` (Turtle/TriG files), the published store in
`ctx.obj["data_dir"]` (when run under `zonegraph`), or the shipped sources compiled in memory.
Tables are plain aligned text; CJK characters count as two columns so that columns line up.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rdflib import Graph

from graph import analysis as an
from graph.analysis.views import Prepared, prepare
from graph.cli.common import FormatName, reports_errors
from graph.query import text_table as table

LANGS = click.Choice(["zh", "en"])


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _load(ctx: click.Context) -> Prepared:
    """The graph to analyse, prepared once per command line and kept in ctx.obj."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    cached = obj.get("prepared")
    if isinstance(cached, Prepared):
        return cached
    files: tuple[Path, ...] = obj.get("data_files") or ()
    source: Any
    if isinstance(obj.get("graph"), Graph | Prepared):
        source = obj["graph"]
    elif files:
        from rdflib.util import guess_format

        from graph.build.facts import parse_rdf_file

        source = Graph()
        for f in files:
            ds = parse_rdf_file(f, guess_format(str(f)) or "turtle")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                source.add((s, p, o))
    elif "data_dir" in obj:
        from graph.pipeline import open_store

        source = open_store(obj["data_dir"])
    else:
        from graph.pipeline import compile_store

        source = compile_store()
    prepared = prepare(source)
    obj["prepared"] = prepared
    return prepared


@click.group()
@click.option(
    "--data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Analyse these Turtle/TriG files instead of the built graph (repeatable).",
)
@click.pass_context
def analyze(ctx: click.Context, data: tuple[Path, ...]) -> None:
    """Network analyses: groupings, hubs, communities, paths, neighbourhoods, similarity.
    网络分析:命名组合、枢纽、社区、路径、邻域、相似度。"""
    ctx.ensure_object(dict)
    ctx.obj["data_files"] = data


def _names(refs: Sequence[an.Ref], lang: str, limit: int = 6) -> str:
    shown = (
        "、".join(r.label(lang) for r in refs[:limit])
        if lang == "zh"
        else ", ".join(r.label(lang) for r in refs[:limit])
    )
    return shown + (f" … (+{len(refs) - limit})" if len(refs) > limit else "")


@analyze.command()
@click.argument("grouping", required=False)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
@reports_errors
def clusters(ctx: click.Context, grouping: str | None, lang: str, as_json: bool) -> None:
    """Named groupings (「三城一岛」, 「一区三园」 …): members, what they host, ties, cohesion.
    Without GROUPING, a summary of all of them."""
    p = _load(ctx)
    reports = [an.cluster_report(p, grouping)] if grouping else an.all_clusters(p)
    if as_json:
        _emit_json([r.to_dict() for r in reports] if grouping is None else reports[0].to_dict())
        return
    if grouping is None:
        rows = [
            (
                r.grouping.label(lang),
                len(r.members),
                r.declared_member_count if r.declared_member_count is not None else "?",
                r.formula or "",
                f"{r.density:.3f}",
                f"{r.cohesion:.3f}",
            )
            for r in reports
        ]
        heads = (
            "组合 grouping",
            "已知成员 known",
            "声明 declared",
            "公式 formula",
            "密度 density",
            "内聚 cohesion",
        )
        click.echo(table(heads, rows))
        return
    click.echo(_cluster_text(reports[0], lang))


def _cluster_text(r: an.ClusterReport, lang: str) -> str:
    g = r.grouping
    out = [f"「{g.label_zh}」 {g.label_en}  <{g.iri}>"]
    declared = r.declared_member_count if r.declared_member_count is not None else "?"
    out.append(
        f"成员 members: {len(r.members)} known / 声明 declared {declared}"
        + (f"; 公式 formula {r.formula}" if r.formula else "")
    )
    out.append("")
    rows = []
    for m in r.members:
        hosted = "; ".join(f"{cls}: {_names(refs, lang, 4)}" for cls, refs in m.hosts.items())
        rows.append((m.member.label(lang), hosted or "—", _names(m.industries, lang, 4) or "—"))
    click_heads = ("成员 member", "承载 hosts", "行业 industries")
    out.append(table(click_heads, rows))
    out.append("")
    if r.links_among_members:
        out.append("成员间连接 links among members:")
        out += [
            f"  {a.source.label(lang)} —{a.label_zh if lang == 'zh' else a.label_en}→ "
            f"{a.target.label(lang)}"
            for a in r.links_among_members
        ]
    else:
        out.append("成员间连接 links among members: 无 none")
    if r.shared_industries:
        out.append("共同行业 shared industries:")
        out += [f"  {t.entity.label(lang)}: {_names(t.members, lang)}" for t in r.shared_industries]
    if r.shared_policies:
        out.append("共同政策 shared policies and measures:")
        out += [f"  {t.entity.label(lang)}: {_names(t.members, lang)}" for t in r.shared_policies]
    if r.ties:
        out.append("共同关联 shared ties (direct neighbours of two or more members):")
        rows2 = [(t.entity.label(lang), len(t.members), _names(t.members, lang)) for t in r.ties]
        out.append(table(("关联实体 entity", "成员数 n", "成员 members"), rows2))
    out.append(
        f"内聚 cohesion: density {r.density:.3f}, internal edges {r.internal_edges}, "
        f"boundary edges {r.boundary_edges}, cohesion {r.cohesion:.3f}"
    )
    return "\n".join(out)


@analyze.command("hubs")
@click.option("--zone", help="Only this zone's ecosystem (name or IRI).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--by",
    type=click.Choice(["pagerank", "degree", "betweenness"]),
    default="pagerank",
    show_default=True,
)
@click.option("--seed", type=int, default=an.DEFAULT_SEED, show_default=True)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def hubs_cmd(
    ctx: click.Context, zone: str | None, top: int, by: str, seed: int, lang: str, as_json: bool
) -> None:
    """The most central entities: degree, PageRank, betweenness, overall or per zone."""
    rep = an.hubs(_load(ctx), zone=zone, top=top, by=by, seed=seed)
    if as_json:
        _emit_json(rep.to_dict())
        return
    scope = rep.scope.label(lang) if rep.scope else ("全图 whole graph")
    method = "exact" if rep.betweenness_exact else "sampled"
    click.echo(f"{scope}: {rep.nodes} nodes, {rep.edges} edges (betweenness {method})")
    rows = [
        (
            i,
            h.entity.label(lang),
            h.entity.cls,
            h.degree,
            f"{h.pagerank:.4f}",
            f"{h.betweenness:.4f}",
        )
        for i, h in enumerate(rep.hubs, 1)
    ]
    click.echo(
        table(("#", "实体 entity", "类 class", "度 degree", "PageRank", "介数 betweenness"), rows)
    )


@analyze.command("communities")
@click.option("--seed", type=int, default=an.DEFAULT_SEED, show_default=True)
@click.option("--resolution", type=float, default=1.0, show_default=True)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=15,
    show_default=True,
    help="Show this many communities.",
)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def communities_cmd(
    ctx: click.Context, seed: int, resolution: float, top: int, lang: str, as_json: bool
) -> None:
    """Louvain communities (seeded) and how well they match the declared groupings."""
    rep = an.communities(_load(ctx), seed=seed, resolution=resolution)
    if as_json:
        _emit_json(rep.to_dict())
        return
    click.echo(
        f"Louvain seed {rep.seed}, resolution {rep.resolution}: "
        f"{len(rep.communities)} communities, modularity {rep.modularity:.3f}"
    )
    rows = [(c.index, c.size, _names(c.leading, lang)) for c in rep.communities[:top]]
    click.echo(table(("#", "规模 size", "核心成员 leading members"), rows))
    if rep.agreement:
        click.echo("")
        rows2 = [
            (a.grouping.label(lang), a.members, a.community, f"{a.share:.2f}")
            for a in rep.agreement
        ]
        click.echo(
            table(("组合 grouping", "成员 members", "社区 community", "同社区比例 share"), rows2)
        )


@analyze.command("path")
@click.argument("source")
@click.argument("target")
@click.option(
    "--max",
    "max_length",
    type=click.IntRange(1, 8),
    default=4,
    show_default=True,
    help="Longest path (in steps) to list.",
)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--entities-only",
    is_flag=True,
    help="Only paths through entities, not through shared industries, types or divisions.",
)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def path_cmd(
    ctx: click.Context,
    source: str,
    target: str,
    max_length: int,
    limit: int,
    entities_only: bool,
    lang: str,
    as_json: bool,
) -> None:
    """How SOURCE and TARGET are connected (exit status 1 when they are not)."""
    rep = an.paths(
        _load(ctx),
        source,
        target,
        max_length=max_length,
        limit=limit,
        through_concepts=not entities_only,
    )
    if as_json:
        _emit_json({**rep.to_dict(), "message": rep.message(lang)})
    elif not rep.connected:
        click.echo(rep.message(lang))
    else:
        click.echo(f"最短路径 shortest ({rep.shortest_length} steps):")
        for c in rep.shortest:
            click.echo(f"  {c.text(lang)}")
        others = [c for c in rep.paths if c not in rep.shortest]
        if others:
            click.echo(f"其他路径 other paths (≤ {rep.max_length} steps):")
            for c in others:
                click.echo(f"  [{c.length}] {c.text(lang)}")
    if not rep.connected:
        sys.exit(1)


@analyze.command("ego")
@click.argument("entity")
@click.option("--radius", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def ego_cmd(ctx: click.Context, entity: str, radius: int, lang: str, as_json: bool) -> None:
    """ENTITY's neighbourhood: everything within RADIUS steps, and the links among them."""
    rep = an.ego(_load(ctx), entity, radius)
    if as_json:
        _emit_json(rep.to_dict())
        return
    c = rep.center
    click.echo(f"{c.label_zh} / {c.label_en}  <{c.iri}>  ({c.cls})")
    for dist, refs in rep.rings.items():
        click.echo(f"  距离 {dist} distance: {len(refs)}")
    rows = [
        (
            link.source.label(lang),
            link.label_zh if lang == "zh" else link.label_en,
            link.target.label(lang),
        )
        for link in rep.links
    ]
    click.echo(table(("主体 subject", "关系 predicate", "客体 object"), rows))


@analyze.command("similar")
@click.argument("entity", required=False)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--include-nested", is_flag=True, help="Also compare a zone with its own parks.")
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def similar_cmd(
    ctx: click.Context,
    entity: str | None,
    top: int,
    include_nested: bool,
    lang: str,
    as_json: bool,
) -> None:
    """Zones and parks alike in their industries (Jaccard); with ENTITY, those like it."""
    pairs = an.similar(_load(ctx), entity, top=top, include_nested=include_nested)
    if as_json:
        _emit_json([s.to_dict() for s in pairs])
        return
    if not pairs:
        click.echo("没有共享行业的地点对 / no pairs of places share an industry")
        return
    rows = [
        (s.a.label(lang), s.b.label(lang), f"{s.jaccard:.3f}", _names(s.shared, lang))
        for s in pairs
    ]
    click.echo(table(("甲 A", "乙 B", "Jaccard", "共同行业 shared industries"), rows))


@analyze.command("export")
@click.option("--format", "fmt", type=FormatName("network"), required=True)
@click.option(
    "--view",
    type=click.Choice(["entity", "containment", "industry", "policy"]),
    default="entity",
    show_default=True,
)
@click.option("--grouping", help="Export one grouping's subgraph instead of a whole view.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def export_cmd(
    ctx: click.Context, fmt: str, view: str, grouping: str | None, output: Path | None
) -> None:
    """A view as GraphML, GEXF (Gephi) or node/edge CSV."""
    from graph.analysis.network_export import export

    data = export(_load(ctx), fmt, view, grouping)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
