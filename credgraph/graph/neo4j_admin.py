"""The Neo4j server's own tools, for what Bolt cannot do: stop and start the server, and
neo4j-admin's offline bulk import (`database import full`).

Both are command lines the user configures (CREDGRAPH_NEO4J_SERVER, CREDGRAPH_NEO4J_ADMIN;
for the server scripts/neo4j.sh runs: `scripts/neo4j.sh` and `scripts/neo4j.sh admin`), so
credgraph never guesses where a server lives or how it is supervised.
"""

from __future__ import annotations

import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from credgraph.exc import ConfigurationError, StoreError
from credgraph.settings import Settings

ARRAY_DELIMITER = "\x1f"
"""Between the items of a list value in import files: a control character no text holds."""

OUTPUT_LINES = 30
"""Lines of a failed command's output quoted in the error."""


@dataclass(frozen=True)
class ImportGroup:
    """One input of an import: files of one header, and the labels (nodes) or type
    (relationships) they all have; empty when the files give them in a column."""

    name: str
    files: tuple[Path, ...]

    def argument(self) -> str:
        files = ",".join(str(f) for f in self.files)
        return f"{self.name}={files}" if self.name else files


@dataclass
class ImportPlan:
    """What `neo4j-admin database import full` reads: node and relationship inputs."""

    folder: Path
    nodes: list[ImportGroup] = field(default_factory=list)
    relationships: list[ImportGroup] = field(default_factory=list)
    multiline: list[Path] = field(default_factory=list)
    """Files with a value that spans lines (parsed more slowly, so named one by one)."""


@dataclass(frozen=True)
class ServerTools:
    """Stops and starts one Neo4j server and runs its neo4j-admin."""

    admin: tuple[str, ...]
    server: tuple[str, ...]
    database: str = "neo4j"
    import_memory: str = "2g"

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerTools:
        missing = [name for name, value in (("CREDGRAPH_NEO4J_ADMIN", settings.neo4j_admin),
                                            ("CREDGRAPH_NEO4J_SERVER", settings.neo4j_server))
                   if not value]
        if missing:
            raise ConfigurationError(
                f"a bulk load needs {' and '.join(missing)}: the server's neo4j-admin, and a "
                "command that stops and starts the server (for scripts/neo4j.sh: "
                "CREDGRAPH_NEO4J_ADMIN='scripts/neo4j.sh admin' "
                "CREDGRAPH_NEO4J_SERVER=scripts/neo4j.sh; see README, Loading your own data)")
        return cls(tuple(shlex.split(settings.neo4j_admin or "")),
                   tuple(shlex.split(settings.neo4j_server or "")),
                   settings.neo4j_database, settings.neo4j_import_memory)

    def stop(self) -> None:
        self._run([*self.server, "stop"], "stopping Neo4j")

    def start(self) -> None:
        self._run([*self.server, "start"], "starting Neo4j")

    def import_command(self, plan: ImportPlan) -> list[str]:
        """The neo4j-admin command line that imports the plan into an empty database."""
        delimiter = f"U+{ord(ARRAY_DELIMITER):04X}"
        command = [*self.admin, "database", "import", "full", self.database,
                   "--overwrite-destination=true",
                   "--bad-tolerance=0", "--strict=true", f"--array-delimiter={delimiter}",
                   f"--max-off-heap-memory={self.import_memory}",
                   f"--report-file={plan.folder / 'import.report'}"]
        command += [f"--nodes={group.argument()}" for group in plan.nodes]
        command += [f"--relationships={group.argument()}" for group in plan.relationships]
        if plan.multiline:
            command += ["--multiline-fields-format=v2",
                        f"--multiline-fields={','.join(str(p) for p in plan.multiline)}"]
        return command

    def import_full(self, plan: ImportPlan) -> float:
        """Import the plan (the server stopped); returns the seconds it took."""
        started = time.perf_counter()
        self._run(self.import_command(plan), "neo4j-admin database import",
                  plan.folder / "import.log")
        return time.perf_counter() - started

    def _run(self, command: list[str], what: str, log: Path | None = None) -> None:
        """Run a command; its output goes to `log` when given. Raises StoreError quoting the
        end of the output when it fails."""
        try:
            if log is None:
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                output = done.stdout + done.stderr
            else:
                with log.open("w", encoding="utf-8") as out:
                    done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                                          text=True, check=False)
                output = log.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise StoreError(f"{what}: cannot run {shlex.join(command[:2])}: {e}") from e
        if done.returncode:
            lines = output.strip().splitlines()
            # neo4j-admin names the bad input early and lists its inputs after: keep both.
            errors = [line for line in lines[:-OUTPUT_LINES]
                      if "error" in line.lower() or "exception" in line.lower()]
            tail = "\n".join([*errors[:OUTPUT_LINES], *lines[-OUTPUT_LINES:]])
            raise StoreError(f"{what} failed (exit {done.returncode}):\n{tail}")
