"""Deep nesting: refused with a clear message at 10,000 levels, answered just under the limit.

Oxigraph recurses once per level while parsing and evaluating; on the usual 8 MB stack 10,000
levels of any construct below segfaulted the worker (and `zonegraph query`, exit 139), and 990
nested CONCATs still did. The lexical check refuses what is deeper than MAX_NESTING; what is
allowed runs on a thread with a deep stack, in the worker and in the CLI alike.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from graph.cli import cli
from graph.store.safety import MAX_NESTING
from tests.helpers_server import ZONEGRAPH, make_app

N = 10_000
T = "?s ?p ?o"
DEEP = {
    "braces": "SELECT * WHERE " + "{" * N + T + "}" * N,
    "parentheses": f"SELECT * WHERE {{ {T} FILTER(" + "(" * N + "1" + ")" * N + ") }",
    "brackets": "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * N + "1" + " ]" * N + " }",
    "collections": "SELECT * WHERE { ?s ?p " + "(" * N + "1" + ")" * N + " }",
    "path groups": "SELECT * WHERE { ?s " + "(" * N + "<urn:p>" + ")" * N + " ?o }",
    "inverse paths": "SELECT * WHERE { ?s " + "^(" * N + "<urn:p>" + ")" * N + " ?o }",
    "path sequence": "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * N) + " ?o }",
    "path alternatives": "SELECT * WHERE { ?s " + "|".join(["<urn:p>"] * N) + " ?o }",
    "union chain": "SELECT * WHERE { " + " UNION ".join([f"{{{T}}}"] * N) + " }",
    "nested union": "SELECT * WHERE " + f"{{ {{{T}}} UNION " * N + f"{{{T}}}" + " }" * N,
    "optional chain": f"SELECT * WHERE {{ {T} " + f"OPTIONAL {{{T}}} " * N + "}",
    "nested optional": f"SELECT * WHERE {{ {T} " + f"OPTIONAL {{ {T} " * N + "}" * N + "}",
    "minus chain": f"SELECT * WHERE {{ {T} " + f"MINUS {{{T}}} " * N + "}",
    "subqueries": "SELECT * WHERE " + "{ SELECT * WHERE " * N + f"{{{T}}}" + "}" * N,
    "exists": f"SELECT * WHERE {{ {T} " + f"FILTER EXISTS {{ {T} " * N + "}" * N + "}",
    "sum": f"SELECT * WHERE {{ {T} FILTER(" + "+".join(["1"] * N) + ") }",
    "conjunction": f"SELECT * WHERE {{ {T} FILTER(" + "&&".join(["true"] * N) + ") }",
    "negation": f"SELECT * WHERE {{ {T} FILTER(" + "!(" * N + "true" + ")" * N + ") }",
    "function calls": f"SELECT * WHERE {{ {T} BIND("
    + "CONCAT(" * N
    + "'a'"
    + ")" * N
    + " AS ?x) }",
    "bind chain": f"SELECT * WHERE {{ {T} " + " ".join(f"BIND(1 AS ?b{i})" for i in range(N)) + "}",
    "filter chain": f"SELECT * WHERE {{ {T} " + "FILTER(true) " * N + "}",
    "triples": "SELECT * WHERE { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(N)) + " }",
    "update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "
    + "[ <urn:p> " * N
    + "1"
    + " ]" * N
    + " } }",
}
#: Under the limit, but past what the usual 8 MB stack survives (it segfaulted at 990).
JUST_UNDER = "SELECT ?x WHERE { BIND(" + "CONCAT(" * 990 + "'a'" + ")" * 990 + " AS ?x) }"
SAYS = f"nests deeper than {MAX_NESTING} levels"


def test_every_construct_at_10000_levels_gets_a_400_that_says_so(writable_dir: Path) -> None:
    with make_app(writable_dir, query_workers=1, update_token="t") as app:
        client = app.test_client()
        for name, text in DEEP.items():
            if text.startswith("INSERT"):
                resp = client.post(
                    "/update", data={"update": text}, headers={"Authorization": "Bearer t"}
                )
            else:
                resp = client.post("/sparql", data={"query": text})
            assert resp.status_code == 400, (name, resp.get_data(as_text=True)[:200])
            assert SAYS in resp.get_json()["error"], name
        ok = client.post("/sparql", data={"query": JUST_UNDER})
        assert ok.status_code == 200, ok.get_data(as_text=True)[:300]
        assert ok.get_json()["results"]["bindings"][0]["x"]["value"] == "a"


def test_the_cli_says_so_in_one_line_with_exit_2(data_dir: Path) -> None:
    runner = CliRunner()
    for name, text in DEEP.items():
        if text.startswith("INSERT"):
            continue
        result = runner.invoke(cli, ["--data-dir", str(data_dir), "query", text])
        assert result.exit_code == 2, (name, result.output[-300:])
        assert SAYS in result.output and len(result.output.strip().splitlines()) == 1, name
    proc = subprocess.run(
        [str(ZONEGRAPH), "--data-dir", str(data_dir), "query", DEEP["braces"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and SAYS in proc.stderr, proc
    under = subprocess.run(
        [str(ZONEGRAPH), "--data-dir", str(data_dir), "query", JUST_UNDER],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert under.returncode == 0 and "(1 row)" in under.stdout, under
