"""The `zonegraph` command: a thin shell over the library.

Exit codes follow pySHACL's convention: 0 success / conforms, 1 does not conform, 2 a usage or
input error. Every error the user can cause is reported as one line, never a traceback.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from graph import formats
from graph.cli.common import FormatName, InputError, reports_errors, setting_option
from graph.errors import not_a_file
from service.config import DEFAULT_DATA_DIR


@click.group()
@setting_option("ZONEGRAPH_DATA_DIR", default=DEFAULT_DATA_DIR)
@click.version_option(package_name="zonegraph")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path) -> None:
    """ZoneGraph 开发区知识图谱: build, validate, query, export and serve the graph."""
    ctx.obj = {"data_dir": data_dir}


def _data_dir(ctx: click.Context) -> Path:
    path: Path = ctx.obj["data_dir"]
    return path


def open_store(ctx: click.Context, quiet: bool = True) -> ox.Store:
    """The published store of --data-dir, or the sources compiled in memory (with a note)."""
    from graph.pipeline import open_store as open_published

    def note(message: str) -> None:
        click.echo(f"note: {message}", err=True)

    return open_published(_data_dir(ctx), None if quiet else note)


def remote_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Where `build --store remote` loads the graph: the service's settings rows and names."""
    from service.config import SETTINGS

    publishable = tuple(c for c in SETTINGS["ZONEGRAPH_STORE"].choices if c != "memory")
    options = [
        setting_option(
            "ZONEGRAPH_STORE",
            type=click.Choice(publishable),
            default="embedded",
            show_default=True,
            help="Publish to the data directory, or load into a remote SPARQL engine.",
        ),
        setting_option("ZONEGRAPH_REMOTE_QUERY_URL"),
        setting_option("ZONEGRAPH_REMOTE_GSP_URL"),
        setting_option("ZONEGRAPH_REMOTE_DIALECT"),
        setting_option("ZONEGRAPH_REMOTE_USER"),
        setting_option("ZONEGRAPH_REMOTE_PASSWORD"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends a build as Ctrl-C does, through the clean-up that removes its staging
    folder (the default action would kill it on the spot and leave the folder behind)."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command("build")
@click.option(
    "--skip-validation", is_flag=True, help="Publish without SHACL validation (not advised)."
)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of fact files (*.trig) and documents.ttl to build instead of the shipped one.",
)
@click.option(
    "--nquads",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Publish a ready N-Quads dataset (e.g. from `zonegraph generate`) instead of sources.",
)
@click.option(
    "--keep-updates",
    is_flag=True,
    help="Re-apply the SPARQL updates accepted on the published release to the new build.",
)
@click.option(
    "--discard-updates",
    is_flag=True,
    help="Set the accepted SPARQL updates aside (kept under another name, not applied).",
)
@remote_options
@click.pass_context
@reports_errors
def build_cmd(
    ctx: click.Context,
    /,
    skip_validation: bool,
    sources: Path | None,
    nquads: Path | None,
    keep_updates: bool,
    discard_updates: bool,
    **remote: Any,
) -> None:
    """Compile the sources, validate them, and publish the store atomically.

    With --store remote the validated build is loaded into a SPARQL engine instead (GSP PUT
    per named graph); the ZONEGRAPH_REMOTE_* variables the service reads work here too.
    Updates accepted by a running server are never dropped silently: while there are any,
    the build refuses unless told to keep or discard them.
    """
    from graph import pipeline

    settings = _remote_settings(remote) if remote["store"] == "remote" else None
    if nquads is not None and sources is not None:
        raise InputError("give --sources or --nquads, not both")
    quads = _read_nquads(nquads) if nquads is not None else None
    updates = "keep" if keep_updates else "discard" if discard_updates else "refuse"
    if keep_updates and discard_updates:
        raise click.UsageError("--keep-updates and --discard-updates exclude each other")
    with _terminate_as_exit():
        result = pipeline.run(
            _data_dir(ctx),
            sources=sources,
            nquads=quads,
            validate=not skip_validation,
            remote=settings,
            updates=updates,
        )
    if result.report is not None and not result.report.conforms:
        click.echo(result.report.text(), err=True)
        click.echo("build refused: the data does not conform; nothing was published", err=True)
        ctx.exit(1)
    total = result.seconds["total"]
    if result.remote is not None:
        done = result.remote
        assert settings is not None
        click.echo(
            f"loaded {sum(done.graphs.values())} triples in {len(done.graphs)} graphs into "
            f"{settings.query_url} in {total:.1f}s"
            + (f"; removed stale graphs {', '.join(done.removed)}" if done.removed else "")
        )
        return
    st, release = result.stats, result.release
    assert st is not None and release is not None
    for note in result.update_notes:
        click.echo(f"kept updates: {note}", err=True)
    click.echo(
        f"published {st.triples} triples ({st.facts} facts, {st.entities} entities, "
        f"{st.quotes} quotes) to {release.path} in {total:.1f}s "
        f"(compile {result.seconds['build']:.1f}s)"
    )


def _read_nquads(path: Path) -> bytes:
    """The file's bytes, checked as N-Quads first: a syntax error is one line naming the file
    and the line, before anything is validated or published."""
    import pyoxigraph as ox

    data = path.read_bytes()
    try:
        for _ in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            pass
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid N-Quads: {exc}") from None
    return data


def _remote_settings(options: dict[str, Any]) -> Any:
    from graph.store.remote import RemoteSettings
    from service.config import SETTINGS

    if not options["remote_query_url"] or not options["remote_gsp_url"]:
        raise InputError("--store remote needs --remote-query-url and --remote-gsp-url")
    return RemoteSettings(
        query_url=options["remote_query_url"],
        gsp_url=options["remote_gsp_url"],
        dialect=options["remote_dialect"] or SETTINGS["ZONEGRAPH_REMOTE_DIALECT"].default,
        user=options["remote_user"],
        password=options["remote_password"],
    )


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--ontology", "lint", is_flag=True, help="Lint the ontology itself (labels, definitions)."
)
@click.option(
    "--dataset",
    "dataset",
    type=click.Path(path_type=Path),
    help="Validate this complete dataset file on its own (N-Quads, TriG, JSON-LD, N-Triples, "
    "Turtle, RDF/XML), without the shipped build.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@reports_errors
def validate(
    ctx: click.Context, files: tuple[Path, ...], lint: bool, dataset: Path | None, as_json: bool
) -> None:
    """Check the shipped graph (or extra FILES with it, or a --dataset alone) against the shapes
    and the curator checks.

    Exit 0: conforms; 1: does not conform (the report says where); 2: usage or input error.
    """
    if dataset is not None and (files or lint):
        raise click.UsageError(
            "--dataset validates one file on its own: give no FILES or --ontology"
        )
    for path in files + ((dataset,) if dataset is not None else ()):
        if not path.is_file():
            raise InputError(f"{path}: {not_a_file(path)}")
    from graph import pipeline
    from graph import validate as v

    if dataset is not None:
        report = v.validate_dataset(dataset)
    elif lint:
        report = v.lint_ontology()
    elif files:
        report = v.validate_extra(list(files))
    else:
        report = pipeline.check()
    click.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.text()
    )
    ctx.exit(0 if report.conforms else 1)


