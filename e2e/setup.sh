#!/usr/bin/env bash
# What the browser tests need on a fresh machine: Debian's Chromium, CJK fonts (so Chinese
# labels do not render as boxes) and playwright-core from the npm registry (npm ci).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Each test worker runs this once: one installs while the others wait, then find it done
# (two apt-get or npm ci at once fail on each other's locks).
if command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/credgraph-e2e-setup.lock"
  flock 9
fi

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if ! { command -v fc-list >/dev/null && fc-list | grep -qi "Noto Sans CJK"; }; then
  missing+=(fonts-noto-cjk)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "e2e/setup.sh: installing ${missing[*]}" >&2
  # Waits for another apt (a freshly booted machine's daily update) instead of failing.
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
