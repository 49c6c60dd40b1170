"""The `credgraph` command: generate, load, serve, demo, screen, keys, audit."""

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
from credgraph.loaders.load import LoadReport, load_dataset
from credgraph.loaders.plan import Outcome
from credgraph.queries.restrictions.rules import Lang
from credgraph.settings import StoreKind, get_settings

if TYPE_CHECKING:
    from credgraph.api.auth import Authenticator, KeyStore
    from credgraph.graph.memory import MemoryStore

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
    try:
        report = load_dataset(dataset, store, rejects_path=rejects, batch_size=batch_size,
                              progress=console.is_terminal)
    except DatasetError as e:
        typer.echo(f"credgraph: cannot load {dataset}: {e}", err=True)
        raise typer.Exit(2) from e
    console.print(_summary(report))
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
    dataset: Annotated[Path, typer.Argument(
        help="A dataset folder in the layout of docs/data-format.md.")],
    rejects: Annotated[Path, typer.Option(help="Where refused rows are reported.")] = Path(
        "rejects.csv"
    ),
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per write batch (default from settings).")
    ] = None,
) -> None:
    """Load a dataset folder into the configured store (exit 2 if a file is unreadable)."""
    with _open() as store:
        _load(store, dataset, rejects, batch_size or get_settings().batch_size)


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


def _serve(store: GraphStore, host: str, port: int, authenticator: Authenticator) -> None:
    import uvicorn

    from credgraph.api.app import create_app
    from credgraph.api.auth import is_loopback
    from credgraph.api.logs import configure_logging

    settings = get_settings()
    allowed_hosts = None
    if authenticator.local_admin:
        console.print("credgraph: local single-user mode: no keys file and no OIDC issuer "
                      "are configured, so whoever reaches this server is admin")
        if is_loopback(host):
            allowed_hosts = [host, "localhost", "127.0.0.1", "::1"]
    app_ = create_app(store, settings, authenticator, allowed_hosts)
    console.print(f"credgraph: serving http://{host}:{port}/ (GraphiQL at /graphql)")
    listener = configure_logging(settings.log_queue_size)
    try:
        uvicorn.run(app_, host=host, port=port, log_config=None, access_log=False)
    finally:
        listener.stop()


@app.command()
def serve(
    dataset: Annotated[
        Path | None, typer.Option(help="Load this dataset folder before serving.")
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    insecure: Annotated[bool, typer.Option(help=INSECURE_HELP)] = False,
) -> None:
    """Serve the GraphQL API and the web explorer over the configured store."""
    authenticator = _access(host, insecure)
    with _open() as store:
        if dataset is not None:
            _load(store, dataset, Path(tempfile.gettempdir()) / "credgraph-rejects.csv",
                  get_settings().batch_size)
        _serve(store, host, port, authenticator)


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
