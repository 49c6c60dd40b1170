"""Every command in the README's ```bash blocks, run as a new user runs them: from a fresh
clone of this repository (its last commit), in README order, with nothing installed in the
clone beforehand (the first command, scripts/demo.sh, makes .venv).

What cannot run here exactly as written, and what is done instead:

- `path/to/folder` (the reader's own data) becomes a small generated dataset;
- servers (`scripts/demo.sh`, `credgraph serve`) get `--port` with a free port instead of
  8000 (other programs on this machine may hold 8000); each is started, asked a real question
  over HTTP and stopped with SIGINT, as Ctrl-C does. The demo keeps running while the rest of
  the README is walked: `curl ... 127.0.0.1:8000` goes to it, as the README says;
- the test suite (`scripts/test.sh`, `pytest`) runs with `--collect-only` (PYTEST_ADDOPTS):
  this test is part of that suite, so running it whole would recurse; collecting proves the
  command, the install and the selection. The clone gets this tree's mypy cache, when there
  is one: the type check of test.sh has run on this code already (half a minute cold);
- `docker` needs a Docker engine, which this machine lacks: docker-compose.yml is checked
  instead (the mount that makes `/data/...` the clone's `data/...`, the password rule);
- the Neo4j section needs a server: test_readme_neo4j_commands (marked neo4j) starts one with
  the README's own `scripts/neo4j.sh start` on a free port (CREDGRAPH_NEO4J_PORT) and points
  the README's `bolt://db.example.internal:7687` at it;
- `proposals.xlsx` for `credgraph screen` is written from the generated registry's officers.

The embedded store lives in a temporary CREDGRAPH_DATA_DIR, never in the user's home.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
import yaml

from credgraph.generate import generate
from tests.test_e2e import _free_port, effective, owners_up, read_registry

ROOT = Path(__file__).resolve().parent.parent
NEO4J_SECTION = "Running against your own Neo4j"
OWN_DATA = "path/to/folder"
README_PORT = "127.0.0.1:8000"
README_NEO4J = "bolt://db.example.internal:7687"
FENCE = re.compile(r"^```(\w*)\s*$")
SEARCH = '{ search(text: "有限", first: 3) { node { id name } } }'


# --- the README's commands --------------------------------------------------------------

def strip_comment(text: str) -> str:
    """The command without its shell comments (a # that starts a word, outside quotes)."""
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        c = text[i]
        if quote is None and c == "#" and (not out or out[-1].isspace()):
            end = text.find("\n", i)
            if end < 0:
                break
            i = end
            continue
        if quote is None and c in "'\"":
            quote = c
        elif c == quote:
            quote = None
        elif c == "\\" and quote != "'" and i + 1 < len(text):
            out.append(c)
            i += 1
            c = text[i]
        out.append(c)
        i += 1
    return "\n".join(line.rstrip() for line in "".join(out).splitlines()).strip()


@dataclass(frozen=True)
class Command:
    section: str
    """The `## ` heading the block is under."""
    text: str
    """As written, comments removed; a command may span lines (a quoted JSON body)."""

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text)

    @property
    def program(self) -> str:
        """The first word that is not a NAME=value assignment."""
        return next(w for w in self.words if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w))

    @property
    def is_server(self) -> bool:
        return self.program.endswith("demo.sh") or (
            self.program.endswith("credgraph") and "serve" in self.words)

    @property
    def is_benchmark(self) -> bool:
        """A benchmark runs for minutes at sizes the suite does not load: the walk checks that
        it starts and takes the options written (`--help` after them)."""
        return any(re.match(r"^benchmarks/\w+\.py$", w) for w in self.words)

    @property
    def is_suite(self) -> bool:
        return self.program.endswith("test.sh") or "pytest" in self.words


def readme_commands(readme: Path) -> list[Command]:
    commands: list[Command] = []
    section, language, pending = "", None, ""
    for line in readme.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line)
        if language is None:
            if line.startswith("## "):
                section = line[3:].strip()
            if fence:
                language = fence.group(1)
            continue
        if fence:
            assert not pending, f"a README command does not end: {pending}"
            language = None
            continue
        if language != "bash":
            continue
        pending = f"{pending}\n{line}" if pending else line
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on on the next line
            continue
        if pending.rstrip().endswith("\\"):
            continue
        text, pending = strip_comment(pending), ""
        if text:
            commands.append(Command(section, text))
    return commands


def test_commands_are_read_as_a_shell_reads_them() -> None:
    assert strip_comment("scripts/demo.sh    # install, serve") == "scripts/demo.sh"
    assert strip_comment("curl -d '{\"a\": \"#1\"}' # x") == "curl -d '{\"a\": \"#1\"}'"
    assert strip_comment("echo a#b") == "echo a#b"
    commands = readme_commands(ROOT / "README.md")
    assert commands[0].text == "scripts/demo.sh" and commands[1].text == "scripts/test.sh"
    curl = next(c for c in commands if c.program == "curl")
    assert len(curl.text.splitlines()) == 3 and json.loads(curl.words[-1])["variables"]
    assert Command("", "NEO4J_PASSWORD=x docker compose up -d").program == "docker"


