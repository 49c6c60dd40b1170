"""The `credgraph` command: generate, load, export, serve, demo, screen, keys, audit."""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from credgraph.exc import ConfigurationError, CredgraphError, DatasetError
from credgraph.generate.bounds import MIN_ENTERPRISES
from credgraph.graph import open_store
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import LoadReport, load_dataset, load_rows
from credgraph.loaders.plan import Outcome
from credgraph.queries.restrictions.rules import Lang
from credgraph.settings import StoreKind, get_settings

if TYPE_CHECKING:
    from credgraph.api.auth import Authenticator, KeyStore
    from credgraph.graph.memory import MemoryStore
    from credgraph.queries.quality import QualityReport
    from credgraph.queries.time import Moment

app = typer.Typer(
    help="credgraph: enterprise relationship explorer for the credit publicity system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


def _summary(report: LoadReport) -> Table:
    """Per file: rows read and refused, and what its facts did (new, corrected, withdrawn)."""
    m = report.manifest
    table = Table(title=f"Load {report.batch_id} from {m.source} ({m.kind.value} extract "
                        f"recorded {report.recorded_at}; {report.seconds:.1f} s)",
                  caption=f"data version {report.data_version}")
    columns = ("section", "file", "rows", "rejected", "warnings", "new", "corrected",
               "retracted", "unchanged", "rows/s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("section", "file") else "right")
    for s in report.sections:
        facts = [s.outcomes[o] for o in (Outcome.CREATED, Outcome.CORRECTED, Outcome.RETRACTED,
                                         Outcome.UNCHANGED)]
        facts[2] += report.withdrawn.get(s.section, 0)
        table.add_row(s.section, s.file, f"{s.rows:,}", f"{s.rejected:,}", f"{s.warnings:,}",
                      *(f"{n:,}" for n in facts), f"{s.rows_per_second:,.0f}")
    return table


def _load(store: GraphStore, dataset: Path, rejects: Path, batch_size: int) -> LoadReport:
    """Load a dataset folder, or a BODS or FollowTheMoney file (credgraph.interop)."""
    try:
        if dataset.is_file():
            from credgraph.interop.formats import import_rows

            report = load_rows(import_rows(dataset), store, rejects_path=rejects,
                               batch_size=batch_size, progress=console.is_terminal)
        else:
            report = load_dataset(dataset, store, rejects_path=rejects, batch_size=batch_size,
                                  progress=console.is_terminal)
    except DatasetError as e:
        typer.echo(f"credgraph: cannot load {dataset}: {e}", err=True)
        raise typer.Exit(2) from e
    console.print(_summary(report))
    if report.steps:
        console.print("bulk load: " + ", ".join(f"{step} {seconds:.1f} s"
                                                for step, seconds in report.steps.items()))
    withdrawn = sum(report.withdrawn.values())
    if withdrawn:
        console.print(f"{withdrawn:,} fact(s) {report.manifest.source} no longer supplies were "
                      "retracted (counted under retracted): this was a full extract")
    if report.rejected:
        console.print(f"{report.rejected:,} row(s) refused: see {report.rejects_path}")
    if report.warnings:
        console.print(f"{report.warnings:,} warning(s): see {report.warnings_path}")
    return report


def _describe_store() -> str:
    """Where the configured store lives, for messages that send the user to it."""
    settings = get_settings()
    if settings.store_kind is StoreKind.NEO4J:
        return f"Neo4j at {settings.neo4j_uri}"
    return f"embedded file {settings.graph_file}"


def _open() -> GraphStore:
    try:
        return open_store(get_settings())
    except CredgraphError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e


@app.command()
def load(
    datasets: Annotated[list[Path], typer.Argument(
        help="Dataset folders in the layout of docs/data-format.md, or BODS 0.4 (JSON or JSON "
             "lines) or FollowTheMoney (JSON lines) files, loaded one after the other (a "
             "registry's extract, then its feeds).")],
    rejects: Annotated[Path, typer.Option(
        help="Where refused rows are reported (for the second folder or file on, "
             "REJECTS.NAME.csv beside it).")] = Path("rejects.csv"),
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per write batch (default from settings).")
    ] = None,
    bulk: Annotated[bool, typer.Option(
        help="Initial load into an empty Neo4j database through neo4j-admin import: the "
             "server is stopped for the import and started again (README, Loading your own "
             "data).")] = False,
    import_dir: Annotated[Path | None, typer.Option(
        help="Bulk loads: where the import files are written, and kept (default: a "
             "temporary folder, removed after the import).")] = None,
) -> None:
    """Load dataset folders or BODS / FtM files into the configured store (exit 2 at the first
    with an unreadable file: those before it stay loaded, nothing of it is written), then
    check the watchlists for what the loads changed around watched entities.

    Into Neo4j, a bulk import is made by itself when credgraph may stop and start the
    server (CREDGRAPH_NEO4J_SERVER and CREDGRAPH_NEO4J_ADMIN are set), the server is
    stopped and its database empty.
    """
    from credgraph.graph import open_for_load

    settings = get_settings()
    store: GraphStore | None = None
    try:
        for number, dataset in enumerate(datasets):
            report = rejects if number == 0 else rejects.with_name(
                f"{rejects.stem}.{dataset.name}{rejects.suffix}")
            if store is None:
                try:  # a bulk import can only make the first folder: the feeds are deltas
                    store = open_for_load(settings, bulk and number == 0, import_dir,
                                          console.print)
                except CredgraphError as e:
                    typer.echo(f"credgraph: {e}", err=True)
                    raise typer.Exit(2) from e
            _load(store, dataset, report, batch_size or settings.batch_size)
            if store.steps:  # a bulk import is done: what follows goes to the live server
                store.close()
                store = None
        if settings.user_data_path.is_file():  # watchlists are kept
            if store is None:  # the last load was a bulk import
                store = _open()
            _check_watchlists(store)
    finally:
        if store is not None:
            store.close()


def _check_watchlists(store: GraphStore) -> None:
    """Alerts for what changed around watched entities."""
    from credgraph.queries.analyses import analyses_for
    from credgraph.watch.service import watch_for

    watch = watch_for(analyses_for(store), get_settings())
    try:
        report = watch.check()
    finally:
        watch.data.close()
    if not report.skipped:
        console.print(f"watchlists: {report.checked:,} watched subject(s) checked, "
                      f"{len(report.alerts):,} new alert(s)")


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="The file to write (BODS as JSON lines when it "
                                              "ends in .jsonl).")],
    format: Annotated[str, typer.Option(
        "--format", help="bods (BODS 0.4), ftm (FollowTheMoney JSON lines), graphml or gexf.")],
    as_of: AsOf = None,
    known_at: KnownAt = None,
    root: Annotated[str | None, typer.Option(
        help="Export only the map around this enterprise, person or other holder.")] = None,
    hops: Annotated[int, typer.Option(help="With --root: how far the map reaches.")] = 1,
    relation: Annotated[list[str] | None, typer.Option(
        help="With --root: follow only these link types (repeatable).")] = None,
    max_nodes: Annotated[int, typer.Option(help="With --root: at most this many nodes.")] = 5000,
    hub_degree: Annotated[int, typer.Option(
        help="With --root: nodes with more links are shown but not expanded.")] = 50,
    history: Annotated[bool, typer.Option(
        help="Also relationships that ended before (or start after) the day.")] = False,
    threshold: Annotated[float, typer.Option(
        help="BODS: the share (percent) from which a person is a beneficial owner.")] = 25.0,
) -> None:
    """Export the graph, or the map around --root, as BODS, FtM, GraphML or GEXF."""
    from credgraph.exc import BadInputError, NotFoundError
    from credgraph.interop.formats import FORMATS, export_to
    from credgraph.interop.scope import Scope
    from credgraph.queries.analyses import analyses_for

    if format not in FORMATS:
        typer.echo(f"credgraph: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    at = _moment(as_of, known_at)
    scope = Scope(at, root=root, hops=hops,
                  relations=tuple(relation) if relation else None, max_nodes=max_nodes,
                  hub_degree=hub_degree, history=history)
    with _open() as store:
        try:
            written = export_to(format, analyses_for(store), scope, out, threshold=threshold)
        except (BadInputError, NotFoundError) as e:
            typer.echo(f"credgraph: cannot export: {e}", err=True)
            raise typer.Exit(2) from e
    known_text = f", known at {at.known}" if at.known else ""
    console.print(f"{format} export as of {scope.at.day}{known_text} written to {out} "
                  f"({written:,} bytes)")


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset into.")],
    enterprises: Annotated[int, typer.Option(min=MIN_ENTERPRISES)] = 10_000,
    seed: Annotated[int, typer.Option()] = 1,
    dense_groups: Annotated[int, typer.Option(
        min=0, help="Plant this many densely cross-held groups (150-400 firms holding each "
                    "other in rings and chains).")] = 0,
) -> None:
    """Write a synthetic registry dataset (docs/data-format.md layout, deterministic per seed)."""
    from credgraph.generate import generate as run_generate

    counts = run_generate(out, enterprises=enterprises, seed=seed, progress=console.is_terminal,
                          dense_groups=dense_groups)
    table = Table(title=f"Generated into {out}")
    table.add_column("section")
    table.add_column("rows", justify="right")
    for section, rows in counts.items():
        table.add_row(section, f"{rows:,}")
    console.print(table)


