"""What every analysis asks of a store, implemented once per store.

Link analysis, the explorer and the restriction service are written against
`Backend` alone; memory.py (networkx) and neo4j.py (Cypher) each implement it
once. Every fetch takes the `Moment` it answers for and applies the same
definitions, so both stores give identical answers:

* In force on `at.day`: `credgraph.queries.time.in_force` on the relationship's
  start and end.
* Links: relationships of the model's link types (`GraphModel.link_types`), or the
  `types` asked for, in force, self-loops left out; each once, in its stored
  direction. A node's degree counts those links.
* Search candidates: entities whose id, USCC or registration number equals the
  text (tier 0), whose normalised name equals it (1), starts with it (2) or
  contains it (3); ranked by tier, then name length, then the id's digest and the id
  (`search_order`, `model.spread`).
* Report in force: of an enterprise on `at.day`, the annual report visible at
  `at.known` that was published (filed_on) on or before the day, the latest by
  (filed_on, year) (`report_order`); its contact details hold until the next one.
  A value is shared by the enterprises whose report in force states it in the
  compared form (`<kind>_norm`, credgraph.graph.contacts).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.model import SEARCH_KEYS, VERSION, GraphModel, spread
from credgraph.queries.links.results import (
    EVERY_SECTION,
    MAX_DEPTH,
    PERSON_FIRM_READS,
    Around,
    Closure,
    Entity,
    Holding,
    Link,
    LinkLevel,
    PersonReach,
    SectionReads,
    Surroundings,
    Toward,
    holder_ids,
    pledge_party_ids,
)
from credgraph.queries.restrictions.facts import Appointment, Facts
from credgraph.queries.time import Moment
from credgraph.settings import StoreKind


@dataclass(frozen=True, slots=True)
class FactPlan:
    """Which restriction triggers can matter, as the rule table works it out.

    Each map gives a trigger kind and the earliest trigger date whose window can
    still reach the days asked about ('' for no bound).
    """

    person_lists: Mapping[str, str]
    """Lists that restrict the listed person."""
    enterprise_lists: Mapping[str, str]
    """Lists of an enterprise that restrict holders of its posts."""
    events: Mapping[str, str]
    """Enterprise events that restrict holders of its posts."""
    holder_roles: frozenset[str]
    """Posts whose holders an enterprise's trigger can restrict."""

    @property
    def lists(self) -> dict[str, str]:
        """Every list kind with its bound (the earlier where both kinds of subject count)."""
        merged = dict(self.enterprise_lists)
        for kind, bound in self.person_lists.items():
            merged[kind] = min(merged.get(kind, bound), bound)
        return merged


_RECORD_ONLY = frozenset({"label", "of", *SEARCH_KEYS, *VERSION})
"""Record properties an entity leaves out (its provenance stays; recorded_at and source are
given under those names; Neo4j's search keys are the store's own)."""


def entity_props(node_id: str, identity: Mapping[str, Any],
                 record: Mapping[str, Any] | None) -> dict[str, Any]:
    """An entity's properties at a recorded time, the same for every store: its identifiers and
    its visible record's values; an entity with no visible record is only `unrecorded`."""
    if record is None:
        return {"id": node_id, "unrecorded": True}
    props = {k: v for k, v in record.items() if k not in _RECORD_ONLY}
    props.update({k: v for k, v in identity.items() if k != "label"})
    props.update(id=node_id, recorded_at=record["rec"], source=record.get("source"))
    return props


def brief_props(node_id: str, recorded: bool, name: Any) -> dict[str, Any]:
    """What `entity_props` gives of an entity's id and name, the properties
    `Backend.brief_entities` keeps (an entity with no visible record is only `unrecorded`)."""
    return {"id": node_id, "name": name} if recorded else {"id": node_id, "unrecorded": True}


@dataclass(frozen=True, slots=True)
class Sharing:
    """The enterprises whose report in force states one compared contact value."""

    count: int
    reports: tuple[Mapping[str, Any], ...]
    """Those reports in enterprise id order; empty when more than the cap asked for share it
    (a hub value, such as a registered agent's address)."""


def report_order(report: Mapping[str, Any]) -> tuple[str, int]:
    """Which of an enterprise's published reports is the later one."""
    return (str(report["filed_on"]), int(report["year"]))


def report_in_force(reports: Sequence[Mapping[str, Any]], day: str) -> Mapping[str, Any] | None:
    """The report in force on `day` among one enterprise's reports (module docstring)."""
    published = [r for r in reports if r.get("filed_on") is not None and r["filed_on"] <= day]
    return max(published, key=report_order) if published else None


