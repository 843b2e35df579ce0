"""`zonegraph generate`: a synthetic dataset of a chosen size, for benchmarks and load tests."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import reports_errors


@click.command()
@click.option(
    "--triples",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="About how many triples (quads) to generate; never fewer.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Same seed and size, same bytes."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="N-Quads file to write (the four named graphs of a build).",
)
@reports_errors
def generate(triples: int, seed: int, output: Path) -> None:
    """Write a synthetic graph of zones, parks, firms, policies and yearly figures (N-Quads)."""
    from graph.build.synthetic import generate as make
    from graph.query.export import write_atomic

    data = make(triples, seed)
    write_atomic(output, data)
    quads = data.count(b"\n")
    click.echo(f"wrote {quads} quads to {output}", err=True)
