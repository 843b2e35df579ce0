"""The wall against server-side requests: hundreds of spellings, a real listener, 0 connections.

A listener on a loopback port records every connection it accepts. Spellings of SERVICE, LOAD,
FROM and USING that once got past a lexical check (comment endings, `<` comparisons, escapes,
glued keywords, strings and IRIs that desynchronise scanners, numeric host forms) go to a real
`zonegraph serve` at /sparql and /update and to `zonegraph query`; nothing may connect. Then
the lexical check is bypassed to show the operating system's wall holds alone, and an
allow-list is shown to let exactly its destination through.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import QueryError, QueryRefused
from graph.store import sandbox
from graph.store.embedded import EmbeddedBackend
from graph.store.safety import check_query
from tests.helpers_server import ZONEGRAPH, Server, wait_for

TOKEN = "ssrf-test-token"
DATA = b"<urn:zg:a> <urn:zg:p> <urn:zg:b> <urn:zg:g> .\n"


@dataclass
class Listener:
    """A TCP listener that accepts and records every connection (and may answer one line)."""

    host: str = "127.0.0.1"
    reply: bytes = b""
    seen: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self.sock = socket.socket(family)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.host, 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self.seen.append(conn.recv(4096) or b"(connected)")
                    if self.reply:
                        conn.sendall(self.reply)
                except OSError:
                    self.seen.append(b"(connected)")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[Listener, Listener]]:
    """The listener every spelling points at, on 127.0.0.1 and on [::1]."""
    v4 = Listener()
    v6 = Listener("::1")
    yield v4, v6
    v4.close()
    v6.close()


def hosts(port: int, v6_port: int) -> list[str]:
    """Ways to write the listener's address in a URL (localhost comes from /etc/hosts)."""
    return [
        f"http://127.0.0.1:{port}",
        f"HTTP://127.0.0.1:{port}",
        f"http://localhost:{port}",
        f"http://127.1:{port}",
        f"http://0x7f000001:{port}",
        f"http://2130706433:{port}",
        f"http://0177.0.0.1:{port}",
        f"http://127.000.000.001:{port}",
        f"http://[::ffff:127.0.0.1]:{port}",
        f"http://[::1]:{v6_port}",
    ]


def query_spellings(base: str) -> list[str]:
    """SELECT/ASK texts that name `base` through SERVICE or FROM, spelt to mislead a scanner."""
    group = "{ ?s ?p ?o }"
    service = [
        f"SERVICE <{base}/> {group}",
        f"service silent <{base}/sparql> {group}",
        f"SeRvIcE<{base}/>{group}",
        f"SERVICESILENT<{base}/>{group}",
        f"SERVIC\\u0045 <{base}/> {group}",
        f"\\u0053ERVICE <{base}/> {group}",
        f"\\U00000053ERVICE <{base}/> {group}",
        f"#x\rSERVICE <{base}/> {group}",
        f"#x\u2028SERVICE <{base}/> {group}",
        f"#x\u0085SERVICE <{base}/> {group}",
        f"#x\x0cSERVICE <{base}/> {group}",
        f"FILTER(1<2)SERVICE#>\n<{base}/>{group}",
        f"FILTER(1<2)SERVICE <{base}/>{group}",
        f'?s ?p "\\u0022" SERVICE <{base}/> {group} FILTER("\\u0022")',
        f"?s ?p '\\u0027' SERVICE <{base}/> {group} FILTER('\\u0027')",
        f'?s ?p "\\u005c" SERVICE <{base}/> {group} FILTER("\\u005c")',
        f"?s ?p <urn:x\u00a0#> SERVICE <{base}/> {group}",
        f"?s ?p <urn:x\u3000'> SERVICE <{base}/> {group} FILTER('')",
        f"?s ?p 1SERVICE<{base}/>{group}",
        f"?s ?p 1.5SERVICE<{base}/>{group}",
        f"?s ?p <urn:a#>'''\n}} SERVICE <{base}/> {group} {{'''",
        f"OPTIONAL {{ SERVICE <{base}/> {group} }}",
        f"FILTER EXISTS {{ SERVICE <{base}/> {group} }}",
        f"MINUS {{ SERVICE SILENT <{base}/> {group} }}",
        f"VALUES ?e {{ <{base}/> }} SERVICE ?e {group}",
        f"BIND(<{base}/> AS ?e) SERVICE ?e {group}",
    ]
    texts = [f"SELECT * WHERE {{ {body} }}" for body in service]
    texts += [
        f"PREFIX r: <{base}/> SELECT * WHERE {{ SERVICE r:sparql {group} }}",
        f"ASK {{ SERVICE <{base}/> {group} }}",
        f"SELECT * FROM <{base}/data.ttl> WHERE {group}",
        f"SELECT * FROM NAMED <{base}/data.ttl> WHERE {{ GRAPH ?g {group} }}",
        f"SELECT*FROM<{base}/d.ttl>WHERE{group}",
        f"SELECT * FROMNAMED<{base}/d.ttl> WHERE {group}",
        f"SELECT * #\rFROM <{base}/d.ttl> WHERE {group}",
        f"SELECT * FR\\u004fM <{base}/d.ttl> WHERE {group}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{base}/> {group} }}",
    ]
    return texts


