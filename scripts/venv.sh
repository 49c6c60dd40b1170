# Sourced by the scripts users run first: makes .venv and installs credgraph into it.
# Needs python3 >= 3.11; the Neo4j tests also need Java 17+ and Maven.
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
  echo "credgraph needs Python 3.11 or newer as python3 (found: $(python3 --version 2>&1))" >&2
  return 1
}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment .venv ..." >&2
  python3 -m venv .venv
  echo "Installing credgraph and its dependencies into .venv with pip (a minute or two) ..." >&2
else
  echo "Checking that credgraph in .venv is up to date (pip) ..." >&2
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
