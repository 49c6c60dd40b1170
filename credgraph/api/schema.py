"""The root Query: the link questions (docs/api-contract.md), merged with the restriction
checks and the explorer's map.

Resolvers only convert: arguments to the query layer's terms, results to
GraphQL types. Argument checks and algorithms live in credgraph.queries.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from credgraph.api.access import AccessControl
from credgraph.api.audit_query import AuditQuery
from credgraph.api.context import Info, in_thread
from credgraph.api.documents import CheckedDocuments, DocumentCache
from credgraph.api.errors import CLIENT_ERRORS, ErrorCodes, error_code
from credgraph.api.explore import ExploreQuery
from credgraph.api.restrictions import RestrictionQuery
from credgraph.api.risk import RiskQuery
from credgraph.api.selection import sections_read, selected_paths
from credgraph.api.supervision import SupervisionQuery
from credgraph.api.types.base import described
from credgraph.api.types.entities import (
    ENTERPRISE_DETAILS,
    ENTITY_TYPES,
    HOLDER_DETAILS,
    PERSON_DETAILS,
    Enterprise,
    Person,
)
from credgraph.api.types.enums import ListType
from credgraph.api.types.links import SUSPECTED_ARG, Exposure, Path, PersonFirm, SearchHit
from credgraph.api.types.ownership import (
    OwnershipChain,
    OwnershipDirection,
    UltimateOwner,
    chain_detail,
    owners_detail,
)
from credgraph.api.types.scalars import DATE_SCALAR, Date, DateTime, moment
from credgraph.api.watch import WatchMutation, WatchQuery
from credgraph.queries.links.results import Direction, Neighbourhood
from credgraph.settings import Settings

DEFAULT_LISTS = (ListType("serious_illegal"),)

HOLDER = ("shareholders", "holder")
"""Where an enterprise lookup's selection reads its holders (`HOLDER_DETAILS`)."""


