"""Scale benchmark: the whole scale table per registry size, reference columns in the same run.

    CREDGRAPH_NEO4J_ADMIN='scripts/neo4j.sh admin' CREDGRAPH_NEO4J_SERVER=scripts/neo4j.sh \\
        python benchmarks/bench_scale.py --enterprises 100000,300000,1000000 \\
        --neo4j-uri bolt://127.0.0.1:7687 --markdown docs-table.md

For each size it generates the registry (cached under --work, with --dense-groups
densely cross-held groups, one per 50,000 enterprises by default) and runs these
phases (--phases selects some; each prints its figures as soon as measured):

- load: `credgraph load --bulk` into the emptied database against neo4j-admin's own
  import of the same files inside it, then a 1% delta on top (rows per second), each
  in a child process (bench_load.py: the loader's CPU and peak memory are its own);
- neo4j: every analysis called in process on the Neo4j store, p50/p95 (bench_queries.py,
  the dense groups' members asked apart), the registry-wide disqualification scan as
  the API pages it (first page computes it, the next pages come from the kept scan), the
  store's size on disk and the server's peak resident memory;
- api: each GraphQL operation over HTTP against the same Cypher replayed on the bare
  driver, p50 ratio (bench_api.py);
- peer: the lookups @neo4j/graphql can answer, through it and through `credgraph
  serve` (one and two workers) on the same database: p50 with one client, throughput
  with eight (benchmarks/peer.py; installs the peer's Node packages);
- embedded: the registry loaded into a fresh embedded file, then opened in another
  process and served: load time, file size, open time, resident memory after opening
  and at the serving peak, the same analyses' p50/p95 and the scan (bench_embedded.py).

Without the load phase the database must already hold this size's registry (only
one size can then be given). The figures of each size are kept in --work as JSON
(scale-SIZE.json; a later run of other phases adds to them), and the table printed
at the end has one column per size, each figure's goal and whether it is met, so
the growth from size to size is visible. The load average is noted per phase.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_api import OPERATIONS as API_OPERATIONS
from bench_api import Recorder, _measure, _sample_inputs, _serve
from bench_embedded import _child as embedded_child
from bench_load import _empty, _run, dataset_folder, delta_folder, directory_mb, write_delta
from bench_queries import AT, inputs, time_operations
from bench_restrictions import _paged_scan
from common import quantile
from rich.console import Console
from rich.table import Table

console = Console(width=150)

PHASES = ("load", "neo4j", "api", "peer", "embedded")

MIB = 1 << 20
EMBEDDED_MIB = 6144.0
"""The embedded store's goal at every size: loaded, opened and served in 6 GiB resident."""


def load_average() -> float:
    """The one-minute load average (the machine may be shared: noted beside the figures)."""
    return os.getloadavg()[0]


SAMPLING_TIMEOUT_SECONDS = 600.0
"""The read limit of drawing a phase's inputs (every enterprise id of the register, in
order): preparation, not a figure; at 1,000,000 enterprises it runs past the API's 30 s."""


def _neo4j_store(uri: str, timeout_seconds: float | None = None) -> Any:
    """A store on the measured server with the API's read limit, or `timeout_seconds`."""
    from credgraph.graph.neo4j_store import Neo4jStore
    from credgraph.settings import Settings

    return Neo4jStore(uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""),
                      timeout_seconds=timeout_seconds or Settings().query_timeout_seconds)


def _server_memory_mib(home: str | None) -> dict[str, float]:
    """The Neo4j server's resident memory now and at its peak (VmRSS, VmHWM), from the pid
    file scripts/neo4j.sh keeps under its home; nothing when the server is elsewhere."""
    if not home:
        return {}
    try:
        pid = (Path(home) / "run" / "neo4j.pid").read_text().strip()
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    found = {}
    for line in status:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return {"server_rss_mib": found.get("VmRSS", 0.0), "server_peak_mib": found.get("VmHWM", 0.0)}


