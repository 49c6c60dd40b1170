#!/usr/bin/env bash
# Rewrites the README's screenshots (docs/screenshots/map.png, ownership.png, suspected.png, quality.png) with the browser
# tests that take them. A normal test run writes screenshots to artifacts/e2e/ only; this is the
# deliberate step. Look at the images, then commit them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/venv.sh
CREDGRAPH_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest -q \
  "tests/test_e2e.py::test_browser[exposure]" "tests/test_e2e.py::test_browser[ownership]" \
  "tests/test_e2e.py::test_browser[suspected]" "tests/test_e2e.py::test_browser[quality]"
git status --short docs/screenshots
