"""The embedded store at scale: load, file, open, resident memory and query latency per size.

    python benchmarks/bench_embedded.py --enterprises 100000,300000
    python benchmarks/bench_embedded.py --enterprises 1000000 --requests 100 --markdown

For each size it generates the registry (cached under --work), loads it into a
fresh embedded file in one child process (load time, the loader's peak RSS), then
opens that file in a second child process (open time, RSS once open) and, there,
times every operation of bench_queries --requests times after a warm-up, then one
registry-wide disqualification scan (uncached), and reports that process's peak
RSS: what serving the store costs. Each phase notes the load average, since the
machine it runs on may be shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_queries import AT, inputs, time_operations
from common import quantile
from rich.console import Console
from rich.table import Table

console = Console(width=140)
MIB = 1 << 20


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    """The resident set now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _load(dataset: Path, graph: Path, work: Path) -> dict[str, Any]:
    """Child: a fresh file loaded from the dataset (load_dataset commits it)."""
    from credgraph.graph.memory import MemoryStore
    from credgraph.loaders.load import load_dataset

    graph.unlink(missing_ok=True)
    store = MemoryStore(graph)
    started = time.perf_counter()
    report = load_dataset(dataset, store, rejects_path=work / "bench-embedded-rejects.csv")
    seconds = time.perf_counter() - started
    counts = store.counts()
    return {"load_s": seconds, "load_peak_mib": _peak_rss_mib(), "rows": sum(
        s.rows for s in report.sections), "rejected": report.rejected,
        "nodes": counts.total_nodes, "edges": counts.total_edges,
        "file_mib": graph.stat().st_size / MIB, "load_avg": os.getloadavg()[0]}


def _serve(dataset: Path, graph: Path, requests: int, warmup: int,
           seed: int) -> dict[str, Any]:
    """Child: open the file, then time the operations and one registry-wide scan."""
    from credgraph.graph.memory import MemoryStore
    from credgraph.queries.analyses import analyses_for

    started = time.perf_counter()
    store = MemoryStore(graph)
    open_s = time.perf_counter() - started
    gc.collect()
    open_rss = _rss_mib()
    analyses = analyses_for(store)
    drawn = inputs(dataset, analyses, requests + warmup, seed)
    latency = {name: [quantile(times, 0.5), quantile(times, 0.95)]
               for name, times in time_operations(analyses, drawn, warmup).items()}
    started = time.perf_counter()
    scanned = len(analyses.restrictions.scan(AT))
    scan_s = time.perf_counter() - started
    return {"open_s": open_s, "open_rss_mib": open_rss, "latency": latency, "scan_s": scan_s,
            "scan_items": scanned, "serve_peak_mib": _peak_rss_mib(),
            "load_avg": os.getloadavg()[0]}


def _child(phase: str, args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", phase, *args],
                         capture_output=True, text=True)
    if out.returncode:
        console.print(out.stderr[-4000:], markup=False)
        raise SystemExit(f"the {phase} phase failed")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _markdown(size: int, load: dict[str, Any], serve: dict[str, Any]) -> str:
    figures = [
        ("rows loaded (rejected)", f"{load['rows']:,} ({load['rejected']:,})"),
        ("nodes / relationships", f"{load['nodes']:,} / {load['edges']:,}"),
        ("load time", f"{load['load_s']:.0f} s"),
        ("loader peak RSS", f"{load['load_peak_mib']:,.0f} MiB"),
        ("file size", f"{load['file_mib']:,.0f} MiB"),
        ("open time", f"{serve['open_s']:.1f} s"),
        ("RSS after open", f"{serve['open_rss_mib']:,.0f} MiB"),
        ("peak RSS while serving (incl. scan)", f"{serve['serve_peak_mib']:,.0f} MiB"),
        ("registry-wide scan", f"{serve['scan_s']:.1f} s ({serve['scan_items']:,} items)"),
        *((f"{name} p50 / p95", f"{p50:.1f} / {p95:.1f} ms")
          for name, (p50, p95) in serve["latency"].items()),
        ("load average (load / serve)", f"{load['load_avg']:.1f} / {serve['load_avg']:.1f}"),
    ]
    lines = [f"| {size:,} enterprises | |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in figures]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", default="100000",
                        help="comma-separated sizes, e.g. 100000,300000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep an embedded file already loaded for a size")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--child", choices=("load", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--graph", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    if args.child == "load":
        print(json.dumps(_load(Path(args.dataset), Path(args.graph), work)))
        return
    if args.child == "serve":
        print(json.dumps(_serve(Path(args.dataset), Path(args.graph), args.requests,
                                args.warmup, args.seed)))
        return

    from credgraph.generate import generate

    for size in (int(s) for s in args.enterprises.split(",")):
        dataset = work / f"e{size}-s{args.seed}"
        if not (dataset / "enterprises.csv").exists():
            console.print(f"generating {size:,} enterprises into {dataset} ...")
            generate(dataset, enterprises=size, seed=args.seed)
        graph = work / f"e{size}-s{args.seed}.credgraph"
        common = ["--dataset", str(dataset), "--graph", str(graph), "--work", str(work)]
        load_file = work / f"e{size}-s{args.seed}.load.json"
        if args.reuse and graph.exists() and load_file.exists():
            load = json.loads(load_file.read_text())
        else:
            load = _child("load", common)
            load_file.write_text(json.dumps(load))
        serve = _child("serve", [*common, "--requests", str(args.requests),
                                 "--warmup", str(args.warmup), "--seed", str(args.seed)])
        summary = Table(title=f"embedded store, {size:,} enterprises ({load['nodes']:,} nodes, "
                              f"{load['edges']:,} relationships)")
        for heading in ("load s", "load peak MiB", "file MiB", "open s", "open RSS MiB",
                        "serve peak MiB", "scan s", "load avg"):
            summary.add_column(heading, justify="right")
        summary.add_row(f"{load['load_s']:.0f}", f"{load['load_peak_mib']:,.0f}",
                        f"{load['file_mib']:,.0f}", f"{serve['open_s']:.1f}",
                        f"{serve['open_rss_mib']:,.0f}", f"{serve['serve_peak_mib']:,.0f}",
                        f"{serve['scan_s']:.1f}",
                        f"{load['load_avg']:.1f} / {serve['load_avg']:.1f}")
        console.print(summary)
        latency = Table(title=f"{size:,} enterprises, {args.requests} calls per operation, ms")
        for heading in ("operation", "p50", "p95"):
            latency.add_column(heading, justify="left" if heading == "operation" else "right")
        for name, (p50, p95) in serve["latency"].items():
            latency.add_row(name, f"{p50:.1f}", f"{p95:.1f}")
        console.print(latency)
        if args.markdown:
            print(_markdown(size, load, serve))


if __name__ == "__main__":
    main()
