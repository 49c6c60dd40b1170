"""Link analysis: what an investigator or analyst asks of the graph, as plain data.

`LinkAnalysis` is written once, against a store's `Backend`
(credgraph.queries.backend); every choice that could make two stores differ is
fixed either there (what a fetch returns) or here (what is done with it):

* Time: a relationship counts on day D per `credgraph.queries.time.in_force`.
* Hops: link relationships (`GraphModel.link_types`) in either direction, one
  hop each; self-loops link nothing. A node's degree is the number of link
  relationships in force on D between it and other nodes. A path never passes
  through a node whose degree exceeds `max_degree`; its two ends may be such nodes.
* Suspected links (suspected.py), only when asked for: one hop each, counted in
  the degree like the others; a value shared by more than `max_degree`
  enterprises links nothing.
* Canonical path order: by length, then by the sequence of node ids, then by
  the sequence of relationship (type, key) pairs. `paths` lists simple paths in
  that order; exposure keeps, per subject, the first shortest path in it.
* Search ranking: `credgraph.queries.backend.base.search_order`.
* Ownership: integrated ownership (see ownership.py) over in-force holdings;
  an effective percent is None where the walk sums diverge (a cycle of holdings
  at 100% or more), and such nodes are circular. Ultimate owners with no
  defined percent are listed whatever the threshold, before the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice, pairwise
from typing import Any

from credgraph.exc import BadInputError, NotFoundError
from credgraph.graph.ids import identifier, is_other_register_key, name_key, uscc_problem
from credgraph.graph.model import GraphModel
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.ownership import DECIMALS, Integrated
from credgraph.queries.links.results import (
    ALL_SECTIONS,
    EVERY_DETAIL,
    MAX_DEPTH,
    MAX_FIRST,
    MAX_HOPS,
    OWNERSHIP,
    PERSON_FIRM_SECTIONS,
    SECTION_RELATIONS,
    ChainNode,
    Closure,
    Direction,
    Entity,
    Exposure,
    ExposureHit,
    FirmLink,
    Link,
    LinkLevel,
    ListRecord,
    Neighbourhood,
    OwnershipChain,
    OwnershipDetail,
    OwnershipEdge,
    OwnershipPath,
    OwnershipStep,
    Path,
    PersonFirm,
    Pledge,
    RawRel,
    Relation,
    SearchHit,
    SectionReads,
    Step,
    Surroundings,
    Toward,
    UltimateOwner,
    entity,
)
from credgraph.queries.links.suspected import SuspectedLinks
from credgraph.queries.links.traversal import (
    Degrees,
    Fetch,
    Hop,
    canonical_bfs,
    expand_levels,
    fetch_ball,
    ordered_simple_paths,
    path_to,
)
from credgraph.queries.time import Moment, in_force


def check_range(name: str, value: float, low: float, high: float | None = None) -> None:
    """Refuse an argument outside [low, high] with a message that names the limit."""
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise BadInputError(f"{name} must be {bound}, got {value:g}")


def search_texts(text: str) -> tuple[str, str]:
    """The text as an identifier and as a normalised name; blank text is refused."""
    if not text.strip():
        raise BadInputError("search text is empty")
    return identifier(text), name_key(text)


def pledge_parties(part: str) -> tuple[str, str]:
    """The parties an EQUITY_PLEDGE relationship joins, from its `part` (`pledgor-pledgee`)."""
    source, _, target = part.partition("-")
    return source, target


_SECTIONS_OF: Mapping[tuple[str, bool], tuple[str, ...]] = {
    (rel_type, outgoing): tuple(section for section, parts in SECTION_RELATIONS.items()
                                if any(t == rel_type and way in (None, outgoing)
                                       for t, way in parts))
    for parts in SECTION_RELATIONS.values() for rel_type, _ in parts
    for outgoing in (True, False)
}
"""The sections a relationship belongs to, by its type and direction from the node."""

_RECORD_ORDER: Mapping[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]] = {
    "penalties": lambda p: (p.get("decided_on") or "", p["id"]),
    "events": lambda e: (e.get("date") or "", e["id"]),
    "annual_reports": lambda r: (r["year"], r["id"]),
}
"""The sections made of the records at the relationships' far ends, each in its order."""