INSECURE_HELP = ("Serve on a non-loopback address without sign-in: everyone who reaches it "
                 "is admin.")


def _access(host: str, insecure: bool) -> Authenticator:
    """The server's authenticator, checked before anything is loaded (exit 2 if refused)."""
    from credgraph.api.auth import access_for
    from credgraph.api.roles import role_names

    try:
        return access_for(get_settings(), role_names(), host, insecure)
    except ConfigurationError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e


def _announce(host: str, port: int, authenticator: Authenticator) -> None:
    if authenticator.local_admin:
        console.print("credgraph: local single-user mode: no keys file and no OIDC issuer "
                      "are configured, so whoever reaches this server is admin")
    console.print(f"credgraph: serving http://{host}:{port}/ (GraphiQL at /graphql)")


def _serve(store: GraphStore, host: str, port: int, authenticator: Authenticator) -> None:
    import uvicorn

    from credgraph.api.app import SERVING, create_app, local_hosts
    from credgraph.api.logs import configure_logging
    from credgraph.runtime import freeze_startup_objects

    settings = get_settings()
    app_ = create_app(store, settings, authenticator, local_hosts(authenticator, host))
    _announce(host, port, authenticator)
    listener = configure_logging(settings.log_queue_size)
    freeze_startup_objects()
    try:
        uvicorn.run(app_, host=host, port=port, log_config=None, access_log=False, **SERVING)
    finally:
        listener.stop()