# --- the walk -----------------------------------------------------------------------------

def _user_env(data_dir: Path) -> dict[str, str]:
    """The environment of a new user's shell: none of this session's credgraph settings,
    virtual environment or pytest options."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CREDGRAPH_", "PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    env["CREDGRAPH_DATA_DIR"] = str(data_dir)
    return env


@dataclass
class Walk:
    """Runs README commands in the clone and keeps what a reader's terminal would show."""

    clone: Path
    env: dict[str, str]
    logs: Path
    timings: list[tuple[str, float]] = field(default_factory=list)

    def run(self, command: Command, text: str | None = None,
            extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(["bash", "-c", text or command.text], cwd=self.clone,
                                env={**self.env, **(extra or {})}, capture_output=True,
                                text=True, timeout=900, check=False)
        self.timings.append((command.text.splitlines()[0], time.monotonic() - started))
        assert result.returncode == 0, (
            f"README command failed (exit {result.returncode}): {command.text}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def start(self, command: Command, text: str, port: int) -> Server:
        log = self.logs / f"server-{port}.log"
        started = time.monotonic()
        proc = subprocess.Popen(["bash", "-c", f"{text} --port {port}"], cwd=self.clone,
                                env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        server = Server(proc, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 600
        while not server.healthy():
            if proc.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise AssertionError(f"`{command.text}` did not serve:\n{server.output()}")
            time.sleep(1)
        self.timings.append((f"{command.text} (until it answers)", time.monotonic() - started))
        return server


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ask(self, query: str) -> dict[str, Any]:
        body: dict[str, Any] = httpx.post(f"{self.base}/graphql", json={"query": query},
                                          timeout=60).json()
        assert not body.get("errors"), body
        return body

    def stop(self) -> int:
        """SIGINT to the whole process group, as Ctrl-C in a terminal."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


def _probe(server: Server) -> None:
    """A real answer: the search finds firms, the explorer and GraphiQL pages are served."""
    hits = server.ask(SEARCH)["data"]["search"]
    assert hits, f"no search hit from {server.base}"
    assert 'id="app"' in httpx.get(f"{server.base}/", timeout=10).text
    ide = httpx.get(f"{server.base}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert ide.status_code == 200 and "credgraph GraphiQL" in ide.text


def _write_proposals(registry: Path, out: Path) -> None:
    """A screening file of the registry's current officers, as a registry clerk sends it."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["person_id", "uscc", "role", "date"])
    with (registry / "officers.csv").open(encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()[1:21]
    for line in lines:
        enterprise, person, _name, role, start, _end = line.split(",")
        sheet.append([person, enterprise, role, start])
    book.save(out)


def _check_compose(command: Command, clone: Path) -> None:
    """What a `docker ...` README command relies on in docker-compose.yml (no engine here)."""
    compose = yaml.safe_load((clone / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"neo4j", "api"} <= set(services)
    for word in command.words:
        if word.startswith("NEO4J_PASSWORD="):
            assert len(word.split("=", 1)[1]) >= 8, "Neo4j refuses passwords under 8 characters"
    defaults = re.findall(r"\$\{NEO4J_PASSWORD:-([^}]*)\}", json.dumps(compose))
    assert defaults and all(len(d) >= 8 for d in defaults), defaults
    mounts = dict(v.split(":")[:2][::-1] for v in services["api"].get("volumes", []))
    for word in command.words:
        if word.startswith("/data/"):
            assert "/data" in mounts, "the api service mounts no folder at /data"
            host = (clone / mounts["/data"] / word.removeprefix("/data/")).resolve()
            assert (host / "enterprises.csv").is_file(), f"{word} is {host}: no dataset there"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone of this repository's last commit."""
    folder = tmp_path_factory.mktemp("readme") / "credgraph"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True, timeout=300)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    subprocess.run(["git", "checkout", "--quiet", head.strip()], cwd=folder, check=True)
    cache = ROOT / ".mypy_cache"
    if cache.is_dir():
        shutil.copytree(cache, folder / ".mypy_cache")
    return folder


@pytest.fixture(scope="module")
def own_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `path/to/folder` stands for: a small dataset in the documented layout."""
    folder = tmp_path_factory.mktemp("own") / "folder"
    generate(folder, enterprises=300, seed=3, progress=False)
    return folder


def _report(walk: Walk, capsys: pytest.CaptureFixture[str], title: str) -> None:
    with capsys.disabled():
        total = sum(s for _, s in walk.timings)
        print(f"\n[readme {title}] {len(walk.timings)} steps, {total:.0f} s")
        for text, seconds in walk.timings:
            print(f"  {seconds:6.1f} s  {text[:90]}")


@pytest.mark.long
def test_readme_commands_run_as_written(clone: Path, own_data: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    walk = Walk(clone, _user_env(tmp_path / "data"), tmp_path)
    commands = readme_commands(clone / "README.md")
    demo: Server | None = None
    done: dict[str, int] = {"run": 0, "served": 0, "suite": 0, "docker": 0, "neo4j": 0,
                            "benchmark": 0}
    answer = ""
    try:
        for command in commands:
            if command.program == "docker":
                _check_compose(command, clone)
                done["docker"] += 1
                continue
            if command.section == NEO4J_SECTION:
                done["neo4j"] += 1  # test_readme_neo4j_commands
                continue
            text = command.text.replace(OWN_DATA, str(own_data))
            if command.is_server:
                server = walk.start(command, text, _free_port())
                _probe(server)
                done["served"] += 1
                if command.program.endswith("demo.sh"):
                    demo = server
                else:
                    assert server.stop() == 0, server.output()
                continue
            if command.is_suite:
                walk.run(command, extra={"PYTEST_ADDOPTS": "--collect-only -q"})
                done["suite"] += 1
                continue
            if command.is_benchmark:
                walk.run(command, f"{text} --help")
                done["benchmark"] += 1
                continue
            if command.program.endswith("credgraph") and "screen" in command.words:
                _write_proposals(clone / "data" / "registry", clone / command.words[2])
            if command.program == "curl":
                assert demo is not None, "the README's curl example needs the demo running"
                text = text.replace(README_PORT, demo.base.removeprefix("http://"))
            result = walk.run(command, text)
            if command.program == "curl":
                answer = result.stdout
            done["run"] += 1
        assert demo is not None, "the README starts with scripts/demo.sh"
    finally:
        code = demo.stop() if demo is not None else None
        _report(walk, capsys, "embedded store")
    assert code == 0 and demo is not None
    said = demo.output()
    assert ".credgraph/demo" in said and "stays in" in said, said[-2000:]
    assert done["served"] >= 2 and done["suite"] >= 2 and done["docker"] >= 1, done
    assert done["benchmark"] >= 2, done
    assert done["neo4j"] >= 4, done
    _check_ultimate_owners(clone, answer)
    ignored = subprocess.run(["git", "check-ignore", ".credgraph/demo/graph.credgraph",
                              "data/registry/enterprises.csv"], cwd=clone, capture_output=True,
                             text=True, check=False)
    assert ignored.returncode == 0 and len(ignored.stdout.split()) == 2, ignored.stdout


def _check_ultimate_owners(clone: Path, answer: str) -> None:
    """The curl example's answer is the demo registry's owners, worked out from its CSV
    files, and they are the owners the README names."""
    body = json.loads(answer)
    assert not body.get("errors"), body
    curl = next(c for c in readme_commands(clone / "README.md") if c.program == "curl")
    uscc = json.loads(curl.words[-1])["variables"]["e"]
    reg = read_registry(clone / ".credgraph" / "demo" / "dataset")
    edges, cyclic = owners_up(reg, uscc, 10)
    assert not cyclic
    expected = {reg.names[k]: v for k, v in effective(edges, uscc).items()
                if v >= 25 - 1e-9 and not reg.holders.get(k)}
    got = {o["owner"]["name"]: o["effectivePercent"] for o in body["data"]["ultimateOwners"]}
    assert set(got) == set(expected) and expected, (got, expected)
    for name, percent in expected.items():
        assert abs(got[name] - percent) < 0.01, (name, got[name], percent)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    before = readme[:readme.index(curl.text.splitlines()[0])]
    prose = before[:before.rindex("```")].strip().rsplit("\n\n", 1)[-1]
    for name, percent in expected.items():
        assert name in prose and f"{round(percent, 2):g}%" in prose, (name, percent, prose)


@pytest.mark.neo4j
@pytest.mark.long
def test_readme_neo4j_commands(clone: Path, own_data: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    walk = Walk(clone, _user_env(tmp_path / "data"), tmp_path)
    section = [c for c in readme_commands(clone / "README.md")
               if c.section == NEO4J_SECTION and c.program != "docker"]
    local = [c for c in section if c.program.endswith("neo4j.sh")]
    start = next(c for c in local if "start" in c.words)
    stop = next(c for c in local if "stop" in c.words)
    if not (clone / ".venv" / "bin" / "credgraph").exists():
        walk.run(Command("", "source scripts/venv.sh"))
    port = _free_port()
    walk.env["CREDGRAPH_NEO4J_PORT"] = str(port)
    uri = f"bolt://127.0.0.1:{port}"
    try:
        assert walk.run(start).stdout.strip() == uri
        for command in section:
            if command in local:
                continue
            text = command.text.replace(README_NEO4J, uri).replace(OWN_DATA, str(own_data))
            if command.program == "export":
                for word in shlex.split(text)[1:]:
                    name, value = word.split("=", 1)
                    walk.env[name] = value
            elif command.is_server:
                server = walk.start(command, text, _free_port())
                _probe(server)
                assert server.stop() == 0, server.output()
            else:
                walk.run(command, text)
    finally:
        walk.run(stop)
        _report(walk, capsys, "Neo4j")
    assert subprocess.run([str(clone / "scripts" / "neo4j.sh"), "status"], cwd=clone,
                          env=walk.env, check=False).returncode != 0