def neighbourhood(node: Entity, rels: Iterable[RawRel], parties: Mapping[str, Entity],
                  sections: frozenset[str] = ALL_SECTIONS) -> Neighbourhood:
    """Sort a node's relationships into detail sections (`SECTION_RELATIONS`), the same
    way for every store; a self-loop, stored once as outgoing, belongs to the incoming
    sections too (a self-holding is both a holding and a holder of the node).

    `parties` holds the pledge parties not adjacent to the node, by id; `sections` says
    which sections `rels` were read for (`SectionReads`).
    """
    found: dict[str, list[RawRel]] = {section: [] for section in SECTION_RELATIONS}
    for rel in rels:
        belongs = _SECTIONS_OF.get((rel.type, rel.outgoing), ())
        if rel.other["id"] == node.id:
            belongs = (*belongs, *_SECTIONS_OF.get((rel.type, not rel.outgoing), ()))
        for section in dict.fromkeys(belongs):
            found[section].append(rel)

    def relations(section: str) -> tuple[Relation, ...]:
        return tuple(sorted((Relation(r.type, r.key, entity(r.other_label, r.other),
                                      r.outgoing, r.props) for r in found[section]),
                            key=_relation_order))

    def records(section: str) -> tuple[Mapping[str, Any], ...]:
        return tuple(sorted((r.other for r in found[section]), key=_RECORD_ORDER[section]))

    by_reg_no: dict[str, list[RawRel]] = {}
    for rel in found["pledges"]:
        by_reg_no.setdefault(str(rel.props["reg_no"]), []).append(rel)
    pledges = (_pledge(node, reg_no, pledged, parties) for reg_no, pledged in by_reg_no.items())
    entries = (ListRecord(r.other, r.props.get("start"), r.props.get("end"))
               for r in found["list_entries"])
    return Neighbourhood(
        node=node,
        holders=relations("holders"),
        holdings=relations("holdings"),
        officers=relations("officers"),
        list_entries=tuple(sorted(entries, key=lambda e: (e.start or "", str(e.entry["id"])))),
        penalties=records("penalties"),
        events=records("events"),
        pledges=tuple(sorted(pledges, key=lambda p: (p.props.get("start") or "", p.reg_no))),
        mortgages=relations("mortgages"),
        annual_reports=records("annual_reports"),
        sections=sections,
    )


def _relation_order(relation: Relation) -> tuple[str, str, str]:
    return (relation.props.get("start") or "", relation.type, relation.key)


def _pledge(node: Entity, reg_no: str, rels: list[RawRel],
            parties: Mapping[str, Entity]) -> Pledge:
    found: dict[str, Entity] = {}
    props: Mapping[str, Any] = {}
    for rel in sorted(rels, key=lambda r: r.key):
        source_role, target_role = pledge_parties(str(rel.props.get("part", "")))
        other = entity(rel.other_label, rel.other)
        source, target = (node, other) if rel.outgoing else (other, node)
        found.setdefault(source_role, source)
        found.setdefault(target_role, target)
        props = props or rel.props
    enterprise_id = props.get("enterprise")
    if "enterprise" not in found and enterprise_id is not None:
        enterprise_ = node if enterprise_id == node.id else parties.get(str(enterprise_id))
        if enterprise_ is not None:
            found["enterprise"] = enterprise_
    return Pledge(reg_no, found.get("enterprise"), found.get("pledgor"), found.get("pledgee"),
                  props)


