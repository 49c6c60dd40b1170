"""GraphQL documents parsed and validated once per query text, not once per request.

Clients send the same few query texts again and again (the explorer, scripts), and
parsing plus graphql-core's validation rules cost more than many answers. What depends
only on the text is done the first time a text is seen and kept in a bounded LRU cache
(`api_document_cache` texts, so that many different texts cannot grow memory): the
parse (with the token limit), the standard rules, the depth and alias limits. The query
cost depends on the variables (page sizes may come from them) and is worked out on every
request (credgraph.api.limits.cost_errors).

Strawberry's ParserCache and ValidationCache are not used: the validation cache is keyed
by the rule classes, and QueryDepthLimiter and MaxAliasesLimiter make new ones for each
extension instance (a fresh one per request), so it would never hit; it also keys on the
document, a frozen dataclass hashed node by node on every request, and hands every
request the same list of errors, which the error handling then annotates
(credgraph.api.errors). One entry per text here holds both the parse and the checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

from credgraph.api.limits import cost_errors
from credgraph.settings import Settings


@dataclass(frozen=True, slots=True)
class Checked:
    """A parsed document and what the text-only rules found wrong with it."""

    document: DocumentNode
    errors: tuple[GraphQLError, ...]


def _copy(error: GraphQLError) -> GraphQLError:
    """A fresh error per response: the error handling of a request annotates its errors."""
    return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                        error.original_error, dict(error.extensions or {}))


class DocumentCache:
    """The cache of one schema's checked documents, shared by every request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.max_tokens = settings.api_max_tokens
        self.rules = (
            *specified_rules,
            *QueryDepthLimiter(max_depth=settings.api_max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.api_max_aliases).validation_rules,
        )
        self.checked: Callable[[GraphQLSchema, str], Checked] = lru_cache(
            maxsize=settings.api_document_cache)(self._check)

    def _check(self, schema: GraphQLSchema, query: str) -> Checked:
        """Parse and validate; a text that does not parse raises (and is not cached)."""
        document = parse(query, max_tokens=self.max_tokens)
        return Checked(document, tuple(validate_document(schema, document, self.rules)))


class CheckedDocuments(SchemaExtension):
    """Takes each request's document and text-only errors from the cache, adds its cost."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self.found: Checked | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.cache.max_tokens
        if context.query is not None:
            try:
                self.found = self.cache.checked(context.schema._schema, context.query)
            except GraphQLError:
                # Left to Strawberry's own parse, which reports the error where it belongs.
                self.found = None
            else:
                context.graphql_document = self.found.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, schema = context.graphql_document, context.schema._schema
        if document is not None:
            if self.found is not None and self.found.document is document:
                errors = [_copy(e) for e in self.found.errors]
            else:
                errors = validate_document(schema, document, self.cache.rules)
            settings = self.cache.settings
            errors += cost_errors(schema, document, context.variables, settings.api_max_cost,
                                  settings.api_list_estimate)
            context.pre_execution_errors = errors
        yield
