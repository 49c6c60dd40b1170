#!/usr/bin/env bash
# The one command that runs the whole test suite on a fresh machine
# (pytest itself starts Neo4j through scripts/neo4j.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/venv.sh

# Lint and strict typing are part of the test command: CI fails on them as on a test.
.venv/bin/ruff check .
.venv/bin/mypy credgraph

# Tests write to ignored paths only (artifacts/, .neo4j/, temporary folders): the tracked tree
# and the untracked-but-not-ignored files must be the same after the run as before it.
tree_state() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  git status --porcelain --untracked-files=all
  git diff HEAD --binary | sha1sum
}
before=$(tree_state)

# Two workers (pytest-xdist), each with a Neo4j server of its own; on a server given by
# CREDGRAPH_TEST_NEO4J_URI the tests stay together on one (tests/conftest.py). A later -n in
# "$@" overrides it.
rc=0
.venv/bin/python -m pytest -n 2 --dist loadgroup "$@" || rc=$?
# pytest's 5 means nothing was collected: a broken selection or layout, not a pass.
if [ "$rc" -eq 5 ]; then echo "test.sh: pytest collected no tests" >&2; fi

if [ "$(tree_state)" != "$before" ]; then
  echo "test.sh: the test run changed files outside the ignored paths:" >&2
  diff <(echo "$before") <(tree_state) >&2 || true
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
