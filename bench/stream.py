"""A large /sparql result over real HTTP: time to first byte, total time, peak server memory.

`python -m bench.stream --data-dir DIR` starts `zonegraph serve` on a free loopback port over
a published release (e.g. `zonegraph generate --triples 300000` then `zonegraph build
--nquads`), runs each query a few times after one warm-up, reading the body as a client
would, and prints per query and format: bytes, time to the first body byte, total time, and
how much the peak resident memory (VmHWM, reset through /proc/PID/clear_refs before each
run) of the serving processes grew over their memory before it, next to the body size.
Query workers are left out: they produce the result, they do not hold it for sending.
Run it with PYTHONPATH pointing at the checkout to measure (a branch, or main to compare).
No assertions: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import time
import urllib.parse
from pathlib import Path

from tests.helpers_server import Server, serving_pids, status_kb

CASES = (
    ("SELECT * { ?s ?p ?o }", "application/sparql-results+json"),
    ("SELECT * { ?s ?p ?o }", "text/tab-separated-values"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
)


def one(port: int, pids: list[int], query: str, accept: str) -> tuple[int, int, float, float, int]:
    """(status, bytes, first byte s, total s, largest peak-memory growth in KiB)."""
    before = {}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        before[pid] = status_kb(pid, "VmHWM")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    conn.request(
        "POST",
        "/sparql",
        urllib.parse.urlencode({"query": query}),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    resp = conn.getresponse()
    first = resp.read(1)
    ttfb = time.perf_counter() - started
    size = len(first)
    while chunk := resp.read(1 << 16):
        size += len(chunk)
    total = time.perf_counter() - started
    conn.close()
    growth = max(status_kb(pid, "VmHWM") - before[pid] for pid in pids)
    return resp.status, size, ttfb, total, growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    srv = Server(args.data_dir, {"ZONEGRAPH_QUERY_TIMEOUT": args.timeout})
    try:
        pids = serving_pids(srv.proc.pid)
        time.sleep(10)  # let the workers swap in their memory copies
        print("| query | format | status | MiB | first byte s | total s | peak RSS growth MiB |")
        print("|---|---|---|---|---|---|---|")
        for query, accept in CASES:
            one(srv.port, pids, query, accept)  # warm-up
            runs = [one(srv.port, pids, query, accept) for _ in range(args.runs)]
            status, size = runs[-1][0], runs[-1][1]
            ttfb = statistics.median(r[2] for r in runs)
            total = statistics.median(r[3] for r in runs)
            growth = max(r[4] for r in runs) / 1024
            print(
                f"| {query} | {accept} | {status} | {size / 2**20:.1f} | {ttfb:.3f} | "
                f"{total:.2f} | {growth:.1f} |"
            )
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
