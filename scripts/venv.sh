# Sourced by the scripts users run first: makes .venv and installs credgraph into it.
# Needs python3 >= 3.11; the Neo4j tests also need Java 17+ and Maven.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
