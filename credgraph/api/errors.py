"""How failures reach a GraphQL client: a message and an `extensions.code`, never a 500.

Resolvers and the query layer raise `BadInputError` / `NotFoundError` (credgraph.exc)
or call the helpers here; `ErrorCodes` then gives every error of a response its
code, including the ones graphql-core raises itself while coercing arguments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    Node,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from credgraph.exc import (
    BadInputError,
    DeadlineExceededError,
    ForbiddenError,
    NotFoundError,
    StoreError,
)

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
FORBIDDEN = "FORBIDDEN"
DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INTERNAL = "INTERNAL_SERVER_ERROR"

CLIENT_ERRORS = frozenset({BAD_USER_INPUT, NOT_FOUND, VALIDATION_FAILED, FORBIDDEN,
                           DEADLINE_EXCEEDED, QUERY_TOO_COSTLY})
"""Codes of errors that are no server fault (the client's request, or its deadline):
answered, not logged with a traceback."""


def raise_bad_input(message: str) -> NoReturn:
    """An argument is out of range or malformed."""
    raise BadInputError(message)


def raise_not_found(message: str) -> NoReturn:
    """The id asked for is not in the graph."""
    raise NotFoundError(message)


def bad_input_error(message: str) -> GraphQLError:
    """A ready-coded error for code that must hand graphql-core a GraphQLError (scalars)."""
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, its original errors and its Python causes, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        original = current.original_error if isinstance(current, GraphQLError) else None
        current = original or current.__cause__


def error_code(error: GraphQLError) -> str:
    """The code a client sees, from the first cause that says what went wrong."""
    for cause in _causes(error):
        if isinstance(cause, BadInputError):
            return BAD_USER_INPUT
        if isinstance(cause, NotFoundError):
            return NOT_FOUND
        if isinstance(cause, ForbiddenError):
            return FORBIDDEN
        if isinstance(cause, DeadlineExceededError):
            return DEADLINE_EXCEEDED
        if isinstance(cause, StoreError):
            return SERVICE_UNAVAILABLE
        if isinstance(cause, GraphQLError) and cause is not error:
            code = cause.extensions.get("code") if cause.extensions else None
            if isinstance(code, str):
                return code
    if error.path is None:
        # Raised before execution. graphql-core blames a literal argument value or a
        # variable definition when the value given is wrong: the client's input.
        blamed = error.nodes[0] if error.nodes else None
        if isinstance(blamed, VariableDefinitionNode) or (
            isinstance(blamed, ValueNode) and not isinstance(blamed, VariableNode)
        ):
            return BAD_USER_INPUT
        return VALIDATION_FAILED
    return INTERNAL


def with_code(error: GraphQLError) -> GraphQLError:
    """Set `extensions.code` unless the error already carries one."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": error_code(error)}
    return error


class _FieldPath(Visitor):
    """Finds the response path (aliases or names) of the field a node sits in."""

    def __init__(self, target: Node) -> None:
        super().__init__()
        self.target = target
        self.path: list[str | int] | None = None

    def enter(self, node: Node, _key: object, _parent: object, _path: object,
              ancestors: list[Node]) -> object:
        if node is self.target:
            fields = [a for a in ancestors if isinstance(a, FieldNode)]
            self.path = [(f.alias or f.name).value for f in fields]
            return Visitor.BREAK
        return None


def field_path(document: DocumentNode | None, node: Node) -> list[str | int] | None:
    """The path of the field whose argument `node` is, so a client can tell which one."""
    if document is None:
        return None
    finder = _FieldPath(node)
    visit(document, finder)
    return finder.path or None


def _place(error: GraphQLError, document: DocumentNode | None) -> GraphQLError:
    """Give an argument error found before execution the path of its field."""
    with_code(error)
    if error.path is None and error.nodes and isinstance(error.nodes[0], ValueNode):
        error.path = field_path(document, error.nodes[0])
    return error


class ErrorCodes(SchemaExtension):
    """Gives every error of a result its `extensions.code` (and an argument error found
    before execution its field's path), whatever raised it."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if context.result is not None and context.result.errors:
            context.result.errors = [_place(e, document) for e in context.result.errors]
        for error in context.pre_execution_errors or ():
            _place(error, document)
