"""The one place roles, masking, audit and the query budget are enforced, for every field of
every request: a Strawberry schema extension whose `resolve` wraps each resolver,
root operations, nested fields and the explorer's alike.

* Operations: a root field the caller's role does not grant is refused (FORBIDDEN), and
  so is an `own` grant whose argument is not the caller's own enterprise.
* Fields: `hide` answers null (or []) without running the resolver; `own` does so
  outside the caller's own enterprise record; `reveal` runs the resolver and audits it
  when asked with `reveal: true`.
* Audit: for an audited role, or any reveal, the request's operations, subject ids, row
  count and outcome are written to the audit log once it is answered.
* Budget: the request's deadline is checked before each field (the query cost is
  checked with the document, credgraph.api.documents).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLOutputType, GraphQLResolveInfo
from graphql.pyutils import Path as ResponsePath
from strawberry.extensions import SchemaExtension

from credgraph import deadline
from credgraph.api.audit import AuditEvent, AuditLog
from credgraph.api.auth import Principal
from credgraph.api.errors import error_code
from credgraph.api.roles import Role, Rule
from credgraph.exc import ForbiddenError
from credgraph.graph.ids import identifier

if TYPE_CHECKING:
    from credgraph.api.context import Context

ENTERPRISE_TYPE = "Enterprise"
"""The GraphQL type whose objects are someone's own record."""

SUBJECT_ARGUMENTS = ("id", "uscc", "personId", "fromId", "toId", "text")
"""Root arguments that name what a request is about, as the audit log records them."""


@dataclass
class RequestAccess:
    """The caller of one request, their role, and what the audit log will say about it."""

    principal: Principal
    role: Role
    log: AuditLog
    event: AuditEvent
    own_paths: dict[tuple[str | int, ...], bool] = field(default_factory=dict)
    """Response paths of Enterprise objects seen, and whether each is the caller's own."""
    _seen: set[int] = field(default_factory=set)

    @property
    def audited(self) -> bool:
        return self.role.audited or bool(self.event.reveal)

    def is_own_enterprise(self, reference: object) -> bool:
        uscc = self.principal.uscc
        return uscc is not None and isinstance(reference, str) and identifier(reference) == uscc

    def note_enterprise(self, enterprise: Any, where: ResponsePath | None) -> None:
        """Remember where an Enterprise object sits, so fields below it know whose it is."""
        if where is None or id(enterprise) in self._seen:
            return
        self._seen.add(id(enterprise))
        self.own_paths[tuple(where.as_list())] = self.is_own_enterprise(enterprise.id)

    def in_own_record(self, where: ResponsePath | None) -> bool:
        """The nearest Enterprise at or above this response path is the caller's own."""
        while where is not None:
            found = self.own_paths.get(tuple(where.as_list()))
            if found is not None:
                return found
            where = where.prev
        return False


def masked(return_type: GraphQLOutputType) -> list[Any] | None:
    """What a hidden field answers: [] for a list, null otherwise."""
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    return [] if isinstance(inner, GraphQLList) else None


def _rows(value: Any) -> int:
    """How many rows a root answer carries: list items, connection edges, map nodes, or 1."""
    if value is None:
        return 0
    if isinstance(value, list):
        return len(value)
    for name in ("edges", "hits", "nodes", "entries"):
        items = getattr(value, name, None)
        if isinstance(items, list):
            return len(items)
    return 1


class AccessControl(SchemaExtension):
    """Roles, masking, audit and budget, for every resolver (module docstring)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        request: Context = context.context
        yield
        access = request.access
        if not access.audited:
            return
        result = context.result
        errors = list(context.pre_execution_errors or ()) + list(
            (result.errors if result is not None else None) or ())
        codes = sorted({error_code(e) for e in errors})
        outcome = "ok" if not codes else "error:" + ",".join(codes)
        access.log.append(access.event, outcome)

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any],
                *args: Any, **kwargs: Any) -> Any:
        access: RequestAccess = info.context.access
        deadline.check()
        if info.parent_type in (info.schema.query_type, info.schema.mutation_type):
            return self._operation(access, _next, root, info, *args, **kwargs)
        rule = access.role.rule(info.parent_type.name, info.field_name)
        if info.parent_type.name == ENTERPRISE_TYPE and access.role.has_own_rules:
            access.note_enterprise(root, info.path.prev)
        if rule is Rule.SHOW:
            return _next(root, info, *args, **kwargs)
        if rule is Rule.HIDE:
            return masked(info.return_type)
        if rule is Rule.OWN:
            own = (access.is_own_enterprise(root.id) if info.parent_type.name == ENTERPRISE_TYPE
                   else access.in_own_record(info.path.prev))
            return _next(root, info, *args, **kwargs) if own else masked(info.return_type)
        if kwargs.get("reveal"):
            subject = str(getattr(root, "id", ""))
            access.event.reveal.append(subject)
            access.event.add_subject(subject)
        return _next(root, info, *args, **kwargs)

    @staticmethod
    def _operation(access: RequestAccess, _next: Callable[..., Any], root: Any,
                   info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any) -> Any:
        name = info.field_name
        if name.startswith("__"):
            return _next(root, info, *args, **kwargs)
        grant = access.role.operations.get(name)
        if grant is None:
            raise ForbiddenError(f"the {access.role.name} role may not ask {name}")
        if grant.own is not None and not access.is_own_enterprise(kwargs.get(grant.own)):
            raise ForbiddenError(
                f"the {access.role.name} role may ask {name} only about its own enterprise")
        event = access.event
        event.operations.append(name)
        for argument in SUBJECT_ARGUMENTS:
            value = kwargs.get(argument)
            if isinstance(value, str):
                event.add_subject(value)
        result = _next(root, info, *args, **kwargs)
        if not isawaitable(result):
            event.rows += _rows(result)
            return result

        async def counted(pending: Awaitable[Any]) -> Any:
            value = await pending
            event.rows += _rows(value)
            return value

        return counted(result)
