"""Bulk load (neo4j-admin import) against the incremental load of the same folder.

The expected graph is not written by hand: it is what the incremental load (Cypher
batches, tested everywhere else) makes of the same folder. The folder is a generated
10,000-enterprise registry with a manifest (so both loads record the same time) and rows
that exercise what the import files handle apart: refused rows, a fact given twice in one
extract (its first version dropped), a fact retracted later in the same extract, a text
spanning lines; and an enterprise held over 100%, which the load warns about once the
data is readable.

The test runs its own Neo4j server, since a bulk load stops and starts it.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Any

import pytest

from credgraph.exc import ConfigurationError
from credgraph.generate import generate
from credgraph.graph import open_for_load
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import Snapshot
from credgraph.loaders.load import LoadReport, load_dataset
from credgraph.loaders.report import read_findings
from credgraph.settings import Settings
from tests.neo4j_server import SCRIPT, Neo4jServer

pytestmark = pytest.mark.neo4j

ENTERPRISES = 10_000

MANIFEST = "source: SAMR-registration\nextracted_at: 2026-03-01T09:00:00+08:00\nkind: full\n"

SCHEMA = ("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties",
          "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state")

LABELS = "MATCH (n) RETURN coalesce(n.id, n.of) AS id, n.rec AS rec, labels(n) AS labels"


def _rewrite(path: Path, edit: Any) -> None:
    """Rewrite a CSV file through `edit(header, rows) -> (header, rows)`."""
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    header, rows = edit(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def _registry(folder: Path) -> Path:
    """The generated registry with the rows described in the module's note."""
    generate(folder, enterprises=ENTERPRISES, seed=5)
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")

    def enterprises(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        bad = list(rows[0])
        bad[header.index("established")] = "2021-02-30"  # no such day: refused
        return header, [*rows, bad]

    def shareholdings(header: list[str], rows: list[list[str]]
                      ) -> tuple[list[str], list[list[str]]]:
        header = [*header, "op", "op_reason"]
        rows = [[*row, "", ""] for row in rows]
        twice = list(rows[0])  # the same key again, other values: this version stays
        twice[header.index("percent")] = "0.50"
        retracted = list(rows[1])
        retracted[-2:] = ["retract", "登记错误"]
        unknown = list(rows[2])
        unknown[header.index("enterprise")] = "91110000MA00000000"  # no such enterprise
        over = []  # two holdings of 60% by one holder: the enterprise is over 100%
        for start in ("2000-01-01", "2000-06-01"):
            row = list(rows[3])
            row[header.index("percent")], row[header.index("start_date")] = "60", start
            row[header.index("end_date")] = ""
            over.append(row)
        return header, [*rows, twice, retracted, unknown, *over]

    def penalties(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        content = header.index("content")
        rows[0][content] = rows[0][content] + "\n第二行，\r\n第三行"
        return header, rows

    _rewrite(folder / "enterprises.csv", enterprises)
    _rewrite(folder / "shareholdings.csv", shareholdings)
    _rewrite(folder / "penalties.csv", penalties)
    return folder


def _state(store: Neo4jStore) -> tuple[Snapshot, list[Any], list[Any], int]:
    """What the two loads must agree on: every element and property but the load time,
    each node's labels (the store's log of load runs left out, as snapshots leave it), the
    constraints and indexes, the data version."""
    snapshot = store.snapshot().without("loaded_at")
    log = set(store.model.log_labels)  # the load runs: named by their time, not the graph
    labels = sorted((r["id"], r["rec"] or "", sorted(r["labels"])) for r in store.read(LABELS)
                    if not log & set(r["labels"]))
    schema = [sorted(tuple(map(str, r.values())) for r in store.read(q)) for q in SCHEMA]
    return snapshot, labels, schema, store.data_version()


def _report(report: LoadReport) -> list[Any]:
    return [(s.section, s.file, s.rows, s.loaded, s.rejected, s.warnings, s.outcomes)
            for s in report.sections] + [report.withdrawn, report.recorded_at]


@pytest.fixture(scope="module")
def server() -> Any:
    with Neo4jServer() as running:
        yield running


def _settings(server: Neo4jServer, **extra: Any) -> Settings:
    env = (f"env CREDGRAPH_NEO4J_HOME={shlex.quote(str(server.home))} "
           f"CREDGRAPH_NEO4J_PORT={server.port} CREDGRAPH_NEO4J_AUTH=none "
           f"{shlex.quote(str(SCRIPT))}")
    values: dict[str, Any] = {"neo4j_uri": server.uri, "neo4j_admin": f"{env} admin",
                              "neo4j_server": env, "neo4j_import_memory": "512m",
                              "query_timeout_seconds": 900}  # snapshots on a shared machine
    return Settings(**{**values, **extra})


@pytest.mark.long
def test_bulk_load_equals_incremental_load(server: Neo4jServer, tmp_path: Path) -> None:
    folder = _registry(tmp_path / "registry")
    settings = _settings(server)
    bulk_rejects, rejects = tmp_path / "bulk-rejects.csv", tmp_path / "rejects.csv"

    with open_for_load(settings, bulk=True, import_folder=tmp_path / "import") as store:
        assert not isinstance(store, Neo4jStore)  # the bulk store, not the Cypher writer
        bulk_report = load_dataset(folder, store, rejects_path=bulk_rejects)
        assert set(bulk_report.steps) == {"files", "stop", "import", "start", "schema"}
    live = Neo4jStore.from_settings(settings)
    with live:
        bulk = _state(live)
        # Not empty any more: a second bulk load is refused, saying what to do instead.
        with pytest.raises(ConfigurationError, match="holds data: load without --bulk"):
            open_for_load(settings, bulk=True)
        live.clear()
        report = load_dataset(folder, live, rejects_path=rejects)
        incremental = _state(live)

    assert _report(bulk_report) == _report(report)
    assert bulk_rejects.read_text(encoding="utf-8") == rejects.read_text(encoding="utf-8")
    # The over-100% check reads the holdings back: the bulk load's only once imported.
    warned = [read_findings(path.with_name(path.stem + ".warnings.csv"))
              for path in (bulk_rejects, rejects)]
    assert warned[0] == warned[1]
    assert any("(over 100%)" in finding.reason for finding in warned[0])
    refused = {(finding.file, finding.column) for finding in read_findings(rejects)}
    assert refused == {("enterprises.csv", "established"), ("shareholdings.csv", "enterprise")}
    snapshot, labels, schema, version = incremental
    assert len(snapshot.nodes) > 3 * ENTERPRISES and len(snapshot.edges) > 6 * ENTERPRISES
    assert any(p.get("ret") for _, _, p in snapshot.edges.values())  # the retraction
    assert bulk[0].nodes == snapshot.nodes
    assert bulk[0].edges == snapshot.edges
    assert bulk[1:] == (labels, schema, version)


def test_bulk_load_refused_without_server_commands(server: Neo4jServer) -> None:
    settings = _settings(server, neo4j_server=None)
    with pytest.raises(ConfigurationError, match="needs CREDGRAPH_NEO4J_SERVER"):
        open_for_load(settings, bulk=True)


def test_bulk_load_refused_into_embedded_store(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="bulk load goes into Neo4j"):
        open_for_load(Settings(neo4j_uri=None, data_dir=tmp_path), bulk=True)


def test_each_import_file_is_its_own_input(tmp_path: Path) -> None:
    """A property seen with two value types goes to a second file with its own header;
    neo4j-admin reads the header from the first file of an input only (the second file's
    header would be read as a row and the import refused), so each file is one input.
    The 1,000,000-enterprise benchmark met this: SHAREHOLDER in two files, import refused."""
    from credgraph.graph.model import load_model
    from credgraph.graph.neo4j_import import ImportFiles

    files = ImportFiles(tmp_path, load_model())
    group = files._group("SHAREHOLDER")
    for percent in (12.5, 40):
        group.write(["p1", "e1"], {"fact": f"f{percent}", "rec": "2026-01-01T00:00:00Z",
                                   "percent": percent}, 1)
    plan = files.finish({}, 0)
    inputs = [g for g in plan.relationships if g.name == "SHAREHOLDER"]
    assert [len(g.files) for g in inputs] == [1, 1]
    headers = [g.files[0].read_text(encoding="utf-8").splitlines()[0] for g in inputs]
    assert sorted(h.split(",")[2:] != headers[0].split(",")[2:] for h in headers) == [False,
                                                                                        True]
    assert any("percent:double" in h for h in headers)
    assert any("percent:long" in h for h in headers)
