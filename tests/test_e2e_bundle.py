"""The committed web bundle (credgraph/api/static) is what web/ builds to.

`pip install` serves the committed bundle without npm, so a change to web/src
that was not rebuilt and committed would ship stale; this builds web/ afresh
(npm ci from the registry, then vite) into a temporary folder and compares.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
STATIC = ROOT / "credgraph" / "api" / "static"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.long
def test_committed_bundle_is_the_build_of_web_sources(tmp_path: Path) -> None:
    if not (WEB / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, timeout=900)
    out = tmp_path / "static"
    subprocess.run(["npx", "tsc", "--noEmit"], cwd=WEB, check=True, timeout=600)
    subprocess.run(["npx", "vite", "build", "--outDir", str(out), "--emptyOutDir"], cwd=WEB,
                   check=True, timeout=600, capture_output=True)
    built, committed = _files(out), _files(STATIC)
    assert sorted(built) == sorted(committed), "rebuild web/ (npm run build) and commit the bundle"
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"rebuild web/ (npm run build) and commit the bundle: {stale}"
