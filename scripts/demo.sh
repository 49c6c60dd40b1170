#!/usr/bin/env bash
# Installs credgraph into .venv, generates a small registry (2,000 enterprises, seed 7) into
# .credgraph/demo/, loads it into the embedded store there and serves the explorer on
# http://127.0.0.1:8000/ (Ctrl-C stops). The next run reuses .credgraph/demo/; delete the
# folder to make it afresh. Options go to `credgraph demo`, e.g. --port 8080.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/venv.sh
exec .venv/bin/credgraph demo --folder .credgraph/demo "$@"
