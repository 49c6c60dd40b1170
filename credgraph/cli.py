"""The `credgraph` command: generate, load, export, serve, demo, screen."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from credgraph.exc import CredgraphError, DatasetError
from credgraph.graph import GraphStore, open_store
from credgraph.loaders.load import LoadReport, load_rows
from credgraph.loaders.rows import Rows, folder_rows
from credgraph.settings import get_settings

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


def _rows(dataset: Path) -> Rows:
    """A dataset folder, or a BODS or FollowTheMoney file (credgraph.interop)."""
    if dataset.is_file():
        from credgraph.interop.formats import import_rows

        return import_rows(dataset)
    return folder_rows(dataset)


def _load(store: GraphStore, dataset: Path, rejects: Path, batch_size: int) -> LoadReport:
    try:
        report = load_rows(_rows(dataset), store, rejects_path=rejects, batch_size=batch_size,
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


def _open() -> GraphStore:
    try:
        return open_store(get_settings())
    except CredgraphError as e:
        typer.echo(f"credgraph: {e}", err=True)
        raise typer.Exit(2) from e


@app.command()
def load(
    dataset: Annotated[Path, typer.Argument(
        help="A dataset folder in the layout of docs/data-format.md, or a BODS 0.4 "
             "(JSON or JSON lines) or FollowTheMoney (JSON lines) file.")],
    rejects: Annotated[Path, typer.Option(help="Where refused rows are reported.")] = Path(
        "rejects.csv"
    ),
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per write batch (default from settings).")
    ] = None,
) -> None:
    """Load a dataset folder or a BODS / FtM file into the configured store (exit 2 if a
    file is unreadable)."""
    with _open() as store:
        _load(store, dataset, rejects, batch_size or get_settings().batch_size)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="The file to write (BODS as JSON lines when it "
                                              "ends in .jsonl).")],
    format: Annotated[str, typer.Option(
        "--format", help="bods (BODS 0.4), ftm (FollowTheMoney JSON lines), graphml or gexf.")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day the graph is exported as it stood (default: today).")] = None,
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
    from credgraph.loaders.normalize import parse_date
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import Moment

    if format not in FORMATS:
        typer.echo(f"credgraph: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    try:
        day = parse_date(as_of) if as_of else None
    except ValueError as e:
        typer.echo(f"credgraph: --as-of {as_of}: {e}", err=True)
        raise typer.Exit(2) from e
    scope = Scope(Moment.on(day), root=root, hops=hops,
                  relations=tuple(relation) if relation else None, max_nodes=max_nodes,
                  hub_degree=hub_degree, history=history)
    with _open() as store:
        try:
            written = export_to(format, analyses_for(store), scope, out, threshold=threshold)
        except (BadInputError, NotFoundError) as e:
            typer.echo(f"credgraph: cannot export: {e}", err=True)
            raise typer.Exit(2) from e
    console.print(f"{format} export as of {scope.at.day} written to {out} ({written:,} bytes)")


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset into.")],
    enterprises: Annotated[int, typer.Option(min=1)] = 10_000,
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


@app.command()
def demo(
    enterprises: Annotated[int, typer.Option(min=100)] = 2_000,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Generate a small dataset, load it into an embedded store and serve it."""
    from credgraph.generate import generate as run_generate
    from credgraph.graph.memory import MemoryStore

    folder = Path(tempfile.mkdtemp(prefix="credgraph-demo-"))
    run_generate(folder / "dataset", enterprises=enterprises, seed=7, progress=False)
    store = MemoryStore(folder / "graph.credgraph")
    _load(store, folder / "dataset", folder / "rejects.csv", get_settings().batch_size)
    _serve(store, host, port)


@app.command()
def screen(
    file: Annotated[Path, typer.Argument(
        help="Proposed appointments: person_id, uscc, role, date (人员编号, 企业统一社会信用代码, "
             "职务, 任职日期) in .csv or .xlsx.")],
    out: Annotated[Path, typer.Option(help="The decision file to write (.csv or .xlsx).")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day rows without a date are checked on (default: today).")] = None,
) -> None:
    """Screen proposed appointments against the appointment restrictions (exit 2 if unreadable)."""
    from credgraph.exc import BadInputError
    from credgraph.loaders.normalize import parse_date
    from credgraph.queries.analyses import analyses_for
    from credgraph.queries.time import today
    from credgraph.screen import Decision, screen_file

    try:
        day = parse_date(as_of) if as_of else today()
    except ValueError as e:
        typer.echo(f"credgraph: --as-of {as_of}: {e}", err=True)
        raise typer.Exit(2) from e
    with _open() as store:
        try:
            report = screen_file(file, analyses_for(store), as_of=day, out=out,
                                 progress=console.is_terminal)
        except (DatasetError, BadInputError) as e:
            typer.echo(f"credgraph: cannot screen {file}: {e}", err=True)
            raise typer.Exit(2) from e
    table = Table(title=f"Screened {report.rows:,} row(s) ({report.seconds:.1f} s)")
    table.add_column("decision")
    table.add_column("rows", justify="right")
    for decision in Decision:
        table.add_row(decision.value, f"{report.counts[decision]:,}")
    console.print(table)
    console.print(f"decisions written to {out}")


if __name__ == "__main__":
    app()
