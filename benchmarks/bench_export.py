"""Export benchmark: the generated registry out as BODS, FtM, GraphML and GEXF, then validated.

    python benchmarks/bench_export.py --enterprises 100000

Generates the registry (cached under --work) and loads it into an embedded store file
(cached too), then, each in a child process: opens the store and exports it in each
format, printing the time, the file size, the memory the store takes once open and the
peak memory while exporting (the kernel's high-water mark is reset after the store is
open, so the peak is the export's own); then runs the standards' validators on the
files: libcovebods (Open Ownership) on the BODS export and followthemoney's model on the
FtM export, with their time, peak memory and what they found.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("bods", "ftm", "graphml", "gexf")


def _memory(field: str) -> float:
    """A /proc/self/status figure (VmRSS, VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Start the high-water mark afresh (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def _export_child(args: argparse.Namespace) -> None:
    from credgraph.graph.memory import MemoryStore
    from credgraph.interop.formats import export_to
    from credgraph.interop.scope import Scope
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import Moment

    started = time.perf_counter()
    store = MemoryStore(Path(args.store))
    counts = store.counts()
    opened = time.perf_counter() - started
    store_mb = _memory("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    written = export_to(args.format, analyses_for(store), Scope(Moment.on(args.as_of)),
                        Path(args.out))
    print(json.dumps({
        "format": args.format, "open_seconds": opened, "seconds": time.perf_counter() - started,
        "bytes": written, "store_mb": store_mb, "peak_mb": _memory("VmHWM"),
        "nodes": counts.total_nodes, "edges": counts.total_edges,
    }))


def _validate_child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.validators import validate_bods, validate_ftm

    started = time.perf_counter()
    if args.format == "bods":
        report = validate_bods(Path(args.out))
        found: dict[str, Any] = {"schema_version": report.schema_version,
                                 "schema_errors": len(report.schema_errors),
                                 "checks": len(report.checks),
                                 "statements": report.statistics.get("count_entity_statements")}
    else:
        found = {"problems": len(validate_ftm(Path(args.out)))}
    print(json.dumps({"format": args.format, "seconds": time.perf_counter() - started,
                      "peak_mb": _memory("VmHWM"), **found}))


def _child(args: argparse.Namespace, mode: str, fmt: str, out: Path,
           store: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, f"--{mode}", "--format", fmt, "--out", str(out),
               "--store", str(store), "--as-of", args.as_of]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise SystemExit(f"{mode} {fmt} failed:\n{result.stderr}")
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def _prepare(args: argparse.Namespace, console: Console) -> Path:
    """The generated registry loaded into an embedded store file (both cached)."""
    from credgraph.generate import generate
    from credgraph.graph.memory import MemoryStore
    from credgraph.loaders.load import load_dataset

    work = Path(args.work)
    dataset = work / f"dataset-{args.enterprises}-{args.seed}"
    if not (dataset / "enterprises.csv").exists():
        started = time.perf_counter()
        generate(dataset, enterprises=args.enterprises, seed=args.seed)
        console.print(f"generated {args.enterprises:,} enterprises in "
                      f"{time.perf_counter() - started:.1f} s")
    store_file = work / f"export-{args.enterprises}-{args.seed}.credgraph"
    if not store_file.exists():
        started = time.perf_counter()
        with MemoryStore(store_file) as store:
            store.clear()
            load_dataset(dataset, store, rejects_path=work / "export-rejects.csv")
        console.print(f"loaded into {store_file} in {time.perf_counter() - started:.1f} s")
    return store_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2025-06-01")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--work", default="/tmp/credgraph-bench")
    parser.add_argument("--export", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        _export_child(args)
        return
    if args.validate:
        _validate_child(args)
        return

    from credgraph.interop.formats import FORMATS as EXPORTS

    console = Console()
    store = _prepare(args, console)
    work = Path(args.work)
    exports = Table(title=f"Export of {args.enterprises:,} enterprises (embedded store, "
                          f"as of {args.as_of})")
    for column in ("format", "seconds", "MB written", "store MB", "peak MB", "export adds MB"):
        exports.add_column(column, justify="right")
    files: dict[str, Path] = {}
    for fmt in args.formats.split(","):
        files[fmt] = work / f"export-{args.enterprises}{EXPORTS[fmt].extension}"
        found = _child(args, "export", fmt, files[fmt], store)
        exports.add_row(fmt, f"{found['seconds']:.1f}", f"{found['bytes'] / 1e6:,.0f}",
                        f"{found['store_mb']:,.0f}", f"{found['peak_mb']:,.0f}",
                        f"{found['peak_mb'] - found['store_mb']:,.0f}")
        console.print(found)
    console.print(exports)
    console.print("store MB: resident once the store is open; peak MB: the high-water mark "
                  "while exporting (reset after opening); export adds MB: the difference.")
    if args.no_validate:
        return
    checks = Table(title="Validation by the standards' own libraries")
    for column in ("format", "validator", "seconds", "peak MB", "found"):
        checks.add_column(column, justify="right")
    for fmt, validator in (("bods", "libcovebods"), ("ftm", "followthemoney")):
        if fmt not in files:
            continue
        found = _child(args, "validate", fmt, files[fmt], store)
        summary = (f"schema {found['schema_version']}: {found['schema_errors']} schema errors, "
                   f"{found['checks']} check findings" if fmt == "bods"
                   else f"{found['problems']} problems")
        checks.add_row(fmt, validator, f"{found['seconds']:.1f}", f"{found['peak_mb']:,.0f}",
                       summary)
    console.print(checks)


if __name__ == "__main__":
    main()
