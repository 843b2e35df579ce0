"""The benchmark's Markdown and JSON reports, with ratios against the peers and the targets."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

SERVERS = [
    "ZoneGraph embedded",
    "ZoneGraph remote",
    "Oxigraph server",
    "Oxigraph server (memory)",
    "rdflib-endpoint",
]
OX_DISK, OX_MEMORY = "Oxigraph server", "Oxigraph server (memory)"


def _ms(cell: dict[str, Any], key: str = "p50") -> str:
    if key in cell:
        return f"{cell[key] * 1000:.1f}"
    if cell.get("skipped"):
        before = cell.get("previous_p50")
        was = f"{before:.1f} s" if before else "timed out"
        return f">{cell['timed_out']:g} s (not run: {was} at the smaller scale)"
    if "timed_out" in cell:
        return f">{cell['timed_out']:g} s (timed out)"
    return f"error {cell.get('error')}"


def _geo(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def ratio(scale: dict[str, Any], a: str, b: str) -> tuple[float, bool]:
    """Geometric mean over the mix of p50(a)/p50(b); True when a timeout made it a bound."""
    values, bound = [], False
    for row in scale["queries"].values():
        x = row[a].get("p50", row[a].get("timed_out"))
        y = row[b].get("p50", row[b].get("timed_out"))
        if x is None or y is None:
            continue
        bound = bound or "timed_out" in row[a] or "timed_out" in row[b]
        values.append(x / y)
    return _geo(values), bound


def targets(scale: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) at this scale."""
    out: list[tuple[str, str, bool]] = []
    if not scale["queries"]:  # --quick: throughput only
        return http_targets(scale)
    vs_ox, _ = ratio(scale, "ZoneGraph embedded", "Oxigraph server")
    out.append(
        ("query-mix p50 ≤ 1.25× Oxigraph server (geometric mean)", f"{vs_ox:.2f}×", vs_ox <= 1.25)
    )
    vs_rd, bound = ratio(scale, "rdflib-endpoint", "ZoneGraph embedded")
    out.append(
        (
            "query-mix ≥ 20× faster than rdflib-endpoint",
            f"{'≥' if bound else ''}{vs_rd:.0f}×",
            vs_rd >= 20,
        )
    )
    out += http_targets(scale)
    cold = scale.get("cold_start_s")
    if cold is not None:
        out.append(("cold start of `zonegraph serve` < 2 s", f"{cold:.2f} s", cold < 2))
    val = scale["validation"]
    if "seconds" in val:
        cpu = val.get("cpu_seconds")
        shown = f"{val['seconds']:.1f} s" + (f" (CPU {cpu:.1f} s)" if cpu is not None else "")
        out.append(("SHACL validation < 60 s (validate --dataset)", shown, val["seconds"] < 60))
        if "build_nquads_seconds" in val:
            secs, cpu = val["build_nquads_seconds"], val.get("build_nquads_cpu_seconds", 0.0)
            out.append(
                (
                    "SHACL validation < 60 s (build --nquads)",
                    f"{secs:.1f} s (CPU {cpu:.1f} s)",
                    secs < 60,
                )
            )
    else:
        out.append(("SHACL validation < 60 s", f">{val.get('timed_out', '?')} s (stopped)", False))
    for name, secs in scale["analyses"].items():
        if isinstance(secs, float) and name not in ("peak_mb",):
            out.append((f"{name} < 30 s", f"{secs:.2f} s", secs < 30))
    if "timed_out" in scale["analyses"]:
        out.append(("analyses < 30 s each", f">{scale['analyses']['timed_out']} s", False))
    return out


def _rps(scale: dict[str, Any], section: str, kind: str, name: str) -> float | None:
    value: float | None = scale.get(section, {}).get(kind, {}).get(name, {}).get("rps")
    return value