def capped(found: Sequence[Mapping[str, Any]], cap: int) -> Sharing:
    """What a value's reports in force come to, capped (a count alone above `cap`)."""
    if len(found) > cap:
        return Sharing(len(found), ())
    return Sharing(len(found), tuple(sorted(found, key=lambda r: str(r["enterprise"]))))


def one_per_version(elements: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """A fact's versions from its head elements, oldest first: of a version with several
    elements (a pledge's links) the one with the least key stands for it."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for element in sorted(elements, key=lambda e: (e["rec"], str(e.get("key", "")))):
        chosen.setdefault(element["rec"], element)
    return [chosen[rec] for rec in sorted(chosen)]


def search_tier(found: Entity, text_id: str, text_name: str) -> int | None:
    """The ranking tier of an entity for a search text, None when it does not match."""
    props = found.props
    if text_id and text_id in (found.id, props.get("uscc"), props.get("reg_no")):
        return 0
    norm = props.get("name_norm") or ""
    if not text_name or text_name not in norm:
        return None
    if norm == text_name:
        return 1
    return 2 if norm.startswith(text_name) else 3


def search_order(hit: tuple[int, Entity]) -> tuple[int, int, str, str]:
    tier, found = hit
    return (tier, len(found.props.get("name_norm") or ""), spread(found.id), found.id)


class Backend(ABC):
    """The fetches of one store. Implementations hold no per-request state."""

    kind: StoreKind
    model: GraphModel

    # --- entities --------------------------------------------------------------------

    @abstractmethod
    def entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        """The enterprises, persons and other holders among `ids`, by id."""

    @abstractmethod
    def brief_entities(self, ids: Sequence[str], at: Moment) -> dict[str, Entity]:
        """`entities` with only their id and name in `props` (`brief_props`): for answers
        that show no more of a thousand nodes (a densely cross-held group's ownership chain)
        than that, whose every record property costs more than the walk."""

    @abstractmethod
    def id_numbers(self, person_ids: Sequence[str], at: Moment) -> dict[str, str | None]:
        """The whole id number of each person among the ids: the one fetch that returns it
        unmasked (`entities` masks it); only an audited reveal asks for it."""

    @abstractmethod
    def entity_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        """Every enterprise, person and other holder id, in id order, `batch` at a time:
        what streams the whole register (exports, registry-wide checks)."""

    @abstractmethod
    def enterprise_ids(self, at: Moment, batch: int = 10_000) -> Iterator[list[str]]:
        """Every enterprise id with a record visible at `at.known`, in id order, `batch` at a
        time (the registry-wide risk ranking)."""

    @abstractmethod
    def resolve_enterprises(self, refs: Sequence[str], at: Moment) -> dict[str, str]:
        """Each reference (USCC, id or legacy registration number) that names an enterprise,
        mapped to the enterprise's id."""

    @abstractmethod
    def search(self, text_id: str, text_name: str, first: int,
               at: Moment) -> list[tuple[int, Entity]]:
        """The first `first` (tier, entity) matches in `search_order` (module docstring)."""

    @abstractmethod
    def relations(self, ids: Sequence[str], at: Moment) -> dict[str, Around]:
        """Each entity among `ids` with every relationship at it (any valid time) and the node
        at its other end; a self-loop once, outgoing. Entities that do not exist, or have no
        visible record, are left out. (The entity comes along: one read, not two.)"""

    # --- a lookup's reads together (one statement where the store can) -----------------------

    def surroundings(self, ids: Sequence[str], at: Moment,
                     reads: SectionReads = EVERY_SECTION) -> dict[str, Surroundings]:
        """`relations` of each entity among `ids` that `reads` keeps, with the pledge parties
        they name away from it when it wants them (`Surroundings`): every neighbourhood of a
        response, batched, or a lookup's sections."""
        found = {node_id: Around(around.entity,
                                 [r for r in around.rels if reads.keeps(node_id, r)])
                 for node_id, around in (self.relations(ids, at) if ids else {}).items()}
        wanted = {node_id: pledge_party_ids(node_id, around.rels) if reads.parties else set()
                  for node_id, around in found.items()}
        named = sorted(set().union(*wanted.values()))
        parties = self.entities(named, at) if named else {}
        return {node_id: Surroundings(around, {p: parties[p] for p in wanted[node_id]
                                               if p in parties})
                for node_id, around in found.items()}

    def enterprise_surroundings(self, ref: str, at: Moment,
                                reads: SectionReads) -> Surroundings | None:
        """The surroundings (`reads`) of the enterprise a reference names
        (`resolve_enterprises`), None when it names none: an enterprise lookup."""
        node_id = self.resolve_enterprises([ref], at).get(ref)
        return None if node_id is None else self.surroundings([node_id], at, reads).get(node_id)

    def enterprise_and_holders(self, ref: str, at: Moment, reads: SectionReads,
                               holder_reads: SectionReads
                               ) -> tuple[Surroundings, dict[str, Surroundings]] | None:
        """`enterprise_surroundings` with the surroundings (`holder_reads`) of its holders
        (`holder_ids`; `reads` must keep them), by id: an enterprise lookup that shows what
        its holders are held by, hold or list."""
        found = self.enterprise_surroundings(ref, at, reads)
        if found is None:
            return None
        return found, self.surroundings(holder_ids(found.around.rels), at, holder_reads)

    def person_reach(self, person_id: str, at: Moment) -> PersonReach | None:
        """What the person's firms are made of (`PersonReach`), None when no person with a
        visible record has the id."""
        found = self.surroundings([person_id], at, PERSON_FIRM_READS).get(person_id)
        if found is None or found.around.entity.label != "Person":
            return None
        closure = self.holding_closure(person_id, at, False, MAX_DEPTH)
        reached = sorted(n for n in closure.depth if n != person_id)
        return PersonReach(found, closure, self.entities(reached, at) if reached else {})

    # --- versions, objections ------------------------------------------------------------

    @abstractmethod
    def fact_versions(self, facts: Sequence[tuple[str, str]],
                      at: Moment) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
        """Every version recorded by `at.known` of each (section, fact): the properties of its
        head element (the fact's node, or its first relationship), oldest first."""

    @abstractmethod
    def objections(self, abouts: Sequence[str],
                   at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        """The objections visible at `at.known` about each fact (`section:fact key`), by
        objection id."""

    @abstractmethod
    def data_version(self) -> int:
        """The store's data version (grows with every load that changes facts)."""

    @abstractmethod
    def load_runs(self, at: Moment) -> list[Mapping[str, Any]]:
        """The loads of dataset folders the store keeps (LoadRun log entries) whose facts were
        recorded by `at.known`, in id order: the data-quality report's counts."""

    # --- links -------------------------------------------------------------------------

    @abstractmethod
    def links(self, ids: Sequence[str], at: Moment,
              types: Sequence[str] | None = None) -> list[Link]:
        """Links in force touching any of `ids` (module docstring), each once."""

    @abstractmethod
    def degrees(self, ids: Sequence[str], at: Moment, types: Sequence[str] | None = None,
                up_to: int | None = None) -> dict[str, int]:
        """Each node's number of links in force to other nodes; with `up_to`, counted up to
        that many (a node with more gets `up_to`: a hub is not read whole)."""

    @abstractmethod
    def link_level(self, ids: Sequence[str], at: Moment, count_up_to: int | None,
                   toward: Toward | None = None) -> LinkLevel:
        """One level of a walk in one fetch (a round trip, not two): the links touching any
        of `ids` (as `links`), only those whose end across from an asked node is `toward`
        when given; with `count_up_to`, the degree of each such end, counted up to that
        many (enough to tell a node above a degree limit, without reading a hub whole)."""

    @abstractmethod
    def link_page(self, node_id: str, at: Moment, types: Sequence[str] | None, offset: int,
                  first: int) -> list[Link]:
        """A node's links in force in (type, key) order, `first` of them from `offset`."""

    @abstractmethod
    def listed(self, ids: Sequence[str], at: Moment,
               lists: Sequence[str] | None = None) -> dict[str, list[Mapping[str, Any]]]:
        """The list entries in force of each node (of `lists`, or any), ordered by entry id;
        nodes on no list are left out."""

    @abstractmethod
    def holdings(self, ids: Sequence[str], at: Moment, upward: bool) -> list[Holding]:
        """Holdings in force into (upward) or out of the given nodes, self-holdings included."""

    @abstractmethod
    def holding_closure(self, root: str, at: Moment, upward: bool, max_depth: int,
                        min_percent: float = 0.0, detail: bool = False) -> Closure:
        """The holdings in force walked from `root` (`Closure`), in one fetch: a densely
        cross-held group's closure has a thousand nodes over a dozen levels, a round trip
        per level costs more than the walk. With `detail`, each holding's properties
        (`LINK_FIELDS`) come along; the analyses that only compute shares leave them."""

    def enterprise_closure(self, ref: str, at: Moment, upward: bool, max_depth: int,
                           min_percent: float = 0.0, detail: bool = False
                           ) -> tuple[str, Closure] | None:
        """The id of the enterprise a reference names (`resolve_enterprises`) and its
        `holding_closure`, None when it names none: an ownership question's first read."""
        node_id = self.resolve_enterprises([ref], at).get(ref)
        if node_id is None:
            return None
        return node_id, self.holding_closure(node_id, at, upward, max_depth, min_percent,
                                             detail)

    @abstractmethod
    def holding_pairs(self, at: Moment) -> list[tuple[str, str]]:
        """Every (holder, held) pair of the register with a holding in force between them,
        self-holdings left out; each pair once, in order."""

    # --- annual reports, shared contact details ------------------------------------------

    @abstractmethod
    def annual_reports(self, ids: Sequence[str],
                       at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        """Every annual report of each enterprise visible at `at.known`, filed or not, in
        (year, id) order; enterprises with none are left out."""

    @abstractmethod
    def reports_in_force(self, ids: Sequence[str], at: Moment) -> dict[str, Mapping[str, Any]]:
        """The report in force on `at.day` of each enterprise that has one (module
        docstring)."""

    @abstractmethod
    def sharing(self, values: Sequence[tuple[str, str]], at: Moment,
                cap: int) -> dict[tuple[str, str], Sharing]:
        """For each (contact kind, compared value): the enterprises whose report in force
        states it (module docstring), their reports left out above `cap` of them."""

    @abstractmethod
    def crowded_values(self, kind: str, at: Moment, at_least: int) -> dict[str, int]:
        """Each compared value of a contact kind stated by at least `at_least` annual reports
        visible at `at.known` and published by `at.day` (of any enterprise, in force or not),
        with their number: no more enterprises than that can share the value, so a value
        left out is shared by fewer than `at_least`."""

    # --- restriction facts ---------------------------------------------------------------

    @abstractmethod
    def person_facts(self, person_ids: Sequence[str], plan: FactPlan, until: str,
                     at: Moment) -> Facts:
        """Facts for the hits of these persons that a trigger dated up to `until` can give:
        every appointment they ever held, their own list entries (`plan.person_lists`), and
        the list entries and events of the enterprises where they held a post in
        `plan.holder_roles`."""

    @abstractmethod
    def registry_triggers(self, plan: FactPlan, until: str, at: Moment) -> Facts:
        """Every trigger of the plan dated up to `until`, and every holder (ever) of the
        triggering enterprises' posts in `plan.holder_roles`, as appointments."""

    @abstractmethod
    def current_posts(self, person_ids: Sequence[str], at: Moment) -> list[Appointment]:
        """The appointments of these persons in force on `at.day`."""

    # --- registry-wide checks and notices (credgraph.queries.checks, .notices) ----------------

    @abstractmethod
    def relationships(self, types: Sequence[str], at: Moment, ids: Sequence[str] | None = None,
                      any_day: bool = False) -> list[Link]:
        """Every relationship of `types` visible at `at.known`, touching `ids` when given, else
        in the whole register; in force on `at.day` unless `any_day`. Each once, self-loops
        included, in (type, key) order, with every property (stamp and provenance too)."""

    @abstractmethod
    def link_counts(self, types: Sequence[str], at: Moment, role: str | None,
                    more_than: int) -> dict[str, int]:
        """Each source of relationships of `types` (with `role` when given) visible at
        `at.known` and in force on `at.day` into more than `more_than` distinct targets, with
        that number of targets."""

    @abstractmethod
    def holding_totals(self, at: Moment, more_than: float) -> dict[str, float]:
        """Each enterprise whose holdings with a known percent, visible at `at.known` and in
        force on `at.day`, add up to more than `more_than` percent, with the total (rounded to
        6 decimals, so both stores' sums agree)."""

    @abstractmethod
    def fact_nodes(self, label: str, prop: str, values: Sequence[str],
                   at: Moment) -> list[Mapping[str, Any]]:
        """The version visible at `at.known` of every fact node of `label` (a list entry, an
        event ...) whose `prop` is one of `values`, in id order, whatever its dates."""

    @abstractmethod
    def enterprises_without(self, types: Sequence[str], at: Moment) -> list[str]:
        """Every enterprise with a record visible at `at.known` into which no relationship of
        `types` visible then is in force on `at.day`, in id order."""

    @abstractmethod
    def multi_source_records(self, at: Moment) -> dict[str, list[Mapping[str, Any]]]:
        """Every entity whose record versions recorded by `at.known` (retracted ones included)
        come from more than one source, with those versions, oldest first, each with its
        record label under `label`."""

    @abstractmethod
    def enterprises_established(self, first: str, last: str, at: Moment) -> list[Entity]:
        """Every enterprise whose record visible at `at.known` gives an establishment date
        from `first` to `last` (both included), in id order."""

    @abstractmethod
    def record_changes(self, since: str, until: str, at: Moment
                       ) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        """Every enterprise record version recorded at or after `since` and before `until`
        (recorded times; and by `at.known`) that followed an earlier version of the same
        enterprise: (the version before it, it), in (enterprise, recorded) order."""