@strawberry.type
class LinkQuery:
    @described("Enterprises, persons and other holders by name fragment, USCC or person id: "
               "identifiers first, then names equal to the text, starting with it, "
               "containing it; shorter names first, names of one length in a fixed order "
               "that favours no region (docs/api-contract.md).")
    async def search(self, info: Info, text: str, first: int = 20,
                     known_at: DateTime | None = None) -> list[SearchHit]:
        links, at = info.context.analyses.links, moment(None, known_at)
        hits = await in_thread(lambda: links.search(text, at, first))
        return [SearchHit.from_record(h, at) for h in hits]

    @described("An enterprise by USCC (or legacy registration number) as it stood on asOf.")
    async def enterprise(self, info: Info, uscc: strawberry.ID,
                         as_of: Date | None = None,
                         known_at: DateTime | None = None) -> Enterprise:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        paths = selected_paths(info)
        sections = sections_read(paths, (), ENTERPRISE_DETAILS)
        holder_sections = sections_read(paths, HOLDER, HOLDER_DETAILS)
        holders: dict[str, Neighbourhood] = {}
        if not holder_sections:
            around = await in_thread(lambda: links.enterprise(uscc, at, sections))
        else:
            around, holders = await in_thread(
                lambda: links.enterprise_and_holders(uscc, at, sections, holder_sections))
        info.context.loaders.prime_neighbourhoods(at, {**holders, around.node.id: around})
        return Enterprise.from_record(around.node.props, at)

    @described("A person by person id; the id number is masked.")
    async def person(self, info: Info, person_id: strawberry.ID,
                     as_of: Date | None = None,
                     known_at: DateTime | None = None) -> Person:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        sections = sections_read(selected_paths(info), (), PERSON_DETAILS)
        if not sections:
            found = await in_thread(lambda: links.person(person_id, at))
            return Person.from_record(found.props, at)
        around = await in_thread(lambda: links.person_details(person_id, at, sections))
        info.context.loaders.prime_neighbourhoods(at, {around.node.id: around})
        return Person.from_record(around.node.props, at)

    @described("Every firm the person is linked to, directly or through holding companies.")
    async def person_firms(self, info: Info, person_id: strawberry.ID, as_of: Date | None = None,
                           include_history: bool = False,
                           known_at: DateTime | None = None) -> list[PersonFirm]:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        firms = await in_thread(lambda: links.person_firms(person_id, at, include_history))
        return [PersonFirm.from_record(f, at) for f in firms]

    @described("Listed subjects within maxHops of a node, never through nodes above maxDegree.")
    async def blacklist_exposure(
        self,
        info: Info,
        id: strawberry.ID,
        max_hops: int = 3,
        lists: list[ListType] = DEFAULT_LISTS,  # type: ignore[assignment]
        max_degree: int = 200,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        suspected: Annotated[bool, SUSPECTED_ARG] = False,
    ) -> Exposure:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        wanted = [item.value for item in lists]
        found = await in_thread(
            lambda: links.blacklist_exposure(id, at, max_hops, wanted, max_degree, suspected)
        )
        return Exposure.from_record(found, at)

    @described("Simple paths between two nodes, shortest first.")
    async def paths(
        self,
        info: Info,
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        max_hops: int = 4,
        first: int = 10,
        max_degree: int = 200,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
        suspected: Annotated[bool, SUSPECTED_ARG] = False,
    ) -> list[Path]:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        found = await in_thread(
            lambda: links.paths(from_id, to_id, at, max_hops, first, max_degree, suspected)
        )
        return [Path.from_record(p, at) for p in found]

    @described("Owners (UP) or investments (DOWN) of an enterprise with the holdings between.")
    async def ownership_chain(
        self,
        info: Info,
        uscc: strawberry.ID,
        direction: OwnershipDirection = OwnershipDirection.UP,
        max_depth: int = 10,
        min_percent: float = 0.0,
        as_of: Date | None = None,
        known_at: DateTime | None = None,
    ) -> OwnershipChain:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        way, detail = Direction(direction.value), chain_detail(selected_paths(info))
        found = await in_thread(
            lambda: links.ownership_chain(uscc, at, way, max_depth, min_percent, detail)
        )
        return OwnershipChain.from_record(found, at)

    @described("Natural persons and state or unknown owners with effective percent >= threshold.")
    async def ultimate_owners(self, info: Info, uscc: strawberry.ID, threshold: float = 25.0,
                              as_of: Date | None = None,
                              known_at: DateTime | None = None) -> list[UltimateOwner]:
        links, at = info.context.analyses.links, moment(as_of, known_at)
        detail = owners_detail(selected_paths(info))
        found = await in_thread(lambda: links.ultimate_owners(uscc, at, threshold, detail))
        return [UltimateOwner.from_record(o, at) for o in found]


@strawberry.type
class RegisterQuery:
    @described("A number that grows with every load that changes the graph (a load that "
               "changes nothing leaves it): cached answers are valid while it stays.")
    async def data_version(self, info: Info) -> int:
        backend = info.context.analyses.backend
        return await in_thread(backend.data_version)


QUERY_TYPES: tuple[type, ...] = (LinkQuery, RestrictionQuery, ExploreQuery, RegisterQuery,
                                 SupervisionQuery, AuditQuery, RiskQuery, WatchQuery)
"""The parts merged into the root Query: links, appointment restrictions, the explorer map,
the register's own state, supervision (data quality, cross-checks, approval notices), the
audit log, risk, watchlists and alerts. Who may call which is the role table's
(credgraph.api.roles)."""
MUTATION_TYPES: tuple[type, ...] = (WatchMutation,)
"""The parts merged into the root Mutation: only user data (watchlists), never facts."""


class CredgraphSchema(strawberry.Schema):
    """Logs only the errors that are the server's fault, not a client's bad request."""

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        unexpected = [e for e in errors if error_code(e) not in CLIENT_ERRORS]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the request limits the settings give; documents are parsed and
    checked once per query text (credgraph.api.documents)."""
    query = merge_types("Query", QUERY_TYPES)
    documents = DocumentCache(settings)
    return CredgraphSchema(
        query=query,
        mutation=merge_types("Mutation", MUTATION_TYPES),
        types=list(ENTITY_TYPES),
        scalar_overrides={datetime.date: DATE_SCALAR},
        extensions=[
            ErrorCodes,
            AccessControl,
            partial(CheckedDocuments, documents),
        ],
    )