def phase_load(args: argparse.Namespace, dataset: Path, delta: Path) -> dict[str, Any]:
    """Bulk load against neo4j-admin's import of the same files, then the 1% delta."""
    options = argparse.Namespace(work=args.work, batch_size=args.batch_size,
                                 neo4j_uri=args.neo4j_uri)
    _empty(args.neo4j_uri)
    bulk = _run(options, "bulk", dataset, True)
    console.print(f"  bulk {bulk['seconds']:.1f} s, neo4j-admin import "
                  f"{bulk['steps']['import']:.1f} s; steps: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in bulk["steps"].items()))
    delta_result = _run(options, "delta", delta, True)
    console.print(f"  1% delta: {delta_result['rows']:,} rows in {delta_result['seconds']:.1f} s")
    return {"bulk": bulk, "delta": delta_result, "load_avg": load_average()}


def phase_neo4j(args: argparse.Namespace, dataset: Path) -> dict[str, Any]:
    """The analyses in process on Neo4j, the paged scan, store size and server memory."""
    from credgraph.queries.analyses import analyses_for

    with _neo4j_store(args.neo4j_uri) as store:
        counts = store.counts()
        analyses = analyses_for(store)
        drawn = inputs(dataset, analyses, args.requests + args.warmup, args.seed)
        latency = {name: [quantile(t, 0.5), quantile(t, 0.95)]
                   for name, t in time_operations(analyses, drawn, args.warmup).items()}
        items, first, rest = _paged_scan(analyses, AT)
    home = args.neo4j_home
    return {"latency": latency, "scan_first_s": first,
            "scan_next_ms": 1000 * quantile(rest, 0.5) if rest else None,
            "scan_items": len(items), "nodes": counts.total_nodes, "edges": counts.total_edges,
            "store_mib": directory_mb(Path(home) / "data/databases/neo4j") if home else None,
            **_server_memory_mib(home), "load_avg": load_average()}


def phase_api(args: argparse.Namespace) -> dict[str, Any]:
    """p50/p95 of each GraphQL operation over HTTP and of its Cypher on the bare driver."""
    import httpx

    with _neo4j_store(args.neo4j_uri, SAMPLING_TIMEOUT_SECONDS) as sampling:
        drawn = _sample_inputs(sampling, args.requests + args.warmup, args.seed)
    with _neo4j_store(args.neo4j_uri) as store:
        recorder = Recorder(store)
        server, url = _serve(store)
        figures: dict[str, dict[str, float]] = {}
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                for name, query in API_OPERATIONS.items():
                    t = _measure(client, recorder, query, drawn[name], args.warmup)
                    figures[name] = {"api_p50": quantile(t.api, 0.5) * 1000,
                                     "driver_p50": quantile(t.driver, 0.5) * 1000,
                                     "statements": sum(t.statements) / len(t.statements)}
        finally:
            server.should_exit = True
    return {"operations": figures, "load_avg": load_average()}


def phase_peer(args: argparse.Namespace) -> dict[str, Any]:
    """The lookups through @neo4j/graphql and through `credgraph serve` (benchmarks/peer.py)."""
    from peer import compare_with_peer

    result: dict[str, Any] = compare_with_peer(args.neo4j_uri, args.peer_seconds, args.seed)
    return {**result, "load_avg": load_average()}


def phase_embedded(args: argparse.Namespace, dataset: Path, size: int) -> dict[str, Any]:
    """Load into a fresh embedded file, then open and serve it in another process."""
    graph = Path(args.work) / f"scale-{size}.credgraph"
    common = ["--dataset", str(dataset), "--graph", str(graph), "--work", args.work]
    load = embedded_child("load", common)
    console.print(f"  embedded load {load['load_s']:.0f} s, peak {load['load_peak_mib']:,.0f} MiB")
    serve = embedded_child("serve", [*common, "--requests", str(args.requests),
                                     "--warmup", str(args.warmup), "--seed", str(args.seed)])
    return {"load": load, "serve": serve}


Figure = tuple[str, Callable[[dict[str, Any]], float | None], str, float | None, bool]
"""A row of the table: its name, how to read it from a size's figures, the unit, the goal
(None: no goal) and whether the goal is a ceiling (True) or a floor (False)."""


def _get(*path: str | int) -> Callable[[dict[str, Any]], float | None]:
    """A reader of the value at `path` (keys, or indexes into lists), None when absent."""
    def read(figures: dict[str, Any]) -> float | None:
        value: Any = figures
        for key in path:
            present = ((isinstance(value, list) and isinstance(key, int) and key < len(value))
                       or (isinstance(value, dict) and key in value))
            if not present:
                return None
            value = value[key]
        return float(value) if isinstance(value, int | float) else None
    return read


def _ratio(top: Callable[[dict[str, Any]], float | None],
           bottom: Callable[[dict[str, Any]], float | None]) -> Callable[[dict[str, Any]],
                                                                         float | None]:
    def read(figures: dict[str, Any]) -> float | None:
        a, b = top(figures), bottom(figures)
        return a / b if a is not None and b else None
    return read


P95_GOALS_MS = {
    "search": 50.0, "enterprise": 20.0, "person": 20.0, "personFirms": 20.0,
    "disqualificationCheck": 20.0, "ownershipChain": 50.0, "ultimateOwners": 50.0,
    "ownershipChain (dense groups)": 50.0, "ultimateOwners (dense groups)": 50.0,
    "blacklistExposure": 100.0, "paths (near)": 200.0, "paths (random)": 200.0,
}
"""The p95 goals on Neo4j, in milliseconds."""

PEER_LOOKUPS = ("enterprise", "personPosts", "holdersTwoUp")


def figures_table() -> list[Figure]:
    """Every row of the scale table, in the issue's order."""
    rows: list[Figure] = [
        ("rows in the registry", _get("load", "bulk", "rows"), "", None, True),
        ("bulk load (credgraph load --bulk)", _get("load", "bulk", "seconds"), "s", None, True),
        ("neo4j-admin import of the same files", _get("load", "bulk", "steps", "import"), "s",
         None, True),
        ("bulk load / neo4j-admin import", _ratio(_get("load", "bulk", "seconds"),
                                                  _get("load", "bulk", "steps", "import")),
         "×", 1.5, True),
        ("loader peak resident memory (bulk)", _get("load", "bulk", "peak_rss_mb"), "MiB", None,
         True),
        ("1% delta into Neo4j", _ratio(_get("load", "delta", "rows"),
                                      _get("load", "delta", "seconds")), "rows/s", 50_000.0,
         False),
    ]
    rows += [(f"Neo4j {name} p95", _get("neo4j", "latency", name, 1), "ms", goal, True)
             for name, goal in P95_GOALS_MS.items()]
    rows += [
        ("Neo4j registry-wide scan, first page", _get("neo4j", "scan_first_s"), "s", 60.0, True),
        ("Neo4j scan, a later page (p50)", _get("neo4j", "scan_next_ms"), "ms", None, True),
        ("Neo4j store on disk", _get("neo4j", "store_mib"), "MiB", None, True),
        ("Neo4j server peak resident memory", _get("neo4j", "server_peak_mib"), "MiB", None, True),
    ]
    rows += [(f"API / bare driver p50, {name}", _ratio(_get("api", "operations", name, "api_p50"),
                                                       _get("api", "operations", name,
                                                            "driver_p50")), "×", 1.2, True)
             for name in API_OPERATIONS]
    for lookup in PEER_LOOKUPS:
        rows += [
            (f"{lookup}: p50 1 client, credgraph / @neo4j/graphql",
             _ratio(_get("peer", lookup, "credgraph", "p50_ms"),
                    _get("peer", lookup, "peer", "p50_ms")), "×", 1.0, True),
            (f"{lookup}: req/s 8 clients, credgraph / @neo4j/graphql",
             _ratio(_get("peer", lookup, "credgraph", "rps"), _get("peer", lookup, "peer", "rps")),
             "×", 1.0, False),
            (f"{lookup}: req/s 8 clients, credgraph 2 workers / @neo4j/graphql",
             _ratio(_get("peer", lookup, "credgraph_2", "rps"),
                    _get("peer", lookup, "peer", "rps")), "×", 1.0, False),
        ]
    rows += [
        ("embedded load", _get("embedded", "load", "load_s"), "s", None, True),
        ("embedded loader peak resident memory", _get("embedded", "load", "load_peak_mib"), "MiB",
         EMBEDDED_MIB, True),
        ("embedded file", _get("embedded", "load", "file_mib"), "MiB", None, True),
        ("embedded open", _get("embedded", "serve", "open_s"), "s", None, True),
        ("embedded resident after open", _get("embedded", "serve", "open_rss_mib"), "MiB",
         EMBEDDED_MIB, True),
        ("embedded serving peak resident memory", _get("embedded", "serve", "serve_peak_mib"),
         "MiB", EMBEDDED_MIB, True),
        ("embedded registry-wide scan", _get("embedded", "serve", "scan_s"), "s", 60.0, True),
    ]
    rows += [(f"embedded / Neo4j {name} p95",
              _ratio(_get("embedded", "serve", "latency", name, 1),
                     _get("neo4j", "latency", name, 1)), "×", 2.0, True)
             for name in ("search", "paths (near)", "paths (random)")]
    return rows


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:,.0f}" if abs(value) >= 100 or unit in ("", "rows/s") else f"{value:.1f}"


