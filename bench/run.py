"""`make bench`: ZoneGraph against its peers, side by side, on the same synthetic data.

At each scale the same N-Quads file is loaded into four servers, all on 127.0.0.1:
- ZoneGraph embedded: `zonegraph serve` over a release published in a data directory;
- ZoneGraph remote: `zonegraph serve` with ZONEGRAPH_STORE=remote, forwarding to an Oxigraph
  server that ZoneGraph loaded by GSP (what `zonegraph build --store remote` does);
- Oxigraph server alone: `oxigraph load` (its bulk loader), then `serve-read-only`;
- rdflib-endpoint: FastAPI over rdflib's memory store, the Python peer.
Then it measures load time and peak memory, cold start and reopen, the latency of a fixed
query mix, HTTP throughput under 16 clients (wrk, bounded by duration and timeout), SHACL
validation and the analyses. Everything is bounded: each request has a timeout, each load
loop a duration, and slow steps a cap reported as ">X s".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.engines import Engine, free_port, oxigraph_cli, start_oxigraph  # noqa: E402
from bench.report import write_reports  # noqa: E402
from graph.build.synthetic import generate  # noqa: E402
from graph.store.remote import publish_remote  # noqa: E402

PY = sys.executable
ZONEGRAPH = str(Path(PY).with_name("zonegraph"))
QUERIES = sorted((REPO / "bench" / "queries").glob("[0-9]*.rq"))
HTTP_QUERIES = {"simple": "http-simple.rq", "medium": "http-medium.rq"}
COLD_SERVERS = ("ZoneGraph embedded", "Oxigraph server", "Oxigraph server (memory)")
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass
class Target:
    """A running SPARQL server: where to POST, which extra form fields, which processes."""

    name: str
    host_port: tuple[str, int]
    path: str
    extra: dict[str, str]
    pids: list[int]
    process: subprocess.Popen[bytes] | Engine | None = None

    def body(self, query: str) -> bytes:
        return urllib.parse.urlencode({"query": query, **self.extra}).encode()

    def stop(self) -> None:
        if isinstance(self.process, Engine):
            self.process.stop()
        elif self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def tree_peak_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of a process and its children, in MB."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            total += int(match.group(1)) / 1024
    return total


def post(target: Target, query: str, accept: str, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*target.host_port, timeout=timeout)
    try:
        conn.request(
            "POST",
            target.path,
            target.body(query),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_http(target: Target, deadline: float) -> float:
    """Seconds until the target answers an ASK; fails at once if its process has exited
    (a missing extra, such as uvicorn for rdflib-endpoint, used to cost the whole wait)."""
    started = time.perf_counter()
    while time.monotonic() < deadline:
        process = target.process
        if isinstance(process, subprocess.Popen) and process.poll() is not None:
            raise RuntimeError(
                f"{target.name} exited with status {process.returncode} before answering "
                "(see its log in the work directory)"
            )
        try:
            status, _ = post(target, "ASK { ?s ?p ?o }", JSON, 5)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{target.name} did not answer in time")


def serve_zonegraph(name: str, args: list[str], workdir: Path, settings: list[str]) -> Target:
    """`zonegraph [ARGS] serve --OPTION=VALUE…` on a free loopback port."""
    port = free_port()
    log = (workdir / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [
            ZONEGRAPH,
            *args,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *settings,
            "--query-timeout=30",
            "--max-result-rows=1000000",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Target(name, ("127.0.0.1", port), "/sparql", {}, [process.pid], process)


def task(step: str, *args: str, timeout: float) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [PY, "-m", "bench.tasks", step, *args],
            cwd=REPO,
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"timed_out": timeout}
    except subprocess.CalledProcessError as exc:
        return {"error": exc.stderr.decode(errors="replace")[-500:]}
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def latency(target: Target, query: str, accept: str, budget: float, cap: float) -> dict[str, Any]:
    """p50/p95 over repeated runs: at least 3 (when they fit under the cap), at most 30."""
    times: list[float] = []
    started = time.monotonic()
    post(target, query, accept, cap)  # warm-up (not counted)
    while len(times) < 30 and (len(times) < 3 or time.monotonic() - started < budget):
        t = time.perf_counter()
        try:  # a distinct text each run (a comment): evaluated every time, never a cache hit
            status, _ = post(target, f"{query}\n# run {len(times)}", accept, cap)
        except TimeoutError:
            return {"timed_out": cap, "runs": len(times)}
        if status != 200:
            return {"error": status}
        times.append(time.perf_counter() - t)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "runs": len(times),
    }


LUA = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/sparql-results+json"
local cold = {cold}
local counter = 0
if cold then
  request = function()
    -- a distinct text each time (a trailing comment): no cache can answer it
    counter = counter + 1
    local body = wrk.body .. "%0A%23+cold+" .. tostring(math.random(1, 1e9)) .. "-" .. counter
    return wrk.format(nil, nil, nil, body)
  end
end
local shown = false
response = function(status, headers, body)
  if status ~= 200 and not shown then
    shown = true
    print("FIRST-ERROR " .. status .. " " .. string.sub(body, 1, 200))
  end
end
"""


