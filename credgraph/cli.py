"""The `credgraph` command: generate, load, serve, demo, screen."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from credgraph.exc import CredgraphError, DatasetError
from credgraph.generate.bounds import MIN_ENTERPRISES
from credgraph.graph import open_store
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import LoadReport, load_dataset
from credgraph.queries.restrictions.rules import Lang
from credgraph.settings import StoreKind, get_settings

if TYPE_CHECKING:
    from credgraph.graph.memory import MemoryStore

app = typer.Typer(
    help="credgraph: enterprise relationship explorer for the credit publicity system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


def _summary(report: LoadReport) -> Table:
    table = Table(title=f"Load {report.batch_id} ({report.seconds:.1f} s)")
    for column in ("section", "file", "rows", "loaded", "rejected", "warnings", "rows/s"):
        table.add_column(column, justify="left" if column in ("section", "file") else "right")
    for s in report.sections:
        table.add_row(s.section, s.file, f"{s.rows:,}", f"{s.loaded:,}", f"{s.rejected:,}",
                      f"{s.warnings:,}", f"{s.rows_per_second:,.0f}")
    return table


def _load(store: GraphStore, dataset: Path, rejects: Path, batch_size: int) -> LoadReport:
    try:
        report = load_dataset(dataset, store, rejects_path=rejects, batch_size=batch_size,
                              progress=console.is_terminal)
    except DatasetError as e:
        typer.echo(f"credgraph: cannot load {dataset}: {e}", err=True)
        raise typer.Exit(2) from e
    console.print(_summary(report))
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
    dataset: Annotated[Path, typer.Argument(
        help="A dataset folder in the layout of docs/data-format.md.")],
    rejects: Annotated[Path, typer.Option(help="Where refused rows are reported.")] = Path(
        "rejects.csv"
    ),
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per write batch (default from settings).")
    ] = None,
) -> None:
    """Load a dataset folder into the configured store (exit 2 if a file is unreadable), then
    check the watchlists for what the load changed around watched entities."""
    with _open() as store:
        _load(store, dataset, rejects, batch_size or get_settings().batch_size)
        _check_watchlists(store)


def _check_watchlists(store: GraphStore) -> None:
    """Alerts for what changed around watched entities (only where watchlists are kept)."""
    settings = get_settings()
    if not settings.user_data_path.is_file():
        return
    from credgraph.queries.analyses import analyses_for
    from credgraph.watch.service import watch_for

    watch = watch_for(analyses_for(store), settings)
    try:
        report = watch.check()
    finally:
        watch.data.close()
    if not report.skipped:
        console.print(f"watchlists: {report.checked:,} watched subject(s) checked, "
                      f"{len(report.alerts):,} new alert(s)")


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset into.")],
    enterprises: Annotated[int, typer.Option(min=MIN_ENTERPRISES)] = 10_000,
    seed: Annotated[int, typer.Option()] = 1,
) -> None:
    """Write a synthetic registry dataset (docs/data-format.md layout, deterministic per seed)."""
    from credgraph.generate import generate as run_generate

    counts = run_generate(out, enterprises=enterprises, seed=seed, progress=console.is_terminal)
    table = Table(title=f"Generated into {out}")
    table.add_column("section")
    table.add_column("rows", justify="right")
    for section, rows in counts.items():
        table.add_row(section, f"{rows:,}")
    console.print(table)


def _serve(store: GraphStore, host: str, port: int) -> None:
    import uvicorn

    from credgraph.api.app import create_app

    console.print(f"credgraph: serving http://{host}:{port}/ (GraphiQL at /graphql)")
    uvicorn.run(create_app(store, get_settings()), host=host, port=port, log_level="info")


@app.command()
def serve(
    dataset: Annotated[
        Path | None, typer.Option(help="Load this dataset folder before serving.")
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the GraphQL API and the web explorer over the configured store."""
    with _open() as store:
        if dataset is not None:
            _load(store, dataset, Path(tempfile.gettempdir()) / "credgraph-rejects.csv",
                  get_settings().batch_size)
        _serve(store, host, port)


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
) -> None:
    """Generate a small registry, load it into an embedded store and serve it."""
    folder = folder or get_settings().data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    store = _demo_data(folder, enterprises)
    _serve(store, host, port)
    console.print(f"credgraph demo: stopped; the demo registry stays in {folder} for next time")


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
    from credgraph.loaders.normalize import parse_date
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import today
    from credgraph.screen import Decision, require_loaded, screen_file

    try:
        day = parse_date(as_of) if as_of else today()
    except ValueError as e:
        typer.echo(f"credgraph: --as-of {as_of}: {e}", err=True)
        raise typer.Exit(2) from e
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
    from credgraph.loaders.normalize import parse_date
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import Moment
    from credgraph.risk_export import export_ranking
    from credgraph.screen import require_loaded

    levels = load_vocabulary().risk_levels
    if level is not None and level not in levels:
        typer.echo(f"credgraph: --level {level}: one of {', '.join(levels)}", err=True)
        raise typer.Exit(2)
    try:
        at = Moment.on(parse_date(as_of) if as_of else None)
    except ValueError as e:
        typer.echo(f"credgraph: --as-of {as_of}: {e}", err=True)
        raise typer.Exit(2) from e
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


if __name__ == "__main__":
    app()