#: Every solution and graph format of graph.formats, with its aliases, and a terminal table.
QUERY_FORMATS = FormatName("solutions", "boolean", "graph", extra=("table",))


@cli.command()
@click.argument("text", required=False)
@click.option(
    "-f", "--file", "file", type=click.Path(path_type=Path), help="Read the query from FILE."
)
@click.option(
    "--format",
    "fmt",
    type=QUERY_FORMATS,
    default="table",
    show_default=True,
    help="json, xml, csv, tsv for SELECT/ASK; turtle, nt, jsonld, rdfxml, nquads, trig for "
    "CONSTRUCT/DESCRIBE (json and xml then mean JSON-LD and RDF/XML), as on /sparql.",
)
@click.pass_context
@reports_errors
def query(ctx: click.Context, text: str | None, file: Path | None, fmt: str) -> None:
    """Run a SPARQL query (TEXT, or -f FILE) on the graph; the default graph is the union."""
    from graph import query as q

    if (text is None) == (file is None):
        raise click.UsageError("give the query as an argument or with -f FILE, not both")
    if file is not None:
        if not file.is_file():
            raise InputError(f"{file}: {not_a_file(file)}")
        text = file.read_text(encoding="utf-8")
    assert text is not None

    def render(results: q.Results) -> str | bytes:
        """Runs where the query runs: in a thread that cannot reach the network."""
        if fmt == "table":
            return q.table(results)
        kind = formats.kind_of(results)
        spec = formats.find(fmt, kind)
        if spec is None:
            form = "SELECT or ASK" if kind == "graph" else "CONSTRUCT or DESCRIBE"
            choices = ", ".join(f.name for f in formats.of_kind(kind))
            raise InputError(f"--format {fmt} needs a {form} query; for this one use {choices}")
        return q.serialize(results, spec)

    output = q.execute(open_store(ctx), text, render)
    if isinstance(output, str):
        click.echo(output)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()


#: Every RDF format (a dump) and every network format (for Gephi …) of graph.formats.
EXPORT_FORMATS = FormatName("graph", "network")


@cli.command()
@click.option("--format", "fmt", required=True, type=EXPORT_FORMATS)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically).",
)
@click.option(
    "--graph",
    "graph_name",
    type=click.Choice(["all", "ontology", "data", "reference", "provenance"]),
    default="all",
    show_default=True,
    help="Export one named graph only (RDF formats).",
)
@click.pass_context
@reports_errors
def export(ctx: click.Context, fmt: str, output: Path | None, graph_name: str) -> None:
    """Dump the complete graph in an RDF format, or the entity network for Gephi."""
    from graph.namespaces import GRAPH
    from graph.query.export import dump, write_atomic

    store = open_store(ctx)
    spec = formats.require(fmt, "graph", "network")
    if spec.fits("network"):
        from graph.analysis.network_export import export_network

        data = export_network(store, spec.name)
    else:
        data = dump(store, spec, None if graph_name == "all" else str(GRAPH[graph_name]))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_errors
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Counts of triples, entities by class, facts and sources."""
    from graph.query import stats

    st = stats.compute(open_store(ctx, quiet=False))
    click.echo(
        json.dumps(st.to_dict(), ensure_ascii=False, indent=2) if as_json else stats.render(st)
    )


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@reports_errors
def docs(output: Path) -> None:
    """Render the ontology as HTML documentation (pyLODE) into a folder."""
    from graph.docs import render_docs

    path = render_docs(output)
    click.echo(f"wrote {path}")


def _register_subcommands() -> None:
    """Subcommands that live in their own modules (serving, analysis)."""
    from graph.cli.analyze import analyze
    from graph.cli.analyze_registry import COMMANDS
    from graph.cli.generate import generate
    from graph.cli.serve import serve

    for sub in COMMANDS:  # the registry-scale analyses (analyze.py has no room for them)
        analyze.add_command(sub)
    for command in (analyze, serve, generate):
        cli.add_command(command)


_register_subcommands()
