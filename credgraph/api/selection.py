"""What a resolver's GraphQL selection reads, so that the query layer can leave the rest
unfetched (an ownership chain through a densely cross-held group is a thousand nodes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from strawberry.types.nodes import SelectedField, Selection

from credgraph.api.context import Info

FieldPath = tuple[str, ...]
"""Field names from below the resolver's own field down to a selected field."""

BRIEF_NODE_FIELDS = frozenset({"id", "name", "kind", "__typename"})
"""The fields of a Node that its label, id and name answer (`Backend.brief_entities`)."""


def selected_paths(info: Info) -> frozenset[FieldPath]:
    """Every field selected below the resolver's field, by schema name (aliases and
    fragments resolved). A field under @skip or @include counts as selected: reading more
    than is shown is safe, less is not."""
    found: set[FieldPath] = set()

    def walk(selections: Iterable[Selection], above: FieldPath) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                path = (*above, selection.name)
                found.add(path)
                walk(selection.selections, path)
            else:
                walk(selection.selections, above)

    for field in info.selected_fields:
        walk(field.selections, ())
    return frozenset(found)


def _fields_at(paths: frozenset[FieldPath], under: FieldPath) -> Iterator[str]:
    """The names of the fields selected on the object at `under`."""
    depth = len(under)
    return (path[depth] for path in paths if len(path) == depth + 1 and path[:depth] == under)


def reads_beyond(paths: frozenset[FieldPath], under: FieldPath, fields: frozenset[str]) -> bool:
    """Whether the selection reads a field of the object at `under` other than `fields`."""
    return any(name not in fields for name in _fields_at(paths, under))


def sections_read(paths: frozenset[FieldPath], under: FieldPath,
                  fields: Mapping[str, str]) -> frozenset[str]:
    """The neighbourhood sections (`Neighbourhood.sections`) that the fields selected on the
    object at `under` read, of `fields` (a field name to its section)."""
    return frozenset(fields[name] for name in _fields_at(paths, under) if name in fields)
