"""`python -m graph.cli …` runs the `zonegraph` command, for a checkout on PYTHONPATH where the
console script is not installed (or is installed from another checkout)."""

from graph.cli import cli

cli(prog_name="zonegraph")
