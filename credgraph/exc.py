"""credgraph's exception tree: callers catch the branch they can act on."""

from __future__ import annotations


class CredgraphError(Exception):
    """Base of every error credgraph raises on purpose."""


class ConfigurationError(CredgraphError):
    """The settings do not describe a usable store or server."""


class StoreError(CredgraphError):
    """The graph store refused or failed an operation."""


class EmptyStoreError(StoreError):
    """The store holds no enterprise and no person: nothing was loaded into it yet."""


class DatasetError(CredgraphError):
    """A dataset file cannot be read at all: nothing of the dataset is written."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class QueryError(CredgraphError):
    """A query could not be answered as asked."""


class BadInputError(QueryError):
    """An argument is out of range or malformed (GraphQL code BAD_USER_INPUT)."""


class NotFoundError(QueryError):
    """The id asked for is not in the graph (GraphQL code NOT_FOUND)."""


class DeadlineExceededError(QueryError):
    """The request ran past its wall-clock deadline, or its client went away: its work stopped
    (GraphQL code DEADLINE_EXCEEDED)."""


class ForbiddenError(QueryError):
    """The caller's role may not ask this (GraphQL code FORBIDDEN)."""


class AuthenticationError(CredgraphError):
    """A bearer token was given but does not prove who the caller is (HTTP 401)."""