class LinkAnalysis:
    """The link questions over one store's backend: argument checks and algorithms, once."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.model: GraphModel = backend.model
        self.model.edge(OWNERSHIP)
        self.suspected = SuspectedLinks(backend)

    def fetches(self, at: Moment, suspected: bool = False,
                max_degree: int = 0) -> tuple[Fetch, Degrees]:
        """The levels of a walk and the degrees of nodes on the day: over the registered
        links, one fetch per level with the far ends' degrees, every degree counted just
        past `max_degree` (a hub is never read whole); with the suspected links too when
        asked (hub values above `max_degree` link nothing), levels and degrees fetched
        apart."""
        backend = self.backend
        if not suspected:
            def level(ids: Sequence[str], toward: Toward | None) -> LinkLevel:
                return backend.link_level(ids, at, None if toward is not None else max_degree + 1,
                                          toward)

            return level, (lambda ids: backend.degrees(ids, at, up_to=max_degree + 1))

        def expand(ids: Sequence[str]) -> list[Link]:
            return [*backend.links(ids, at), *self.suspected.around(ids, at, max_degree).links]

        def degrees(ids: Sequence[str]) -> dict[str, int]:
            found = dict(backend.degrees(ids, at))
            for node, extra in self.suspected.around(ids, at, max_degree).degrees(ids).items():
                if node in found or extra:
                    found[node] = found.get(node, 0) + extra
            return found

        return expand_levels(expand), degrees

    # --- lookups -----------------------------------------------------------------

    def search(self, text: str, at: Moment, first: int = 20) -> list[SearchHit]:
        check_range("first", first, 0, MAX_FIRST)
        text_id, text_name = search_texts(text)
        if not first:
            return []
        return [SearchHit(found, "id" if tier == 0 else "name")
                for tier, found in self.backend.search(text_id, text_name, first, at)]

    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        """The enterprises, persons and other holders among `ids`, by id."""
        return self.backend.entities(ids, at) if ids else {}

    def lookup(self, ref: str, at: Moment) -> Entity | None:
        """An enterprise, person or other holder by id, or an enterprise by registration number.

        The reference is normalised as the loader normalised the ids
        (`credgraph.graph.ids.identifier`: full-width folded, upper case), like
        every lookup of the query layer.
        """
        return self.lookups([ref], at)[0]

    def lookups(self, refs: Sequence[str], at: Moment) -> list[Entity | None]:
        """`lookup` of each reference, with the fetches of one (paths looks up two ends)."""
        keys = [identifier(ref) if ref.strip() else "" for ref in refs]
        wanted = sorted({key for key in keys if key})
        found = self.backend.entities(wanted, at) if wanted else {}
        unknown = [key for key in wanted if key not in found]
        resolved = self.backend.resolve_enterprises(unknown, at) if unknown else {}
        if resolved:
            by_id = self.backend.entities(sorted(set(resolved.values())), at)
            found.update({key: by_id[node] for key, node in resolved.items() if node in by_id})
        hits = [found.get(key) for key in keys]
        return [None if hit is None or hit.props.get("unrecorded") else hit for hit in hits]

    def entity(self, node_id: str, at: Moment) -> Entity:
        """`lookup`, or NotFoundError when there is none."""
        return self.named([node_id], at)[0]

    def named(self, refs: Sequence[str], at: Moment) -> list[Entity]:
        """`entity` of each reference; NotFoundError names the first with none."""
        found: list[Entity] = []
        for ref, hit in zip(refs, self.lookups(refs, at), strict=True):
            if hit is None:
                raise NotFoundError(f"no enterprise, person or other holder with id {ref!r}")
            found.append(hit)
        return found

    def enterprise_id(self, ref: str, at: Moment) -> str:
        """The id of an enterprise by USCC or registration number; NotFoundError otherwise."""
        key = enterprise_key(ref)
        node_id = self.backend.resolve_enterprises([key], at).get(key) if key else None
        if node_id is None:
            raise _no_enterprise(ref)
        return node_id

    def neighbourhoods(self, ids: Sequence[str], at: Moment) -> dict[str, Neighbourhood]:
        """Detail sections of each entity among `ids`, by id (batched for DataLoaders)."""
        if not ids:
            return {}
        return {node_id: _neighbourhood_of(found)
                for node_id, found in self.backend.surroundings(ids, at).items()}

    def enterprise(self, ref: str, at: Moment,
                   sections: frozenset[str] = ALL_SECTIONS) -> Neighbourhood:
        """An enterprise's details by USCC or registration number, in one read: its id,
        relationships and pledge parties together (`Backend.enterprise_surroundings`), for
        the `sections` asked (`Neighbourhood.sections`: each relationship read brings the
        record at its other end)."""
        key = enterprise_key(ref)
        found = (self.backend.enterprise_surroundings(key, at, SectionReads.of(sections))
                 if key else None)
        if found is None:
            raise _no_enterprise(ref)
        return _neighbourhood_of(found, sections)

    def enterprise_and_holders(self, ref: str, at: Moment,
                               sections: frozenset[str] = ALL_SECTIONS,
                               holder_sections: frozenset[str] = ALL_SECTIONS
                               ) -> tuple[Neighbourhood, dict[str, Neighbourhood]]:
        """`enterprise` with its holders' neighbourhoods (`holder_sections` of them), by id,
        in the same read: for an answer that shows its holders' own holders, holdings, posts
        or list entries (holders two levels up), where `enterprise` and then `neighbourhoods`
        would read twice. The enterprise's holders are read whatever `sections` says."""
        sections = sections | {"holders"}
        key = enterprise_key(ref)
        found = (self.backend.enterprise_and_holders(key, at, SectionReads.of(sections),
                                                     SectionReads.of(holder_sections))
                 if key else None)
        if found is None:
            raise _no_enterprise(ref)
        around, holders = found
        return _neighbourhood_of(around, sections), {
            node_id: _neighbourhood_of(holder, holder_sections)
            for node_id, holder in holders.items()}

    def person(self, person_id: str, at: Moment) -> Entity:
        """A person by person id (normalised like every lookup); NotFoundError otherwise."""
        key = person_key(person_id)
        found = self.backend.entities([key], at).get(key) if key else None
        if found is None or found.label != "Person" or found.props.get("unrecorded"):
            raise _no_person(person_id)
        return found

    def person_details(self, person_id: str, at: Moment,
                       sections: frozenset[str] = ALL_SECTIONS) -> Neighbourhood:
        """`person` with its details (the `sections` asked) in the same read: for an answer
        that shows the person's posts, holdings or list entries, where `person` and then
        `neighbourhoods` would read twice."""
        key = person_key(person_id)
        found = (self.backend.surroundings([key], at, SectionReads.of(sections)).get(key)
                 if key else None)
        if found is None or found.around.entity.label != "Person":
            raise _no_person(person_id)
        return _neighbourhood_of(found, sections)

    def revealed_id_number(self, person_id: str, at: Moment) -> str | None:
        """A person's whole id number, unmasked: for the API's audited reveal only."""
        found = self.person(person_id, at)
        return self.backend.id_numbers([found.id], at).get(found.id)

    # --- links ---------------------------------------------------------------------

    def blacklist_exposure(self, node_id: str, at: Moment, max_hops: int = 3,
                           lists: Sequence[str] = ("serious_illegal",),
                           max_degree: int = 200, suspected: bool = False) -> Exposure:
        """Listed subjects within max_hops of a node, each with its canonical shortest path."""
        check_range("maxHops", max_hops, 1, MAX_HOPS)
        check_range("maxDegree", max_degree, 0)
        origin = self.entity(node_id, at)
        wanted = tuple(sorted(set(lists)))
        reached = canonical_bfs(origin.id, max_hops, max_degree,
                                *self.fetches(at, suspected, max_degree), Toward(lists=wanted))
        others = sorted(n for n in reached if n != origin.id)
        listed = self.backend.listed(others, at, wanted) if others and lists else {}
        routes = {node: path_to(node, reached) for node in listed}
        known = self.entities(sorted({n for hops in routes.values() for h in hops
                                      for n in h[:2]}), at)
        hits = [
            ExposureHit(known[node], entry, reached[node].distance,
                        _path(routes[node], known))
            for node, entries in listed.items()
            for entry in entries
        ]
        hits.sort(key=lambda h: (h.distance, h.subject.id, str(h.entry.get("list")),
                                 str(h.entry.get("listed_on")), str(h.entry["id"])))
        return Exposure(origin, tuple(hits))

    def paths(self, from_id: str, to_id: str, at: Moment, max_hops: int = 4, first: int = 10,
              max_degree: int = 200, suspected: bool = False) -> list[Path]:
        """Simple paths between two nodes in canonical order (shortest first).

        The ball of links around both ends is fetched level by level, then walked
        in order (credgraph.queries.links.traversal).
        """
        check_range("maxHops", max_hops, 1, MAX_HOPS)
        check_range("first", first, 0, MAX_FIRST)
        check_range("maxDegree", max_degree, 0)
        from_id, to_id = (found.id for found in self.named([from_id, to_id], at))
        if from_id == to_id:
            raise BadInputError("fromId and toId are the same node")
        if not first:
            return []
        ball = fetch_ball((from_id, to_id), max_hops, max_degree,
                          *self.fetches(at, suspected, max_degree))
        found = list(islice(ordered_simple_paths(ball, from_id, to_id, max_hops, max_degree),
                            first))
        known = self.entities(sorted({n for hops in found for h in hops for n in h[:2]}), at)
        return [_path(hops, known) for hops in found]

    # --- ownership -----------------------------------------------------------------

    def ownership_chain(self, ref: str, at: Moment, direction: Direction = Direction.UP,
                        max_depth: int = 10, min_percent: float = 0.0,
                        detail: OwnershipDetail = EVERY_DETAIL) -> OwnershipChain:
        """Owners (UP) or investments (DOWN) of an enterprise to max_depth levels, with the
        nodes' records and the holdings' properties as far as `detail` asks."""
        check_range("maxDepth", max_depth, 1, MAX_DEPTH)
        check_range("minPercent", min_percent, 0, 100)
        upward = direction is Direction.UP
        root, closure = self._enterprise_closure(ref, at, upward, max_depth, min_percent,
                                                 detail.holding_props)
        integrated = Integrated(closure.holdings, closure.depth)
        shares = integrated.shares_into(root) if upward else integrated.shares_of(root)
        fetch = self.backend.entities if detail.records else self.backend.brief_entities
        known = fetch(sorted(closure.depth), at)
        nodes = tuple(
            ChainNode(known[n], d, 100.0 if n == root else shares.get(n, 0.0))
            for n, d in sorted(closure.depth.items(), key=lambda item: (item[1], item[0]))
        )
        edges = tuple(
            OwnershipEdge(known[h.holder], known[h.held], h,
                          closure.depth[h.held if upward else h.holder] + 1)
            for h in closure.holdings
        )
        cyclic = bool(integrated.cyclic)
        return OwnershipChain(known[root], direction, nodes, edges, cyclic, closure.truncated)

    def _enterprise_closure(self, ref: str, at: Moment, upward: bool, max_depth: int,
                            min_percent: float = 0.0, detail: bool = False
                            ) -> tuple[str, Closure]:
        """The id of an enterprise by USCC or registration number and its holding closure, in
        one read (`Backend.enterprise_closure`); NotFoundError when there is none."""
        key = enterprise_key(ref)
        found = (self.backend.enterprise_closure(key, at, upward, max_depth, min_percent, detail)
                 if key else None)
        if found is None:
            raise _no_enterprise(ref)
        return found

    def ultimate_owners(self, ref: str, at: Moment, threshold: float = 25.0,
                        detail: OwnershipDetail = EVERY_DETAIL) -> list[UltimateOwner]:
        """Persons, other holders and holder-less enterprises whose effective share >= threshold,
        with their top paths when `detail` asks for them."""
        check_range("threshold", threshold, 0, 100)
        root, closure = self._enterprise_closure(ref, at, True, MAX_DEPTH)
        integrated = Integrated(closure.holdings, closure.depth)
        shares = integrated.shares_into(root)
        circular = integrated.circular_into(root)
        held = {h.held for h in closure.holdings}
        # Listed: the owners over the threshold that nobody holds (persons, other holders,
        # holder-less enterprises; what is held is an enterprise, as the model's SHAREHOLDER
        # targets say). Only they and the nodes of their paths are fetched, in one read: in a
        # densely cross-held group the closure has a thousand nodes and a handful of owners.
        over = {node: percent for node, percent in shares.items()
                if percent is None or percent + 10 ** -DECIMALS >= threshold}
        listed = [node for node in over if node not in held]
        found_paths = (integrated.top_paths(listed, root) if detail.paths
                       else {node: [] for node in listed})
        on_paths = {n for paths in found_paths.values() for nodes, _ in paths for n in nodes}
        known = self.entities(sorted({*listed, *on_paths}), at)
        owners: list[UltimateOwner] = []
        for node, paths_found in found_paths.items():
            found, percent = known[node], over[node]
            if found.label == "Enterprise":
                category = "unknown"
            elif found.label == "Person":
                category = "person"
            else:
                category = str(found.props.get("category") or "unknown")
            paths = tuple(
                OwnershipPath(
                    tuple(OwnershipStep(known[a], known[b], round(
                        integrated.fraction(a, b) * 100.0, DECIMALS))
                          for a, b in pairwise(nodes)),
                    product,
                )
                for nodes, product in paths_found
            )
            owners.append(UltimateOwner(found, category, percent,
                                        percent is None or node in circular, paths))
        owners.sort(key=lambda o: (o.effective_percent is not None,
                                   -(o.effective_percent or 0.0), o.owner.id))
        return owners

    def person_firms(self, person_id: str, at: Moment,
                     include_history: bool = False) -> list[PersonFirm]:
        """Firms the person holds or serves directly, and firms held through holding companies.

        Direct links are the person's holdings and posts (in force on the day, or
        with include_history also those ended by then); indirect firms are all
        reached through in-force holdings, with the effective percent.
        """
        day = at.day
        key = person_key(person_id)
        reach = self.backend.person_reach(key, at) if key else None
        if reach is None:
            raise _no_person(person_id)
        person_id = key
        around = _neighbourhood_of(reach.surroundings, PERSON_FIRM_SECTIONS)
        direct: dict[str, list[FirmLink]] = {}
        firms: dict[str, Entity] = {}
        for relation in (*around.holdings, *around.officers):
            if not relation.outgoing or relation.other.label != "Enterprise":
                continue
            start, end = relation.props.get("start"), relation.props.get("end")
            current = in_force(start, end, day)
            if not current and not (include_history and (start is None or start <= day)):
                continue
            firms[relation.other.id] = relation.other
            direct.setdefault(relation.other.id, []).append(FirmLink(
                relation.type, relation.key, relation.props.get("role"),
                relation.props.get("percent") if relation.type == OWNERSHIP else None,
                start, end, current, relation.props,
            ))
        closure = reach.closure
        integrated = Integrated(closure.holdings, closure.depth)
        shares = integrated.shares_of(person_id)
        circular = integrated.circular_from(person_id)
        indirect = sorted(n for n in closure.depth if n != person_id and n not in firms)
        firms.update({n: reach.reached[n] for n in indirect if n in reach.reached})
        result = []
        for node in firms:
            # A firm the person reaches by no holding has no effective percent (null), one
            # reached only through holdings of unknown size has 0.
            held = node in closure.depth
            share = shares.get(node, 0.0) if held else None
            result.append(_firm(firms[node],
                                tuple(sorted(direct.get(node, []), key=lambda f: f.key)),
                                share, held and (share is None or node in circular)))
        # Direct links first; among them undefined (circular) shares, then by share, then the
        # firms the person holds no share of.
        result.sort(key=lambda f: (not f.links, f.effective_percent is None and not f.circular,
                                   f.effective_percent is not None,
                                   -(f.effective_percent or 0.0), f.enterprise.id))
        return result