def _serve_workers(host: str, port: int, insecure: bool, workers: int,
                   authenticator: Authenticator) -> None:
    """uvicorn's supervisor over `workers` processes that each build the app for themselves
    (credgraph.api.workers) and share the listening socket; a worker that dies is replaced."""
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from credgraph.api.app import SERVING
    from credgraph.api.logs import configure_logging
    from credgraph.api.workers import tcp_listener, worker_environment

    os.environ.update(worker_environment(host, insecure))
    _announce(host, port, authenticator)
    console.print(f"credgraph: {workers} worker processes")
    listener = configure_logging(get_settings().log_queue_size)
    config = uvicorn.Config("credgraph.api.workers:worker_app", factory=True, workers=workers,
                            host=host, port=port, log_config=None, access_log=False,
                            **SERVING)
    try:
        Multiprocess(config, sockets=[tcp_listener(config)]).run()
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()


def _schema_up_to_date(store: GraphStore) -> None:
    """A database an earlier credgraph wrote gets the indexes this one reads before it is
    served (search's rank keys, docs/scaling.md); one the account may not change is served
    as it is, with a warning."""
    try:
        store.ensure_schema()
    except CredgraphError as e:
        console.print(f"credgraph: warning: the database's indexes could not be brought up "
                      f"to date ({e}); search may miss names until a load by an account "
                      "that may change the schema")


