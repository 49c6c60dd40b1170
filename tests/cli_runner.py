"""The credgraph command run in-process, each call with its own environment: the settings are
read afresh (get_settings caches them for the process)."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credgraph.cli import app
from credgraph.settings import get_settings


def memory_env(folder: Path) -> dict[str, str]:
    """An embedded store of its own in `folder`."""
    return {"CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(folder)}


def invoke(args: list[str], env: dict[str, str]) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()
