"""Print the GraphQL schema (SDL): `python -m credgraph.api.sdl > credgraph/api/schema.graphql`.

The committed schema.graphql is checked against this output by the tests, so an
unintended change of the public contract fails them; regenerate it on purpose.
"""

from __future__ import annotations

from credgraph.api.schema import build_schema
from credgraph.settings import Settings


def sdl() -> str:
    """The SDL; request limits do not appear in it, so default settings serve."""
    return build_schema(Settings()).as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
