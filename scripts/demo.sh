#!/usr/bin/env bash
# Installs credgraph into .venv, generates a small registry, loads it into the
# embedded store and serves the explorer on http://127.0.0.1:8000/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/venv.sh
exec .venv/bin/credgraph demo "$@"
