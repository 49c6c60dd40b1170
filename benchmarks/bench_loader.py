"""The loader's own work, without a database: rows per second of a bulk load's Python part
(reading, checks, fact versions, neo4j-admin import files: everything but neo4j-admin and
the server) and of a delta into the embedded store.

    python benchmarks/bench_loader.py bulk DATASET OUT
    python benchmarks/bench_loader.py full DATASET GRAPH OUT     # the embedded store to start from
    python benchmarks/bench_loader.py delta GRAPH DELTA OUT      # GRAPH is copied first

DATASET and DELTA are folders as bench_load.py makes them (a generated registry and its
1% delta). Load times are fixed (provenance, batch id), so two code trees given the same
folders write byte-identical outputs: each run prints, besides rows, wall and CPU seconds
and peak memory, a digest of each output (import files, rejects and warnings reports, the
load report without its timings, the embedded store's snapshot). Run it with PYTHONPATH
set to each tree at the same time to compare a change with its base on a shared machine
(docs/benchmarks.md, "The loader's own work").
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import sys
import time
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credgraph.graph.memory import MemoryStore
from credgraph.graph.neo4j_import import ImportStore
from credgraph.graph.records import ChangeSet, Snapshot
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import LoadReport, load_rows
from credgraph.loaders.rows import folder_rows

LOADED_AT = datetime(2026, 12, 1, 6, 0, 0, tzinfo=UTC)
"""The time of a registry's load (bulk, full)."""
DELTA_AT = datetime(2026, 12, 1, 7, 0, 0, tzinfo=UTC)
"""The time of a delta's load."""


class ImportFilesOnly(ImportStore):
    """A bulk load's store that stops once its import files are written: no server is
    stopped, no neo4j-admin run (the over-100% holdings check, a query of the imported
    database, is left out)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(None, None, folder=folder)  # type: ignore[arg-type]
        self.written = False

    def commit(self) -> None:
        if not self.written:
            started = time.perf_counter()
            self.files.finish(self.entities, self._version)
            self.steps["files"] = time.perf_counter() - started
            self.written = True

    def apply(self, changes: ChangeSet) -> None:
        if not self.written:  # after the files: the load run's log entry
            super().apply(changes)

    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        return []

    def close(self) -> None:
        """The files are kept for comparison."""


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
            for p in sorted(folder.iterdir()) if p.suffix == ".csv"}


def _report_text(report: LoadReport) -> str:
    """The load report as the store keeps it, without its timings."""
    sections = [{k: v for k, v in s.as_report().items() if k != "seconds"}
                for s in report.sections]
    return json.dumps({"sections": sections, "withdrawn": report.withdrawn,
                       "changed": report.changed, "batch_id": report.batch_id,
                       "recorded_at": report.recorded_at,
                       "data_version": report.data_version},
                      ensure_ascii=False, sort_keys=True)


def _snapshot_digest(snapshot: Snapshot) -> str:
    text = repr((sorted((repr(k), repr(sorted(v.items()))) for k, v in snapshot.nodes.items()),
                 sorted((repr(k), repr(v)) for k, v in snapshot.edges.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> None:
    mode, *paths = sys.argv[1:]
    store: GraphStore
    if mode == "bulk":
        dataset, out = Path(paths[0]), Path(paths[1])
        shutil.rmtree(out, ignore_errors=True)
        (out / "import").mkdir(parents=True)
        store, now = ImportFilesOnly(out / "import"), LOADED_AT
    elif mode == "full":
        dataset, graph, out = Path(paths[0]), Path(paths[1]), Path(paths[2])
        out.mkdir(parents=True, exist_ok=True)
        graph.unlink(missing_ok=True)
        store, now = MemoryStore(graph), LOADED_AT
    elif mode == "delta":
        graph, dataset, out = Path(paths[0]), Path(paths[1]), Path(paths[2])
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        shutil.copy(graph, out / "graph.credgraph")
        store, now = MemoryStore(out / "graph.credgraph"), DELTA_AT
    else:
        raise SystemExit(__doc__)
    cpu, started = time.process_time(), time.perf_counter()
    report = load_rows(folder_rows(dataset, now), store, rejects_path=out / "rejects.csv",
                       now=now)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = sum(s.rows for s in report.sections)
    (out / "report.csv").write_text(_report_text(report), encoding="utf-8")
    digests = _digests(out)
    if mode == "bulk":
        digests |= {f"import/{k}": v for k, v in _digests(out / "import").items()}
    else:
        digests["snapshot"] = _snapshot_digest(store.snapshot().without("loaded_at"))
    figures: dict[str, Any] = {
        "mode": mode, "rows": rows, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "rows_per_s": round(rows / wall), "rows_per_cpu_s": round(rows / cpu),
        "steps": {k: round(v, 2) for k, v in report.steps.items()},
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "digests": digests}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