def throughput(
    target: Target, query: str, seconds: int, workdir: Path, cold: bool = False
) -> dict[str, Any]:
    """wrk -t2 -c16 for a fixed duration (bounded: it stops by itself); requests/s, p50, p99.

    Warm: the same query again and again (what a cache may answer); cold: every request a
    distinct text (the query plus a unique comment), so every one is parsed and evaluated.
    """
    script = workdir / f"wrk-{target.name}.lua"
    body = json.dumps(target.body(query).decode())
    script.write_text(LUA.format(body=body, cold="true" if cold else "false"), encoding="utf-8")
    url = f"http://{target.host_port[0]}:{target.host_port[1]}{target.path}"
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    result: dict[str, Any] = {}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        if m := re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\b", out):
            scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
            result[key] = float(m.group(1)) * scale
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"timeout (\d+)", out):
        result["timeouts"] = int(m.group(1))
    if m := re.search(r"FIRST-ERROR (.*)", out):
        result["first_error"] = m.group(1)[:200]
    if "rps" not in result:
        result["wrk_output"] = out[-500:]
    return result


def run_scale(
    triples: int, args: argparse.Namespace, workdir: Path, previous: dict[str, Any]
) -> dict[str, Any]:
    """Everything at one scale; servers are always stopped before returning.

    `previous` holds the last scale's query latencies, to skip rdflib queries that must time out.
    """
    out: dict[str, Any] = {"target_triples": triples, "load": {}, "queries": {}, "http": {}}
    data = generate(triples, seed=args.seed)
    nq = workdir / "data.nq"
    nq.write_bytes(data)
    out["quads"] = data.count(b"\n")
    print(f"== {triples:,} triples target: {out['quads']:,} quads", flush=True)
    targets: list[Target] = []
    try:
        data_dir = workdir / "zg-data"
        built = task("build", str(nq), str(data_dir), timeout=600)
        out["load"]["ZoneGraph embedded"] = {
            "seconds": built.get("seconds"),
            "peak_mb": built.get("peak_mb"),
        }
        out["reopen"] = task("reopen", str(data_dir), timeout=60)
        zg = serve_zonegraph("zg-embedded", ["--data-dir", str(data_dir)], workdir, [])
        targets.append(zg)
        out["cold_start_s"] = wait_http(zg, time.monotonic() + 60)

        servers: dict[str, Target] = {"ZoneGraph embedded": zg}
        if not args.quick:
            _peers(servers, targets, data, nq, workdir, args, out)
        ox_dir = workdir / "ox-alone"
        ox_dir.mkdir()
        t = time.perf_counter()
        subprocess.run(
            [oxigraph_cli(), "load", "--location", str(ox_dir / "store"), "--file", str(nq)],
            check=True,
            capture_output=True,
            timeout=600,
        )
        ox_load = time.perf_counter() - t
        alone = start_oxigraph(ox_dir, timeout_s=None, read_only=True)
        port = int(alone.settings.query_url.rsplit(":", 1)[1].split("/")[0])
        ox = Target(
            "oxigraph",
            ("127.0.0.1", port),
            "/query",
            {"union-default-graph": ""},
            [alone.process.pid],
            alone,
        )
        targets.append(ox)
        servers["Oxigraph server"] = ox
        out["load"]["Oxigraph server alone (oxigraph load)"] = {"seconds": ox_load}
        mem = start_oxigraph(workdir / "ox-memory", timeout_s=None, in_memory=True)
        t = time.perf_counter()
        publish_remote(data, mem.settings)
        out["load"]["Oxigraph server in memory (GSP)"] = {"seconds": time.perf_counter() - t}
        port = int(mem.settings.query_url.rsplit(":", 1)[1].split("/")[0])
        oxm = Target(
            "oxigraph-memory",
            ("127.0.0.1", port),
            "/query",
            {"union-default-graph": ""},
            [mem.process.pid],
            mem,
        )
        targets.append(oxm)
        servers["Oxigraph server (memory)"] = oxm
        if not args.quick:
            _query_mix(servers, out, args, previous, nq)
        for kind, file in HTTP_QUERIES.items():
            text = (REPO / "bench" / "queries" / file).read_text(encoding="utf-8")
            out["http"][kind] = {
                name: throughput(target, text, args.http_seconds, workdir)
                for name, target in servers.items()
            }
            out.setdefault("http_cold", {})[kind] = {
                name: throughput(target, text, args.http_seconds, workdir, cold=True)
                for name, target in servers.items()
                if name in COLD_SERVERS
            }
            print(f"  http {kind}: warm {out['http'][kind]}", flush=True)
            print(f"  http {kind}: cold {out['http_cold'][kind]}", flush=True)
        for name, target in servers.items():
            out.setdefault("server_peak_mb", {})[name] = sum(tree_peak_mb(p) for p in target.pids)
    finally:
        for target in targets:
            target.stop()
    if args.quick:
        out["validation"], out["analyses"] = {"skipped": True}, {"skipped": True}
        return out
    out["validation"] = task("validate", str(nq), timeout=args.shacl_cap)
    print(f"  validation: {out['validation']}", flush=True)
    out["analyses"] = task("analyses", str(workdir / "zg-data"), timeout=args.analysis_cap)
    print(f"  analyses: {out['analyses']}", flush=True)
    return out