def http_targets(scale: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Issue 11's throughput targets, as ratios to Oxigraph server measured in the same run:
    warm (one query repeated) ≥ 1.0× the faster Oxigraph; cold (distinct texts) medium ≥ 0.5×
    Oxigraph in memory, simple ≥ 0.2× the faster Oxigraph."""
    out: list[tuple[str, str, bool]] = []
    zg = "ZoneGraph embedded"
    for kind in ("simple", "medium"):
        ours = _rps(scale, "http", kind, zg)
        peers = [v for v in (_rps(scale, "http", kind, o) for o in (OX_DISK, OX_MEMORY)) if v]
        if ours and peers:
            r = ours / max(peers)
            out.append((f"HTTP {kind}, warm: ≥ 1.0× the faster Oxigraph", f"{r:.2f}×", r >= 1.0))
    cold = [("medium", OX_MEMORY, 0.5, "Oxigraph in memory"), ("simple", None, 0.2, "")]
    for kind, peer, goal, label in cold:
        ours = _rps(scale, "http_cold", kind, zg)
        names = (peer,) if peer else (OX_DISK, OX_MEMORY)
        peers = [v for v in (_rps(scale, "http_cold", kind, o) for o in names) if v]
        if ours and peers:
            r = ours / max(peers)
            what = label or "the faster Oxigraph"
            out.append((f"HTTP {kind}, cold: ≥ {goal}× {what}", f"{r:.2f}×", r >= goal))
    # A run with refused requests does not count: requests/s would include the refusals.
    for i, (target, measured, _met) in enumerate(out):
        kind, mode = target.split(",")[0][5:], "http_cold" if "cold" in target else "http"
        errors = scale.get(mode, {}).get(kind, {}).get(zg, {}).get("non_2xx", 0)
        if errors:
            out[i] = (target, f"{measured} with {errors} non-2xx answers (not valid)", False)
    return out


def markdown(results: dict[str, Any]) -> str:
    lines = ["# ZoneGraph benchmark", ""]
    m = results["machine"]
    lines += [
        f"{m['cpus']} CPUs, Python {m['python']}; whole run "
        f"{results['total_seconds'] / 60:.1f} min. Latencies in ms (p50 / p95 of up to 30 "
        "runs after a warm-up), all over HTTP on 127.0.0.1.",
        "",
    ]
    for scale in results["scales"]:
        lines += [f"## {scale['quads']:,} quads (target {scale['target_triples']:,})", ""]
        lines += ["### Load and memory", "", "| system | load/build s | peak MB |", "|---|---|---|"]
        peaks = scale.get("server_peak_mb", {})
        for name, cell in scale["load"].items():
            if cell.get("seconds") is None:
                continue
            peak = cell.get("peak_mb") or next(
                (v for k, v in peaks.items() if name.startswith(k)), None
            )
            shown = f"{peak:.0f}" if peak else "–"
            lines.append(f"| {name} | {cell['seconds']:.2f} | {shown} |")
        lines += [
            "",
            "Peak memory (VmHWM) of each server process tree at the end of the scale: "
            + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items())
            + ". The build's peak is its own process's.",
            "",
        ]
        reopen = scale.get("reopen", {})
        cold = scale.get("cold_start_s", float("nan"))
        lines += [
            f"Cold start of `zonegraph serve` (process start to first answer): **{cold:.2f} s**; "
            "reopening the published store and answering a first query: "
            f"{reopen.get('seconds', float('nan')):.3f} s.",
            "",
        ]
        head = " | ".join(SERVERS)
        lines += [
            "### Query mix (p50 / p95 ms)",
            "",
            f"| query | {head} | embedded ÷ Oxigraph | rdflib ÷ embedded |",
            "|---" * (len(SERVERS) + 3) + "|",
        ]
        for q, row in scale["queries"].items():
            cells = [
                (f"{_ms(row[s])} / {_ms(row[s], 'p95')}" if "p50" in row[s] else _ms(row[s]))
                if s in row
                else "–"
                for s in SERVERS
            ]
            zg, ox, rd = (
                row[s].get("p50", row[s].get("timed_out"))
                for s in ("ZoneGraph embedded", "Oxigraph server", "rdflib-endpoint")
            )
            r1 = f"{zg / ox:.2f}×" if zg and ox else "–"
            bound = ">" if "timed_out" in row["rdflib-endpoint"] else ""
            r2 = f"{bound}{rd / zg:.0f}×" if zg and rd else "–"
            lines.append(f"| {q} | " + " | ".join(cells) + f" | {r1} | {r2} |")
        lines += [
            "",
            "### HTTP throughput (wrk, 2 threads, 16 connections, "
            f"{results['settings']['http_seconds']} s each)",
            "",
            "Warm: one query text repeated (a response cache may answer it); cold: every "
            "request a distinct text (the query and a unique comment), so every one is "
            "parsed and evaluated. Ratios are to Oxigraph server in the same run.",
            "",
            "| query | mode | system | requests/s | ÷ Oxigraph disk | ÷ Oxigraph memory "
            "| p50 ms | p99 ms | errors/timeouts |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for section, mode in (("http", "warm"), ("http_cold", "cold")):
            for kind, cells in scale.get(section, {}).items():
                for name, c in cells.items():
                    errs = f"{c.get('non_2xx', 0)}/{c.get('timeouts', 0)}"
                    rps = c.get("rps", 0)
                    ratios = []
                    for peer in (OX_DISK, OX_MEMORY):
                        base = _rps(scale, section, kind, peer)
                        ratios.append(f"{rps / base:.2f}×" if base and rps else "–")
                    lines.append(
                        f"| {kind} | {mode} | {name} | {rps:.0f} | {ratios[0]} | "
                        f"{ratios[1]} | {c.get('p50', float('nan')) * 1000:.1f} | "
                        f"{c.get('p99', float('nan')) * 1000:.1f} | {errs} |"
                    )
        val, an = scale["validation"], scale["analyses"]
        if val.get("skipped"):
            lines += ["", "### Targets", "", "| target | measured | met |", "|---|---|---|"]
            lines += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in targets(scale)]
            lines.append("")
            continue
        lines += [
            "",
            "### Validation and analyses",
            "",
            "SHACL (graph.validate, pySHACL): "
            + (
                f"{val['seconds']:.1f} s, conforms: {val['conforms']}, peak {val['peak_mb']:.0f} MB"
                if "seconds" in val
                else f"stopped after {val.get('timed_out', '?')} s"
                if "timed_out" in val
                else str(val)
            ),
            "",
        ]
        if "timed_out" not in an and "error" not in an:
            lines += [
                f"Analyses on the data layer ({an['nodes']:,} nodes, {an['edges']:,} edges; "
                f"peak {an['peak_mb']:.0f} MB): "
                + ", ".join(
                    f"{k} {v:.2f} s"
                    for k, v in an.items()
                    if isinstance(v, float) and k != "peak_mb"
                ),
                "",
            ]
        else:
            lines += [f"Analyses: {an}", ""]
        lines += ["### Targets", "", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in targets(scale)]
        lines.append("")
    return "\n".join(lines) + "\n"


def _overhead_ms(scale: dict[str, Any], a: str, b: str) -> float:
    """Median per-query difference of p50s in ms: the fixed cost of a's request path over b's."""
    diffs = [
        (row[a]["p50"] - row[b]["p50"]) * 1000
        for row in scale["queries"].values()
        if "p50" in row[a] and "p50" in row[b]
    ]
    diffs.sort()
    return diffs[len(diffs) // 2] if diffs else float("nan")


def explanations(scale: dict[str, Any]) -> list[str]:
    """Why each missed target at the largest scale was missed, with the numbers behind it."""
    out: list[str] = [
        "- **Reading the query mix.** ZoneGraph embedded is ahead of Oxigraph server on heavy "
        "queries because its worker processes hold the release in memory "
        "(ZONEGRAPH_WORKER_STORE=memory, the default) while the server reads its on-disk "
        "store; on cheap queries it is behind by its Python request path. The same memory "
        "explains its peak RSS. Workers answer from the on-disk store while their memory "
        "copy loads, so the cold start does not grow with it."
    ]
    missed = {t for t, _, ok in targets(scale) if not ok}
    overhead = _overhead_ms(scale, "ZoneGraph embedded", "Oxigraph server")
    if any(t.startswith("query-mix p50 ≤") for t in missed):
        out.append(
            "- **Query mix vs Oxigraph server.** Both evaluate with Oxigraph; ZoneGraph's request "
            f"path costs about {overhead:.1f} ms more per query (median difference): Flask under "
            "granian, the allow-list check, and a round trip to a worker process that can be "
            "killed on timeout. Cheap queries (label lookup, DESCRIBE) are dominated by it, "
            "heavy ones (GROUP BY, OPTIONAL, COUNT) are not."
        )
    if any(t.startswith("query-mix ≥ 20×") for t in missed):
        out.append(
            "- **Against rdflib-endpoint.** rdflib answers index lookups (label, DESCRIBE, "
            "property path from a bound node) in about a millisecond, so on those the mix "
            "measures HTTP stacks, not engines; its engine loses by one to three orders of "
            "magnitude on joins, OPTIONAL, CONTAINS and COUNT, where queries capped at the "
            "time limit make the ratio a lower bound."
        )
    if any(t.startswith("HTTP") for t in missed):
        out.append(
            "- **HTTP throughput.** Warm requests are answered by the response cache in front "
            "of Flask (one process: one interpreter lock; `zonegraph serve --processes 2` "
            "shares the workers out over two). A cold request of a shape (its text without "
            "comment lines) first answered quickly by a query worker is evaluated in the "
            "serving process, by a thread under the same seccomp wall, on the serving "
            "process's one pinned core; every other goes through the scheduler and a round "
            "trip to a worker process that can be killed at the time limit (pyoxigraph cannot "
            "cancel a query). Each still costs a request's Python (WSGI, form, negotiation, "
            "cache bookkeeping, a thread handoff); Oxigraph's server does the same work in "
            "Rust, and on this 2-core machine wrk takes part of the CPU too."
        )
    if any(t.startswith("cold start") for t in missed):
        out.append(
            "- **Cold start.** Starting the worker processes (a Python interpreter each) and "
            "the WSGI server dominates; reopening the on-disk store itself takes "
            f"{scale.get('reopen', {}).get('seconds', float('nan')):.3f} s."
        )
    if any(t.startswith("SHACL") for t in missed):
        out.append(
            "- **SHACL validation.** graph.validate runs the shapes' targets, SPARQL "
            "constraints and simple core constraints as SPARQL on Oxigraph and leaves the rest "
            "to pySHACL over the predicates they reach; on a shared machine compare the CPU "
            "seconds, which do not count time spent waiting for a core."
        )
    slow = [t for t in missed if t.endswith("< 30 s") or t.startswith("analyses")]
    if slow:
        out.append(
            "- **Analyses.** " + ", ".join(slow) + ": the graph views are built in Python "
            "(rdflib + NetworkX) from the data layer pulled with CONSTRUCT; betweenness is "
            "exact below the sampling threshold and grows as nodes × edges."
        )
    return out


def write_reports(results: dict[str, Any], folder: Path) -> None:
    for scale in results["scales"]:
        scale["targets"] = [{"target": t, "measured": v, "met": ok} for t, v, ok in targets(scale)]
    (folder / "report.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    text = markdown(results)
    if results["scales"]:
        largest = results["scales"][-1]
        notes = explanations(largest)
        text += (
            f"## Where targets are missed at {largest['quads']:,} quads, and why\n\n"
            + ("\n".join(notes) if notes else "All targets are met.")
            + "\n\nTests never assert timings; these numbers come from one run on a shared "
            "2-core machine and move by tens of percent between runs.\n"
        )
    (folder / "report.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import sys

    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out/report.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    write_reports(data, source.parent)