def _verdict(values: list[float | None], goal: float | None, ceiling: bool) -> str:
    measured = [v for v in values if v is not None]
    if goal is None or not measured:
        return ""
    met = all(v <= goal if ceiling else v >= goal for v in measured)
    return "met" if met else "NOT met"


def report(results: dict[int, dict[str, Any]], markdown: Path | None) -> None:
    """The table: one column per size, the goal and whether every size meets it."""
    sizes = sorted(results)
    table = Table(title="credgraph at scale (– : phase not run)")
    table.add_column("figure")
    for size in sizes:
        table.add_column(f"{size:,}", justify="right")
    table.add_column("goal", justify="right")
    table.add_column("", justify="left")
    lines = ["| figure | " + " | ".join(f"{s:,}" for s in sizes) + " | goal | |",
             "|---|" + "---:|" * len(sizes) + "---:|---|"]
    for name, read, unit, goal, ceiling in figures_table():
        values = [read(results[s]) for s in sizes]
        if all(v is None for v in values):
            continue
        label = f"{name} ({unit})" if unit and unit != "×" else name
        goal_text = "" if goal is None else ("≤ " if ceiling else "≥ ") + _cell(goal, unit)
        cells = [_cell(v, unit) for v in values]
        verdict = _verdict(values, goal, ceiling)
        table.add_row(label, *cells, goal_text, verdict)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal_text} | {verdict} |")
    loads = " | ".join(
        f"{s:,}: " + ", ".join(f"{phase} {results[s][phase]['load_avg']:.1f}"
                               for phase in PHASES if "load_avg" in results[s].get(phase, {}))
        for s in sizes)
    console.print(table)
    console.print(f"load average after each phase: {loads}")
    if markdown:
        markdown.write_text("\n".join(lines) + f"\n\nLoad average after each phase: {loads}\n",
                            encoding="utf-8")
        console.print(f"Markdown table written to {markdown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--enterprises", default="100000,300000,1000000",
                        help="comma-separated sizes")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated, of {', '.join(PHASES)}")
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"),
                        help="the server measured (default $CREDGRAPH_NEO4J_URI)")
    parser.add_argument("--neo4j-home", default=os.environ.get("CREDGRAPH_NEO4J_HOME"),
                        help="the server's home folder: store size and its memory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dense-groups", type=int, default=None,
                        help="densely cross-held groups (default: one per 50,000 enterprises)")
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100, help="measured calls per operation")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--peer-seconds", type=int, default=20,
                        help="seconds of each 8-client throughput run")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--report-only", action="store_true",
                        help="print the table from the kept figures, run nothing")
    args = parser.parse_args()
    sizes = [int(s) for s in args.enterprises.split(",")]
    phases = [p for p in args.phases.split(",") if p]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    if {"load", "neo4j", "api", "peer"} & set(phases) and not args.neo4j_uri:
        parser.error("--neo4j-uri is required for the Neo4j phases")
    if "load" not in phases and len(sizes) > 1 and {"neo4j", "api", "peer"} & set(phases):
        parser.error("without the load phase the database holds one size: give one size")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    for size in sizes:
        kept = work / f"scale-{size}.json"
        figures: dict[str, Any] = json.loads(kept.read_text()) if kept.exists() else {}
        results[size] = figures
        if args.report_only:
            continue
        dense = args.dense_groups if args.dense_groups is not None else max(1, size // 50_000)
        dataset = dataset_folder(work, size, args.seed, dense)
        if not (dataset / "enterprises.csv").exists():
            from credgraph.generate import generate

            console.print(f"generating {size:,} enterprises ({dense} dense groups) ...")
            generate(dataset, enterprises=size, seed=args.seed, dense_groups=dense)
        delta = delta_folder(dataset)
        if not (delta / "manifest.yaml").exists():
            write_delta(dataset, delta)
        for phase in phases:
            console.print(f"{size:,} enterprises: {phase} (load average {load_average():.1f})")
            started = time.perf_counter()
            if phase == "load":
                figures[phase] = phase_load(args, dataset, delta)
            elif phase == "neo4j":
                figures[phase] = phase_neo4j(args, dataset)
            elif phase == "api":
                figures[phase] = phase_api(args)
            elif phase == "peer":
                figures[phase] = phase_peer(args)
            else:
                figures[phase] = phase_embedded(args, dataset, size)
            figures[phase]["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
            figures[phase].setdefault("load_avg", load_average())
            console.print(f"  {phase} took {time.perf_counter() - started:.0f} s")
            kept.write_text(json.dumps(figures, indent=1))
            report({size: figures}, None)
    report(results, args.markdown)


if __name__ == "__main__":
    main()
