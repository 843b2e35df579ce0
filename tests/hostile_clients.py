"""Runaway-query clients in their own process: `python -m tests.hostile_clients PORT N LIMIT`.

Each of N threads, from its own loopback address (127.0.1.n), sends distinct runaway queries
in a loop, ignoring Retry-After, until stdin closes; then one JSON line of outcomes is
printed: [status or "late", Retry-After or null] per request. A separate process, so that the
measuring client does not share an interpreter lock with the hostile ones.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import urllib.parse
from typing import Any

from tests.helpers_server import RUNAWAY


def main(port: int, count: int, limit: float) -> None:
    stop = threading.Event()
    outcomes: list[Any] = []

    def loop(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            body = urllib.parse.urlencode({"query": f"{RUNAWAY} # client {n} query {i}"})
            conn = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=limit + 1, source_address=(f"127.0.1.{n}", 0)
            )
            try:
                conn.request(
                    "POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"}
                )
                resp = conn.getresponse()
                resp.read()
                outcomes.append((resp.status, resp.getheader("Retry-After")))
            except TimeoutError:
                outcomes.append(("late", None))  # not answered within the time limit + 1 s
            except OSError as exc:
                outcomes.append((f"error {exc}", None))
            finally:
                conn.close()

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(1, count + 1)]
    for t in threads:
        t.start()
    print("started", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    stop.set()
    for t in threads:
        t.join()
    print(json.dumps(outcomes), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