def _peers(
    servers: dict[str, Target],
    targets: list[Target],
    data: bytes,
    nq: Path,
    workdir: Path,
    args: argparse.Namespace,
    out: dict[str, Any],
) -> None:
    """ZoneGraph over a remote Oxigraph server, and rdflib-endpoint (not in --quick)."""
    ox_remote = start_oxigraph(workdir / "ox-remote", timeout_s=30)
    t = time.perf_counter()
    publish_remote(data, ox_remote.settings)
    remote_load = time.perf_counter() - t
    ox_pid = ox_remote.process.pid
    zr = serve_zonegraph(
        "zg-remote",
        [],
        workdir,
        [
            "--store=remote",
            "--remote-dialect=oxigraph",
            f"--remote-query-url={ox_remote.settings.query_url}",
        ],
    )
    zr.pids.append(ox_pid)
    targets += [zr, Target("ox-remote-engine", ("127.0.0.1", 0), "", {}, [], ox_remote)]
    wait_http(zr, time.monotonic() + 60)
    out["load"]["ZoneGraph remote (GSP into Oxigraph server)"] = {"seconds": remote_load}

    rport = free_port()
    t = time.perf_counter()
    rlog = (workdir / "rdflib.log").open("wb")
    rproc = subprocess.Popen(
        [PY, "-m", "bench.rdflib_app", str(nq), str(rport)],
        cwd=REPO,
        stdout=rlog,
        stderr=subprocess.STDOUT,
    )
    rd = Target("rdflib-endpoint", ("127.0.0.1", rport), "/", {}, [rproc.pid], rproc)
    targets.append(rd)
    wait_http(rd, time.monotonic() + 600)
    out["load"]["rdflib-endpoint (memory store)"] = {"seconds": time.perf_counter() - t}

    servers["ZoneGraph remote"] = zr
    servers["rdflib-endpoint"] = rd


def _query_mix(
    servers: dict[str, Target],
    out: dict[str, Any],
    args: argparse.Namespace,
    previous: dict[str, Any],
    nq: Path,
) -> None:
    """p50/p95 of each query of bench/queries on every server (rdflib restarted on timeout)."""
    rd = servers["rdflib-endpoint"]
    rport = rd.host_port[1]
    rlog = (nq.parent / "rdflib.log").open("ab")
    restarts = 0
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        accept = TURTLE if re.search(r"^(DESCRIBE|CONSTRUCT)", text, re.M) else JSON
        row: dict[str, Any] = {}
        for name, target in servers.items():
            slow = name == "rdflib-endpoint"
            before = previous.get(path.stem, {}).get(name, {}) if slow else {}
            growth = out["quads"] / previous.get("quads", out["quads"])
            if slow and (
                "timed_out" in before or before.get("p50", 0) * growth > 2 * args.rdflib_cap
            ):
                # rdflib's engine grows at least linearly: skip a certain timeout, which
                # would cost a restart (a reload of the data) to stop it.
                row[name] = {
                    "timed_out": args.rdflib_cap,
                    "skipped": True,
                    "previous_p50": before.get("p50"),
                }
                continue
            row[name] = latency(
                target, text, accept, budget=3 if slow else 2, cap=args.rdflib_cap if slow else 30
            )
            if "timed_out" in row[name] and slow and restarts < 2:
                restarts += 1
                rd.stop()  # it would keep computing: restart it for the next query
                rproc = subprocess.Popen(
                    [PY, "-m", "bench.rdflib_app", str(nq), str(rport)],
                    cwd=REPO,
                    stdout=rlog,
                    stderr=subprocess.STDOUT,
                )
                rd.process, rd.pids = rproc, rd.pids + [rproc.pid]
                wait_http(rd, time.monotonic() + 600)
        out["queries"][path.stem] = row
        print(
            f"  {path.stem}: "
            + ", ".join(
                f"{n} {v.get('p50', 0) * 1000:.1f} ms" if "p50" in v else f"{n} {v}"
                for n, v in row.items()
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="HTTP throughput only, against Oxigraph on disk and in memory (for iterating)",
    )
    parser.add_argument("--rdflib-cap", type=float, default=10.0)
    parser.add_argument("--shacl-cap", type=float, default=150.0)
    parser.add_argument("--analysis-cap", type=float, default=240.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so every started server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install {tool})")
    started = time.monotonic()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {k: str(v) for k, v in vars(args).items()},
        "scales": [],
    }
    previous: dict[str, Any] = {}
    for scale in (int(s) for s in args.scales.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"zg-bench-{scale}-") as tmp:
            done = run_scale(scale, args, Path(tmp), previous)
        results["scales"].append(done)
        previous = {**done["queries"], "quads": done["quads"]}
    results["total_seconds"] = time.monotonic() - started
    args.out.mkdir(parents=True, exist_ok=True)
    write_reports(results, args.out)
    print(f"wrote {args.out / 'report.md'} and report.json in {results['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
