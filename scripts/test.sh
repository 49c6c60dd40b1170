#!/usr/bin/env bash
# The one command that runs the whole test suite on a fresh machine
# (pytest itself starts Neo4j through scripts/neo4j.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/venv.sh

# Lint and strict typing are part of the test command: CI fails on them as on a test.
.venv/bin/ruff check .
.venv/bin/mypy credgraph

rc=0
.venv/bin/python -m pytest "$@" || rc=$?
# pytest's 5 means nothing was collected: a broken selection or layout, not a pass.
if [ "$rc" -eq 5 ]; then echo "test.sh: pytest collected no tests" >&2; fi
exit "$rc"