@app.command()
def serve(
    dataset: Annotated[
        list[Path] | None, typer.Option(
            help="Load this dataset folder before serving (repeat the option for feeds to "
                 "load after it, in order).")
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    insecure: Annotated[bool, typer.Option(help=INSECURE_HELP)] = False,
    workers: Annotated[int, typer.Option(
        min=1, help="Processes serving requests, each with its own connections to Neo4j (a "
                    "Neo4j store only: the embedded store is held in one process's memory). "
                    "About one per core.")] = 1,
) -> None:
    """Serve the GraphQL API and the web explorer over the configured store."""
    authenticator = _access(host, insecure)
    if workers > 1 and get_settings().store_kind is not StoreKind.NEO4J:
        typer.echo("credgraph: --workers needs a Neo4j store (CREDGRAPH_NEO4J_URI): the "
                   "embedded store is a graph held in one process's memory, so each worker "
                   "would load a copy of its own. Serve it with one worker (the default).",
                   err=True)
        raise typer.Exit(2)
    with _open() as store:
        for folder in dataset or []:
            _load(store, folder, Path(tempfile.gettempdir()) / "credgraph-rejects.csv",
                  get_settings().batch_size)
        if not dataset:  # a load brings the schema up to date itself
            _schema_up_to_date(store)
        if workers == 1:
            _serve(store, host, port, authenticator)
            return
    _serve_workers(host, port, insecure, workers, authenticator)


DEMO_SEED = 7
"""The demo's registry is always the same one (the generator is deterministic per seed)."""


def _demo_data(folder: Path, enterprises: int) -> MemoryStore:
    """The demo's embedded store in `folder`: reused when an earlier run finished making the
    same demo there, else generated and loaded afresh (an interrupted run is redone)."""
    from credgraph.generate import generate as run_generate
    from credgraph.graph.memory import MemoryStore

    marker, graph = folder / "demo.json", folder / "graph.credgraph"
    wanted = {"enterprises": enterprises, "seed": DEMO_SEED}
    try:
        made = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        made = None
    if made == wanted and graph.is_file():
        console.print(f"credgraph demo: reusing the demo registry in {folder} "
                      "(delete the folder to make it afresh)")
        return MemoryStore(graph)
    marker.unlink(missing_ok=True)
    graph.unlink(missing_ok=True)
    shutil.rmtree(folder / "dataset", ignore_errors=True)
    console.print(f"credgraph demo: generating {enterprises:,} enterprises (seed {DEMO_SEED}) "
                  f"into {folder / 'dataset'}")
    run_generate(folder / "dataset", enterprises=enterprises, seed=DEMO_SEED,
                 progress=console.is_terminal)
    console.print(f"credgraph demo: loading them into the embedded store {graph}")
    store = MemoryStore(graph)
    _load(store, folder / "dataset", folder / "rejects.csv", get_settings().batch_size)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return store


@app.command()
def demo(
    enterprises: Annotated[int, typer.Option(min=100)] = 2_000,
    folder: Annotated[Path | None, typer.Option(
        help="Where the demo keeps its dataset and graph, reused by the next run "
             "(default: $CREDGRAPH_DATA_DIR/demo).")] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    insecure: Annotated[bool, typer.Option(help=INSECURE_HELP)] = False,
) -> None:
    """Generate a small registry, load it into an embedded store and serve it."""
    authenticator = _access(host, insecure)
    folder = folder or get_settings().data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    store = _demo_data(folder, enterprises)
    _serve(store, host, port, authenticator)
    console.print(f"credgraph demo: stopped; the demo registry stays in {folder} for next time")


def _as_of_day(as_of: str | None) -> str | None:
    """The --as-of option's day (None when not given); exit 2 with the reason when unreadable."""
    from credgraph.loaders.normalize import parse_date

    try:
        return parse_date(as_of) if as_of else None
    except ValueError as e:
        typer.echo(f"credgraph: --as-of {as_of}: {e}", err=True)
        raise typer.Exit(2) from e


@app.command()
def screen(
    file: Annotated[Path, typer.Argument(
        help="Proposed appointments: person_id, uscc, role, date (人员编号, 企业统一社会信用代码, "
             "职务, 任职日期) in .csv or .xlsx.")],
    out: Annotated[Path, typer.Option(help="The decision file to write (.csv or .xlsx).")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day rows without a date are checked on (default: today).")] = None,
    lang: Annotated[Lang, typer.Option(
        help="Language of the rule titles and reasons written (zh 中文, en English).")
    ] = Lang.EN,
) -> None:
    """Screen proposed appointments against the appointment restrictions (exit 2 if unreadable)."""
    from credgraph.exc import BadInputError, EmptyStoreError
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import today
    from credgraph.screen import Decision, require_loaded, screen_file

    day = _as_of_day(as_of) or today()
    with _open() as store:
        try:
            require_loaded(store)
            report = screen_file(file, analyses_for(store), as_of=day, out=out,
                                 progress=console.is_terminal, lang=lang)
        except (DatasetError, BadInputError) as e:
            typer.echo(f"credgraph: cannot screen {file}: {e}", err=True)
            raise typer.Exit(2) from e
        except EmptyStoreError as e:
            typer.echo(f"credgraph: cannot screen {file}: {e} (store: {_describe_store()})",
                       err=True)
            raise typer.Exit(2) from e
    table = Table(title=f"Screened {report.rows:,} row(s) ({report.seconds:.1f} s)")
    table.add_column("decision")
    table.add_column("rows", justify="right")
    for decision in Decision:
        table.add_row(decision.value, f"{report.counts[decision]:,}")
    console.print(table)
    console.print(f"decisions written to {out}")


@app.command()
def risk(
    out: Annotated[Path, typer.Option(help="The file to write (.csv or .xlsx).")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day the risk is judged on (default: today).")] = None,
    level: Annotated[str | None, typer.Option(
        help="Only enterprises of this level: low, medium or high.")] = None,
    lang: Annotated[Lang, typer.Option(
        help="Language of the indicator titles and evidence (zh 中文, en English).")] = Lang.EN,
) -> None:
    """Export every enterprise's risk score, level and evidence (docs/risk.md)."""
    from credgraph.exc import BadInputError, EmptyStoreError
    from credgraph.graph.vocabulary import load_vocabulary
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import Moment
    from credgraph.risk_export import export_ranking
    from credgraph.screen import require_loaded

    levels = load_vocabulary().risk_levels
    if level is not None and level not in levels:
        typer.echo(f"credgraph: --level {level}: one of {', '.join(levels)}", err=True)
        raise typer.Exit(2)
    at = Moment.on(_as_of_day(as_of))
    with _open() as store:
        try:
            require_loaded(store)
            report = export_ranking(analyses_for(store), at, out, level, lang)
        except (BadInputError, EmptyStoreError) as e:
            typer.echo(f"credgraph: cannot export the risk ranking: {e} "
                       f"(store: {_describe_store()})", err=True)
            raise typer.Exit(2) from e
    table = Table(title=f"Risk on {at.day}: {report.rows:,} enterprise(s) "
                        f"({report.seconds:.1f} s)")
    table.add_column("level")
    table.add_column("enterprises", justify="right")
    for name in levels:
        table.add_row(name, f"{report.levels[name]:,}")
    console.print(table)
    console.print(f"written to {out}")


def _quality_tables(report: QualityReport) -> list[Table]:
    from credgraph.tables import percent_text

    sources = Table(title="Conformance per source (数据标准执行率)")
    for column in ("source", "loads", "rows", "loaded", "refused", "warnings", "conformance %"):
        sources.add_column(column, justify="left" if column == "source" else "right")
    for each in report.sources:
        t = each.totals
        sources.add_row(each.source, str(len(each.loads)), f"{t.rows:,}", f"{t.loaded:,}",
                        f"{t.refused:,}", f"{t.warnings:,}", percent_text(t.rate))
    t = report.totals
    sources.add_row("(all)", str(len(report.loads)), f"{t.rows:,}", f"{t.loaded:,}",
                    f"{t.refused:,}", f"{t.warnings:,}", percent_text(t.rate), style="bold")
    trend = Table(title="Loads over time")
    for column in ("recorded at", "source", "kind", "rows", "refused", "conformance %"):
        trend.add_column(column, justify="right" if column in ("rows", "refused",
                                                               "conformance %") else "left")
    for load in report.loads:
        t = load.totals
        trend.add_row(load.recorded_at, load.source, load.kind, f"{t.rows:,}", f"{t.refused:,}",
                      percent_text(t.rate))
    tables = [sources, trend]
    for source in report.sources:
        columns = Table(title=f"{source.source}: sections and columns with findings")
        for column in ("section", "column", "seen", "valid", "refused", "warned",
                       "conformance %", "top reason"):
            columns.add_column(column, justify="right" if column in (
                "seen", "valid", "refused", "warned", "conformance %") else "left")
        for section in source.sections:
            columns.add_row(section.section, "(rows)", f"{section.rows:,}",
                            f"{section.loaded:,}", f"{section.refused:,}",
                            f"{section.warnings:,}", percent_text(section.rate),
                            section.reasons[0].reason if section.reasons else "", style="bold")
            for c in section.columns:
                if c.refused or c.warned:
                    top = next((r for r in section.reasons
                                if c.column in r.column.split("/")), None)
                    columns.add_row("", c.column or "(row)", f"{c.seen:,}", f"{c.valid:,}",
                                    f"{c.refused:,}", f"{c.warned:,}", percent_text(c.rate),
                                    top.reason if top else "")
        tables.append(columns)
    return tables


@app.command()
def quality(
    dataset: Annotated[Path | None, typer.Argument(
        help="Check this dataset folder instead (loaded into a scratch store, never the "
             "configured one: references to enterprises only the register holds count as "
             "refused).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Also write the report (.csv, with .reasons/.loads/.sources CSVs beside it, or "
             ".xlsx).")] = None,
    source: Annotated[str | None, typer.Option(help="Only this supplying department.")] = None,
) -> None:
    """The data-quality report: conformance per load, per source and over time."""
    from credgraph.exc import BadInputError
    from credgraph.graph.memory import MemoryStore
    from credgraph.queries.backend import backend_for
    from credgraph.queries.quality import quality_report
    from credgraph.queries.time import Moment
    from credgraph.tables import check_output, quality_sheets, write_tables

    try:
        if out is not None:
            check_output(out)
    except BadInputError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e
    if dataset is not None:
        scratch = MemoryStore()
        with tempfile.TemporaryDirectory() as folder:
            try:
                load_dataset(dataset, scratch, rejects_path=Path(folder) / "rejects.csv")
            except DatasetError as e:
                typer.echo(f"credgraph: cannot check {dataset}: {e}", err=True)
                raise typer.Exit(2) from e
        report = quality_report(backend_for(scratch), Moment.on(), source)
    else:
        with _open() as store:
            report = quality_report(backend_for(store), Moment.on(), source)
    if not report.loads:
        console.print("no load recorded" + (f" from {source}" if source else ""))
    for table in _quality_tables(report):
        console.print(table)
    if out is not None:
        for path in write_tables(out, quality_sheets(report)):
            console.print(f"written {path}")


def _moment(as_of: str | None, known_at: str | None) -> Moment:
    """--as-of and --known-at as a Moment (exit 2 naming the option when malformed)."""
    from credgraph.queries.time import Moment, recorded_time

    day = _as_of_day(as_of)
    try:
        known = recorded_time(known_at) if known_at else None
    except ValueError as e:
        typer.echo(f"credgraph: --known-at {known_at}: {e}", err=True)
        raise typer.Exit(2) from e
    return Moment.on(day, known)


AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="The day asked about (valid time; default: today).")]
KnownAt = Annotated[str | None, typer.Option(
    "--known-at", help="What the register had recorded by then (a date-time, or a date: its "
                       "end, China time; default: now).")]


@app.command()
def checks(
    as_of: AsOf = None,
    known_at: KnownAt = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule (its id).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Write the clues (.csv, with .rules.csv beside it, or .xlsx).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of titles and explanations.")] = Lang.EN,
) -> None:
    """Run the cross-checks over the whole register: the clues per rule, and their facts."""
    from credgraph.exc import BadInputError
    from credgraph.queries.analyses import analyses_for
    from credgraph.tables import check_output, clue_sheets, write_tables

    at = _moment(as_of, known_at)
    with _open() as store:
        try:
            if out is not None:
                check_output(out)
            analyses = analyses_for(store)
            run = analyses.checks.run(at, rule)
        except BadInputError as e:
            typer.echo(f"credgraph: {e}", err=True)
            raise typer.Exit(2) from e
        subjects = sorted({c.subject for c in run.clues})
        names = {i: e.name for i, e in analyses.links.entities(subjects, at).items()}
    table = Table(title=f"Cross-checks on {at.day} ({run.seconds:.1f} s)")
    for column in ("rule", "severity", "title", "clues", "seconds"):
        table.add_column(column, justify="right" if column in ("clues", "seconds") else "left")
    for r in run.rules:
        table.add_row(r.rule.id, r.rule.severity.value, r.rule.title.in_(lang), f"{r.clues:,}",
                      f"{r.seconds:.2f}")
    table.add_row("(all)", "", "", f"{len(run.clues):,}", f"{run.seconds:.2f}", style="bold")
    console.print(table)
    if out is not None:
        for path in write_tables(out, clue_sheets(run, names, lang)):
            console.print(f"written {path}")


@app.command()
def notices(
    since: Annotated[str, typer.Option(help="First day of the period (registrations and "
                                            "changes).")],
    out: Annotated[Path, typer.Option(help="Folder to write one file per department into.")],
    until: Annotated[str | None, typer.Option(help="Last day of the period (default: "
                                                   "today).")] = None,
    known_at: KnownAt = None,
    department: Annotated[str | None, typer.Option(help="Only this department (its id).")
                          ] = None,
    file_format: Annotated[str, typer.Option(
        "--format", help="xlsx (matched wording in red) or csv (in 【】).")] = "xlsx",
) -> None:
    """双告知: the departments to notify of enterprises registered or changed in a period whose
    business scope needs a post-approval licence; one file per department."""
    from credgraph.exc import BadInputError
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.notices.catalogue import load_catalogue
    from credgraph.tables import notice_sheet, write_tables

    if file_format not in ("xlsx", "csv"):
        typer.echo(f"credgraph: --format {file_format}: xlsx or csv", err=True)
        raise typer.Exit(2)
    first = _moment(since, None).day
    at = _moment(until, known_at)
    with _open() as store:
        try:
            found = analyses_for(store).notices.notices(first, at.day, at, department)
        except BadInputError as e:
            typer.echo(f"credgraph: {e}", err=True)
            raise typer.Exit(2) from e
    catalogue = load_catalogue()
    table = Table(title=f"双告知 {first} – {at.day}: {len(found):,} enterprise(s)")
    for column in ("department", "部门", "notices", "file"):
        table.add_column(column, justify="right" if column == "notices" else "left")
    out.mkdir(parents=True, exist_ok=True)
    for key in catalogue.departments:
        if department is not None and key != department:
            continue
        mine = [n.for_department(key) for n in found if key in n.departments]
        if not mine:
            continue
        path = out / f"{key}.{file_format}"
        write_tables(path, [notice_sheet(key, mine, catalogue)])
        table.add_row(key, catalogue.department(key).zh, f"{len(mine):,}", str(path))
    console.print(table)


keys_app = typer.Typer(help="API keys of the server (the keys file, CREDGRAPH_KEYS_FILE).",
                       no_args_is_help=True)
audit_app = typer.Typer(help="The audit log of the server.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")

KeysFile = Annotated[Path | None, typer.Option(
    "--file", help="The keys file (default: CREDGRAPH_KEYS_FILE).")]


def _key_store(file: Path | None) -> KeyStore:
    from credgraph.api.auth import KeyStore

    path = file or get_settings().keys_file
    if path is None:
        typer.echo("credgraph: no keys file: set CREDGRAPH_KEYS_FILE or pass --file", err=True)
        raise typer.Exit(2)
    return KeyStore(path)


@keys_app.command("add")
def keys_add(
    role: Annotated[str, typer.Option(help="public, enterprise, regulator or admin.")],
    owner: Annotated[str, typer.Option(help="Who holds the key, as the audit log names them.")],
    uscc: Annotated[str | None, typer.Option(
        help="The enterprise's USCC (enterprise keys: their own record).")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Expires after this many days.")] = None,
    file: KeysFile = None,
) -> None:
    """Issue a key and print its token once (only its hash is kept)."""
    from credgraph.api.auth import ENTERPRISE
    from credgraph.api.roles import role_names

    if role not in role_names():
        typer.echo(f"credgraph: no role {role!r}; roles: {', '.join(sorted(role_names()))}",
                   err=True)
        raise typer.Exit(2)
    if (role == ENTERPRISE) != (uscc is not None):
        typer.echo("credgraph: --uscc is given with --role enterprise, and only then", err=True)
        raise typer.Exit(2)
    expires = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
               if days else None)
    try:
        key, token = _key_store(file).add(role, owner, uscc, expires)
    except ConfigurationError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e
    console.print(f"key {key.id} ({key.role}, {key.owner}); its token, shown only now:")
    typer.echo(token)


@keys_app.command("list")
def keys_list(file: KeysFile = None) -> None:
    """Every key issued, with its state (never a token)."""
    now = datetime.datetime.now(datetime.UTC)
    table = Table(title="API keys")
    for column in ("id", "role", "owner", "uscc", "created", "expires", "state"):
        table.add_column(column)
    for key in _key_store(file).keys().values():
        table.add_row(key.id, key.role, key.owner, key.uscc or "", key.created,
                      key.expires or "", key.state(now))
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (keys list).")],
                file: KeysFile = None) -> None:
    """Revoke a key: the server refuses it from its next request on."""
    try:
        key = _key_store(file).revoke(key_id)
    except ConfigurationError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e
    console.print(f"key {key.id} ({key.owner}) revoked at {key.revoked}")


@audit_app.command("verify")
def audit_verify(file: Annotated[Path | None, typer.Option(
        "--file", help="The audit log (default: from the settings).")] = None) -> None:
    """Check the hash chain of the audit log; name every edited, deleted or cut line (exit 1)."""
    from credgraph.api.audit import verify

    path = file or get_settings().audit_path
    problems = verify(path)
    for problem in problems:
        typer.echo(f"{path}: {problem}")
    if problems:
        raise typer.Exit(1)
    console.print(f"{path}: intact")


if __name__ == "__main__":
    app()
