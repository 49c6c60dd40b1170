"""Benchmark of the synthetic dataset generator.

Usage: python benchmarks/bench_generate.py [N] [--seed S] [--out DIR] [--keep]

Prints wall time, CPU time, rows per second and the peak resident set size
of the process (``resource.getrusage``), so runs of different sizes show
whether memory stays flat. CPU time is the steadier figure on a shared
machine, where wall time grows with the other processes' load.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from credgraph.generate import generate


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("enterprises", nargs="?", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: temporary)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary output")
    args = ap.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="credgraph-bench-"))
    rss_before = _peak_rss_mb()
    t0 = time.perf_counter()
    cpu0 = _cpu_seconds()
    counts = generate(out, args.enterprises, args.seed)
    wall = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    rows = sum(counts.values())
    size = sum(p.stat().st_size for p in out.glob("*.csv"))

    print(f"enterprises      {args.enterprises:>12,}")
    for section, n in counts.items():
        print(f"  {section:<18} {n:>12,}")
    print(f"rows total       {rows:>12,}")
    print(f"output size      {size / 1e6:>12,.1f} MB")
    print(f"wall time        {wall:>12,.2f} s")
    print(f"cpu time         {cpu:>12,.2f} s")
    print(f"rows/s           {rows / wall:>12,.0f}")
    print(f"enterprises/s    {args.enterprises / wall:>12,.0f}")
    print(f"peak RSS         {_peak_rss_mb():>12,.1f} MB (at start {rss_before:,.1f} MB)")
    if args.out is None and not args.keep:
        shutil.rmtree(out)
    else:
        print(f"output           {out}")


if __name__ == "__main__":
    main()