def update_spellings(base: str) -> list[str]:
    group = "{ ?s ?p ?o }"
    return [
        f"LOAD <{base}/data.ttl>",
        f"LOAD SILENT <{base}/data.ttl> INTO GRAPH <urn:x>",
        f"LOADSILENT<{base}/data.ttl>",
        f"load<{base}/data.ttl>",
        f"#c\rLOAD <{base}/data.ttl>",
        f"LO\\u0041D <{base}/data.ttl>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{base}/> {group} }}",
        f"INSERT{{?s ?p ?o}}WHERE{{#\rSERVICE<{base}/>{group}}}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ FILTER(1<2)SERVICE#>\n<{base}/>{group} }}",
        f"DELETE {{ ?s ?p ?o }} USING <{base}/g> WHERE {group}",
        f"INSERT {{ ?s ?p ?o }} USING NAMED <{base}/g> WHERE {{ GRAPH ?g {group} }}",
        f"CLEAR SILENT GRAPH <urn:x> ; LOAD <{base}/data.ttl>",
    ]


def post(url: str, field_name: str, text: str, token: str | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode({field_name: text}).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("Accept", "application/sparql-results+json, text/turtle;q=0.9")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _outcome(status: int, body: str) -> str:
    """Which wall answered: the lexical check, the operating system, or the parser."""
    if "refused" in body:
        return f"{status} refused by the check"
    if "Permission denied" in body:
        return f"{status} refused by the OS"
    if "syntax error" in body:
        return f"{status} syntax error"
    return f"{status} other"


def test_no_spelling_reaches_the_listener(
    data_dir: Path, writable_dir: Path, target: tuple[Listener, Listener]
) -> None:
    v4, v6 = target
    bases = hosts(v4.port, v6.port)
    queries = [q for base in bases for q in query_spellings(base)]
    updates = [u for base in bases for u in update_spellings(base)]
    outcomes: dict[str, int] = {}
    server = Server(
        writable_dir,
        {"ZONEGRAPH_UPDATE_TOKEN": TOKEN, "ZONEGRAPH_QUERY_TIMEOUT": 20},
    )
    try:
        for text in queries:
            status, body = post(server.url + "/sparql", "query", text)
            outcomes[_outcome(status, body)] = outcomes.get(_outcome(status, body), 0) + 1
            assert status < 500, (text, body)
        for text in updates:
            status, body = post(server.url + "/update", "update", text, TOKEN)
            outcomes[_outcome(status, body)] = outcomes.get(_outcome(status, body), 0) + 1
            assert status < 500 and status != 204, (text, body)
        status, body = post(server.url + "/sparql", "query", "ASK { <urn:x> ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is False  # nothing was loaded
    finally:
        server.stop()
    runner = CliRunner()
    for text in queries:
        result = runner.invoke(cli, ["--data-dir", str(data_dir), "query", text])
        assert result.exit_code in (0, 2) and "Traceback" not in result.output, (text, result)
    for text in queries[:3] + [q for q in queries if "\\u" in q][:2]:  # the real process too
        proc = subprocess.run(
            [str(ZONEGRAPH), "--data-dir", str(data_dir), "query", text],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc
    tried = len(queries) * 2 + len(updates)
    print(f"SSRF spellings tried: {tried}; HTTP outcomes {outcomes}; connections seen: 0")
    assert len(set(queries)) >= 300 and tried >= 700
    assert v4.seen == [] and v6.seen == [], (v4.seen, v6.seen)


# --- the operating system's wall, with the lexical check out of the way -----------------------


CONTROL = """
import sys, pyoxigraph as ox
for url in sys.argv[1:]:
    try:
        list(ox.Store().query("SELECT * WHERE { SERVICE <" + url + "/> { ?s ?p ?o } }"))
    except OSError:
        pass
"""


def test_the_os_refuses_a_workers_connect_without_the_lexical_check() -> None:
    listener = Listener()
    reaching = hosts(listener.port, 0)[:8]  # the forms Oxigraph connects to when unconfined
    try:
        # The control: unconfined, Oxigraph connects for every one of these spellings.
        subprocess.run([sys.executable, "-c", CONTROL, *reaching], check=True, timeout=120)
        wait_for(lambda: len(listener.seen) == len(reaching), "the control's connections")
        listener.seen.clear()
        backend = EmbeddedBackend.from_nquads(DATA, workers=1, timeout=20)
        try:
            for base in reaching:
                text = f"SELECT * WHERE {{ SERVICE <{base}/> {{ ?s ?p ?o }} }}"
                # _call is the worker round trip run() makes after the lexical check.
                with pytest.raises(QueryError) as refused:
                    backend._call({"op": "select", "text": text}, None)
                assert "Permission denied" in str(refused.value), (base, refused.value)
            rows = backend.select("SELECT ?o WHERE { ?s ?p ?o }")  # the worker still answers
            assert [str(r["o"]) for r in rows] == ["urn:zg:b"]
        finally:
            backend.close()
        assert listener.seen == []
    finally:
        listener.close()


def test_the_offline_thread_of_zonegraph_query_cannot_connect() -> None:
    listener = Listener()
    store = ox.Store()
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
    try:
        with pytest.raises(PermissionError):
            sandbox.call_offline(lambda: list(store.query(text)))  # type: ignore[arg-type]
        with socket.create_connection(("127.0.0.1", listener.port)):  # this thread still can
            pass
        wait_for(lambda: len(listener.seen) == 1, "the control connection to be recorded")
    finally:
        listener.close()
    assert listener.seen == [b"(connected)"]


def _service(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"


def test_an_allow_list_lets_only_its_destination_through() -> None:
    other = Listener()
    redirect = f"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{other.port}/\r\n"
    allowed = Listener(reply=(redirect + "Content-Length: 0\r\n\r\n").encode())
    allow = (f"http://127.0.0.1:{allowed.port}/",)
    backend = EmbeddedBackend.from_nquads(DATA, allow, workers=1, timeout=20)
    try:
        # Oxigraph 0.5 follows no redirect; were it to, the other port would be refused.
        with pytest.raises(QueryError):
            backend.select(_service(allowed.port))
        assert len(allowed.seen) == 1 and allowed.seen[0].split(b" ")[0] in (b"GET", b"POST")
        with pytest.raises(QueryError) as refused:  # the lexical check bypassed
            backend._call({"op": "select", "text": _service(other.port)}, None)
        assert "Permission denied" in str(refused.value)
    finally:
        backend.close()
        allowed.close()
        other.close()
    assert other.seen == []


# --- the lexical check: what it lets through, and what it says when it refuses ----------------


def test_harmless_mentions_pass_and_doubtful_spellings_say_why() -> None:
    graph = "https://w3id.org/zonegraph/graph/data"
    harmless = [
        "SELECT ?from ?service WHERE { ?from <http://example.org/load/using> ?service }",
        "SELECT * WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, 'modern service industry')) }",
        "SELECT * WHERE { ?s ex:servesFrom ?o } # load nothing, using nothing",
        f"SELECT * FROM <{graph}> WHERE {{ ?s a <http://www.w3.org/2002/07/owl#Class> }}",
        f"SELECT * FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o FILTER(?o < 3) }} }}",
        f"DELETE {{ ?s ?p ?o }} USING <{graph}> WHERE {{ ?s ?p ?o }}",
    ]
    for text in harmless:
        check_query(text, local_graphs=[graph])
    doubtful = {
        "SELECT * WHERE { SERVICESILENT<http://x/>{} }": "glued",
        "SELECT * WHERE { ?s ?p 'x' FILTER(?s = \\u0022x\\u0022) } # from": "escapes",
        "SELECT * WHERE { ?s ?p ?o } #\u2028SERVICE <http://x/> {}": "line ending",
        "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<http://x/>{} }": "parentheses",
        "SELECT * WHERE { SERVICE }": "not followed by an IRI",
    }
    for text, reason in doubtful.items():
        with pytest.raises(QueryRefused) as refused:
            check_query(text, local_graphs=[graph])
        assert "cannot be shown harmless" in str(refused.value) and reason in str(refused.value)
