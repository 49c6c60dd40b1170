"""What every API type module builds on: the Node interface and the field helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

from credgraph.api.types.enums import EntityKind

F = TypeVar("F", bound=Callable[..., Any])


def described(description: str) -> Callable[[F], F]:
    """`@strawberry.field(description=...)` with the resolver's type kept for mypy."""
    return cast(Callable[[F], F], strawberry.field(description=description))


@strawberry.interface(description="Any enterprise, person or other holder.")
class Node:
    id: strawberry.ID
    name: str
    kind: EntityKind
