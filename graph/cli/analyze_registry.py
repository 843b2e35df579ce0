"""`zonegraph analyze colocation | type-mix | neighbours`: the registry-scale analyses.

They read the registry with SPARQL (graph.analysis.registry), so they need a `select` rather
than the prepared NetworkX graph of the other analyses: over the published store of
`--data-dir` (or the shipped sources compiled in memory), or over an rdflib Graph a caller or
`analyze --data FILE…` gives. Added to the `analyze` group by graph/cli/__init__.py
(graph/cli/analyze.py has no room left under the 400-line limit).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rdflib import Graph
from rdflib.query import ResultRow

from graph.analysis import registry as reg
from graph.analysis import registry_network as net
from graph.analysis.views import Prepared
from graph.cli.common import reports_errors
from graph.query import text_table as table
from graph.query.registry_counts import zone_types

LANGS = click.Choice(["zh", "en"])


def graph_select(g: Graph) -> reg.Select:
    """`Select` over an rdflib Graph: rows of strings, unbound variables left out."""

    def select(text: str) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for row in g.query(text):
            assert isinstance(row, ResultRow)
            rows.append({str(k): str(v) for k, v in row.asdict().items() if v is not None})
        return rows

    return select


def _select(ctx: click.Context) -> reg.Select:
    """The registry's `select`, made once per command line and kept in ctx.obj."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    if "registry_select" in obj:
        chosen: reg.Select = obj["registry_select"]
        return chosen
    files: tuple[Path, ...] = obj.get("data_files") or ()
    if isinstance(obj.get("prepared"), Prepared):
        chosen = graph_select(obj["prepared"].rdf)
    elif isinstance(obj.get("graph"), Graph):
        chosen = graph_select(obj["graph"])
    elif files:
        from rdflib.util import guess_format

        from graph.build.facts import parse_rdf_file

        g = Graph()
        for f in files:
            for s, p, o, _ in parse_rdf_file(f, guess_format(str(f)) or "turtle").quads(
                (None, None, None, None)
            ):
                g.add((s, p, o))
        chosen = graph_select(g)
    else:
        from graph.pipeline import compile_store, open_store
        from graph.query.stats import store_select

        store = open_store(obj["data_dir"]) if "data_dir" in obj else compile_store()
        chosen = store_select(store)
    obj["registry_select"] = chosen
    return chosen


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _label(item: dict[str, Any], lang: str) -> str:
    return str(item.get("label_en") or item["label_zh"]) if lang == "en" else item["label_zh"]


@click.command("colocation")
@click.option("--province", help="Only this province's zones (code or name).")
@click.option("--cities-only", is_flag=True, help="Only the zones whose city is known.")
@click.option("--projected", is_flag=True, help="Zone–zone edges instead of zone–division.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(net.FORMATS)),
    help="Write the network in this format instead of the summary.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def colocation_cmd(
    ctx: click.Context,
    province: str | None,
    cities_only: bool,
    projected: bool,
    top: int,
    fmt: str | None,
    output: Path | None,
    lang: str,
    as_json: bool,
) -> None:
    """Zones linked through shared cities and provinces: how many pairs share one, the
    places with most zones, and the network as GraphML, GEXF, CSV or node-link JSON.
    共址网络:共享城市与省份的功能区。"""
    select = _select(ctx)
    zones = net.select_zones(reg.load_zones(select), "cities" if cities_only else "all", province)
    if projected and province is None and not cities_only:
        raise click.UsageError("--projected needs --province or --cities-only (some 144,000 edges)")
    if fmt is not None:
        types = {t["code"]: (t["zh"], t["en"]) for t in zone_types(select)}
        data = net.export(net.network(zones, types, projected), fmt)
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            output.write_bytes(data)
            click.echo(f"wrote {len(data)} bytes to {output}", err=True)
        return
    summary = net.summary(zones, top)
    if as_json:
        _emit_json(summary)
        return
    click.echo(
        f"{summary['zones']} zones, {summary['zones_with_city']} with a city "
        f"({summary['cities']} cities, {summary['provinces']} provinces); "
        f"pairs sharing a city {summary['pairs_sharing_city']}, "
        f"sharing a province {summary['pairs_sharing_province']}"
    )
    for key, head in (("top_cities", "城市 city"), ("top_provinces", "省份 province")):
        rows = [(_label(h, lang), h["code"], h["zones"], h["pairs"]) for h in summary[key]]
        click.echo(table((head, "代码 code", "功能区 zones", "共址对 pairs"), rows))


@click.command("type-mix")
@click.option("--province", help="Only the pairs with this province (code).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def type_mix_cmd(
    ctx: click.Context, province: str | None, top: int, lang: str, as_json: bool
) -> None:
    """Zone types per province (counts and shares) and the provinces most alike by that mix
    (cosine over type-share vectors). 各省功能区类型构成及最相似的省份。"""
    rep = reg.type_mix_report(_select(ctx), top=top, province=province)
    if as_json:
        _emit_json(rep)
        return
    codes = [t["code"] for t in rep["types"]]
    rows = [
        (_label(p["province"], lang), p["total"], *(p["counts"][c] or "" for c in codes))
        for p in rep["provinces"]
    ]
    click.echo(table(("省份 province", "合计 total", *codes), rows))
    click.echo("")
    click.echo(f"最相似 most alike ({rep['similarity']}):")
    pairs = [
        (_label(p["a"], lang), _label(p["b"], lang), f"{p['cosine']:.4f}") for p in rep["alike"]
    ]
    click.echo(table(("甲 A", "乙 B", "cosine"), pairs))


@click.command("neighbours")
@click.argument("zone", required=False)
@click.option("--lang", type=LANGS, default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def neighbours_cmd(ctx: click.Context, zone: str | None, lang: str, as_json: bool) -> None:
    """The article's zones among their registry neighbours (same city, same province and
    type) and where each stands. 文章中的功能区在登记表中的近邻与位次。"""
    rep = reg.article_neighbours(_select(ctx), zone=zone)
    if as_json:
        _emit_json(rep)
        return
    for s in rep["zones"]:
        z = s["zone"]
        city = _label(z["city"], lang) if z["city"] else "—"
        click.echo(f"{_label(z, lang)} {z['code']}  ({_label(z['province'], lang)}, {city})")
        click.echo(
            f"  type {z['type']}: no. {s['place_in_type']} of {s['type_in_province']} in the "
            f"province ({s['type_share_of_province']:.1%} of its {s['province_zones']} zones); "
            f"province ranks {s['province_rank_for_type']} of {s['provinces_with_type']} "
            f"for this type ({s['type_nationwide']} nationwide)"
        )
        same_city = "、".join(_label(n, lang) for n in s["same_city"]) or "—"
        click.echo(f"  同城 same city: {same_city}")
    for n in rep["not_in_registry"]:
        click.echo(f"{_label(n, lang)}: 不在2018年登记表中 / not in the 2018 registry")


COMMANDS = (colocation_cmd, type_mix_cmd, neighbours_cmd)