def enterprise_key(ref: str) -> str:
    """A reference to an enterprise normalised like every lookup ('' for a blank one).

    An 18-character reference whose check character does not verify cannot name any
    enterprise: it is refused as bad input, with the reason.
    """
    key = identifier(ref) if ref.strip() else ""
    problem = (uscc_problem(key) if len(key) == 18 and not is_other_register_key(key)
               else None)
    if problem is not None:
        raise BadInputError(f"{ref!r} is not a valid USCC: {problem}")
    return key


def person_key(person_id: str) -> str:
    """A person id normalised like every lookup ('' for a blank one)."""
    return identifier(person_id) if person_id.strip() else ""


def _no_enterprise(ref: str) -> NotFoundError:
    return NotFoundError(f"no enterprise with USCC or registration number {ref!r}")


def _no_person(person_id: str) -> NotFoundError:
    return NotFoundError(f"no person with id {person_id!r}")


def _neighbourhood_of(found: Surroundings,
                      sections: frozenset[str] = ALL_SECTIONS) -> Neighbourhood:
    return neighbourhood(found.around.entity, found.around.rels, found.parties, sections)


def _firm(enterprise_: Entity, links: tuple[FirmLink, ...], effective: float | None,
          circular: bool) -> PersonFirm:
    roles = tuple(sorted({str(f.props.get("role")) for f in links
                          if f.type != OWNERSHIP and f.props.get("role")}))
    known = [f.percent for f in links if f.type == OWNERSHIP and f.current
             and f.percent is not None]
    starts = [f.start for f in links]
    ends = [f.end for f in links]
    return PersonFirm(
        enterprise=enterprise_,
        links=links,
        roles=roles,
        direct_percent=sum(known) if known else None,
        effective_percent=effective,
        circular=circular,
        start=None if not starts or None in starts else min(s for s in starts if s),
        end=None if not ends or None in ends else max(e for e in ends if e),
        current=not links or any(f.current for f in links),
    )


def _path(hops: Sequence[Hop], known: Mapping[str, Entity]) -> Path:
    return Path(tuple(Step(known[a], known[b], link) for a, b, link in hops))

