"""Beneficial Ownership Data Standard 0.4 out: entity, person and relationship statements.

What maps to what (README, "BODS 0.4"):

* Enterprise -> entity statement, `registeredEntity` (its 企业类型 in `entityType.details`),
  identifiers `CN-USCI` (USCC) and `CN-SAIC` (registration number), or the scheme and id of
  an enterprise of another register; founding date, registered address.
* Person -> person statement (`knownPerson`, legal name, nationality). ID numbers are not
  identifiers BODS can carry (masked, no scheme), so none are given.
* Other holder -> entity statement, `stateBody` for the state, `legalEntity` otherwise, the
  category in `entityType.details`.
* One relationship statement per holder and enterprise: a `shareholding` interest per
  holding (share `exact` when known), one interest per post (chair `boardChair`, director
  `boardMember`, managers and the legal representative `seniorManagingOfficial`, others
  `otherInfluenceOrControl`, the post itself in `details`); `direct`, with start and end.
* Effective ownership through chains (credgraph.queries.links.ownership, the computation
  behind ultimateOwners): for every ultimate owner whose effective share of an enterprise
  reaches the threshold and who holds part of it through intermediaries, a relationship
  statement with an `indirect` shareholding interest (the part held through others) and
  `componentRecords` naming the intermediaries and the holdings between them. The records
  named are the register's own direct records, so they stay `isComponent: false`: each is
  a fact in its own right, not only a part of the chain.
* `beneficialOwnershipOrControl` is true on a person's shareholding interests when the
  person's share (direct, or effective for the indirect interest) reaches the threshold.
* Provenance: `source` (official register, retrieved when loaded) and one annotation per
  statement or interest naming the file, row and load batch it came from.

Statements come in the order BODS asks: every entity and person, then every direct
relationship, then the indirect ones (whose components are all published before them);
the scope is read once, relationships waiting on disk (jsonout.Spool) meanwhile.
Statement ids are derived from the statement's content without its provenance, so
exporting the same facts again gives the same ids.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import orjson

from credgraph.graph.ids import (
    REG_NO_SCHEME,
    USCC_SCHEME,
    is_other_register_key,
    split_other_register_key,
)
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.interop.jsonout import Spool, json_pieces
from credgraph.interop.namespaces import is_credgraph_namespace
from credgraph.interop.scope import Reader, Record
from credgraph.queries.links.ownership import Integrated, contributing
from credgraph.queries.links.results import MAX_DEPTH, OWNERSHIP, Entity, Holding, RawRel
from credgraph.queries.time import today

BODS_VERSION = "0.4"
PUBLISHER = "credgraph"
"""publicationDetails.publisher.name of every statement credgraph writes."""
SOURCE_DESCRIPTION = ("国家企业信用信息公示系统 (National Enterprise Credit Information "
                      "Publicity System), as loaded into credgraph")
CHINA = {"name": "China", "code": "CN"}

BO_THRESHOLD = 25.0
"""Percent of shares from which a person is a beneficial owner (受益所有人信息管理办法 2024,
art. 6: 25% or more of the shares, directly or indirectly)."""

POSTS = ("OFFICER", "LEGAL_REPRESENTATIVE")
ROLE_INTERESTS = {
    "chair": "boardChair",
    "director": "boardMember",
    "legal_representative": "seniorManagingOfficial",
    "manager": "seniorManagingOfficial",
    "deputy_manager": "seniorManagingOfficial",
    "cfo": "seniorManagingOfficial",
    "board_secretary": "seniorManagingOfficial",
    "responsible_person": "seniorManagingOfficial",
    "partner": "seniorManagingOfficial",
}
"""BODS interest type of a post; any other role is `otherInfluenceOrControl`."""
OTHER_INTEREST = "otherInfluenceOrControl"

CATEGORY_TYPES = {
    "state": ("stateBody", "国家机关"),
    "foreign": ("legalEntity", "境外"),
    "collective": ("legalEntity", "集体"),
    "unknown": ("legalEntity", "其他"),
}
"""Other holders' BODS entity type and the details word an import reads the category from."""

_SHARE_DECIMALS = 6


def statement_id(body: Mapping[str, Any]) -> str:
    """A UUID from the statement's content (provenance and publication left out)."""
    digest = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).digest()
    return str(uuid.UUID(bytes=digest[:16]))


def relationship_id(holder: str, held: str) -> str:
    return f"{holder}->{held}"


def indirect_id(owner: str, held: str) -> str:
    return f"{owner}=>{held}"


def _provenance(props: Mapping[str, Any]) -> str:
    return (f"{props.get('src_file')} row {props.get('src_row')} "
            f"(load batch {props.get('batch_id')}, loaded {props.get('loaded_at')})")


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v not in (None, [], "")}


class BodsWriter:
    """Turns a scope's records into statements."""

    def __init__(self, reader: Reader, threshold: float = BO_THRESHOLD,
                 published: str | None = None) -> None:
        self.reader, self.threshold = reader, threshold
        self.day = reader.at.day
        self.publication = {"publicationDate": published or today(), "bodsVersion": BODS_VERSION,
                            "publisher": {"name": PUBLISHER}}
        self.roles = load_vocabulary().roles

    def statements(self) -> Iterator[bytes]:
        """Encoded statements in BODS order, from one pass over the scope: entities and
        persons as they come, direct and indirect relationships spooled until then."""
        direct, indirect = Spool(), Spool()
        for record in self.reader.records():
            yield from (orjson.dumps(s) for s in self._party(record))
            for spool, made in ((direct, self._direct(record)),
                                (indirect, self._indirect(record))):
                for statement in made:
                    spool.write(orjson.dumps(statement) + b"\n")
        yield from direct.lines()
        yield from indirect.lines()

    # --- statements ----------------------------------------------------------------

    def _statement(self, record_id: str, record_type: str, subject: str,
                   details: dict[str, Any], provenance: Sequence[tuple[str, Mapping[str, Any]]],
                   ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "declarationSubject": subject, "statementDate": self.day, "recordId": record_id,
            "recordStatus": "new", "recordType": record_type, "recordDetails": details}
        loaded = sorted(str(p["loaded_at"]) for _, p in provenance if p.get("loaded_at"))
        source: dict[str, Any] = {"type": ["officialRegister"], "description": SOURCE_DESCRIPTION}
        if loaded:
            source["retrievedAt"] = loaded[-1]
        statement: dict[str, Any] = {"statementId": statement_id(body), **body,
                     "publicationDetails": self.publication, "source": source}
        notes = [{"statementPointerTarget": pointer, "motivation": "commenting",
                  "description": _provenance(props)}
                 for pointer, props in provenance if props.get("src_file")]
        if notes:
            statement["annotations"] = notes
        return statement

    def _party(self, record: Record) -> Iterator[dict[str, Any]]:
        node = record.entity
        if node.label == "Person":
            details = _clean({
                "isComponent": False, "personType": "knownPerson",
                "names": [{"type": "legal", "fullName": node.name}],
                "nationalities": ([{"name": node.props["nationality"]}]
                                  if node.props.get("nationality") else None),
            })
            yield self._statement(node.id, "person", node.id, details, [("", node.props)])
            return
        if node.label == "Enterprise":
            details = self._enterprise(node)
        else:
            entity_type, word = CATEGORY_TYPES.get(str(node.props.get("category")),
                                                   CATEGORY_TYPES["unknown"])
            details = {"isComponent": False,
                       "entityType": {"type": entity_type, "details": word}, "name": node.name}
        yield self._statement(node.id, "entity", node.id, details, [("", node.props)])

    def _enterprise(self, node: Entity) -> dict[str, Any]:
        props = node.props
        identifiers: list[dict[str, str]] = []
        domestic = False
        if props.get("uscc"):
            identifiers.append({"id": str(props["uscc"]), "scheme": USCC_SCHEME})
            domestic = True
        reg_no = str(props.get("reg_no") or "")
        if reg_no and is_other_register_key(reg_no):
            scheme, ident = split_other_register_key(reg_no)
            if not is_credgraph_namespace(scheme):
                identifiers.append({"id": ident, "scheme": scheme})
        elif reg_no:
            identifiers.append({"id": reg_no, "scheme": REG_NO_SCHEME})
            domestic = True
        entity_type = _clean({"type": "registeredEntity", "details": props.get("type")})
        address = _clean({"type": "registered", "address": props.get("address"),
                          "country": CHINA if domestic else None})
        return _clean({
            "isComponent": False, "entityType": entity_type, "name": node.name,
            "jurisdiction": CHINA if domestic else None, "identifiers": identifiers,
            "foundingDate": props.get("established"),
            "addresses": [address] if props.get("address") else None,
        })

    def _direct(self, record: Record) -> Iterator[dict[str, Any]]:
        node = record.entity
        by_target: dict[str, list[RawRel]] = defaultdict(list)
        for rel in record.outgoing((OWNERSHIP, *POSTS)):
            target = str(rel.other["id"])
            if target != node.id:  # a self-holding is treasury stock, not an interest
                by_target[target].append(rel)
        for target in sorted(by_target):
            made = sorted(((self._interest(node, rel), rel.props) for rel in by_target[target]),
                          key=lambda pair: orjson.dumps(pair[0], option=orjson.OPT_SORT_KEYS))
            details = {"isComponent": False, "subject": target, "interestedParty": node.id,
                       "interests": [interest for interest, _ in made]}
            provenance = [(f"/recordDetails/interests/{i}", props)
                          for i, (_, props) in enumerate(made)]
            yield self._statement(relationship_id(node.id, target), "relationship", target,
                                  details, provenance)

    def _interest(self, holder: Entity, rel: RawRel) -> dict[str, Any]:
        props = rel.props
        if rel.type == OWNERSHIP:
            percent = props.get("percent")
            return _clean({
                "type": "shareholding", "directOrIndirect": "direct",
                "beneficialOwnershipOrControl": (holder.label == "Person" and percent is not None
                                                 and percent >= self.threshold),
                "share": {"exact": percent} if percent is not None else None,
                "startDate": props.get("start"), "endDate": props.get("end"),
            })
        role = str(props.get("role"))
        term = self.roles.get(role)
        return _clean({
            "type": ROLE_INTERESTS.get(role, OTHER_INTEREST), "directOrIndirect": "direct",
            "details": term.zh if term else role,
            "startDate": props.get("start"), "endDate": props.get("end"),
        })

    # --- effective ownership -------------------------------------------------------

    def _indirect(self, record: Record) -> Iterator[dict[str, Any]]:
        """Indirect interests in this enterprise, when an enterprise holds part of it."""
        node = record.entity
        if node.label != "Enterprise" or not any(
                r.type == OWNERSHIP and not r.outgoing and r.other_label == "Enterprise"
                and r.other["id"] != node.id for r in record.rels):
            return
        backend, at = self.reader.backend, self.reader.at
        closure = backend.holding_closure(node.id, at, True, MAX_DEPTH)
        integrated = Integrated(closure.holdings, closure.depth)
        shares = integrated.shares_into(node.id)
        circular = integrated.circular_into(node.id) if integrated.cyclic else set()
        held = {h.held for h in closure.holdings}
        carried = contributing(closure.holdings)
        owners = sorted(n for n in shares if n not in held and self.reader.covers(n))
        labels = {n: e.label for n, e in backend.entities(owners, at).items()}
        for owner in owners:
            share = shares[owner]
            direct = sum(h.percent or 0.0 for h in carried
                         if h.holder == owner and h.held == node.id)
            components = _components(owner, node.id, carried)
            if not components or not all(self.reader.covers(n) for n in components[0]):
                continue
            if share is not None and share + 1e-9 < self.threshold:
                continue
            interest: dict[str, Any] = {
                "type": "shareholding", "directOrIndirect": "indirect",
                "beneficialOwnershipOrControl": labels.get(owner) == "Person",
                "startDate": None,
            }
            if share is not None:
                interest["share"] = {"exact": round(share - direct, _SHARE_DECIMALS)}
            if share is None or owner in circular:
                interest["details"] = ("through a cycle of holdings" if share is not None else
                                       "through a cycle of holdings of 100% or more: "
                                       "the share is undefined")
            intermediates, pairs = components
            details = {"isComponent": False, "subject": node.id, "interestedParty": owner,
                       "interests": [_clean(interest)],
                       "componentRecords": [*intermediates,
                                            *(relationship_id(a, b) for a, b in pairs)]}
            yield self._statement(indirect_id(owner, node.id), "relationship", node.id,
                                  details, [])


def _components(owner: str, target: str,
                carried: Sequence[Holding]) -> tuple[list[str], list[tuple[str, str]]] | None:
    """The intermediaries on the owner's holding paths to the target and the holdings
    between them (each holder and held pair once); None when no path has an intermediary."""
    down: dict[str, set[str]] = defaultdict(set)
    up: dict[str, set[str]] = defaultdict(set)
    for h in carried:
        down[h.holder].add(h.held)
        up[h.held].add(h.holder)
    below, above = _reach(owner, down), _reach(target, up)
    between = (below & above) - {owner, target}
    if not between:
        return None
    pairs = sorted({(h.holder, h.held) for h in carried
                    if h.holder in between | {owner} and h.held in between | {target}
                    and (h.holder, h.held) != (owner, target)})
    return sorted(between), pairs


def _reach(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def export_bods(reader: Reader, lines: bool = False, threshold: float = BO_THRESHOLD,
                published: str | None = None) -> Iterator[bytes]:
    """The scope as BODS 0.4 statements: a JSON array, or JSON lines."""
    return json_pieces(BodsWriter(reader, threshold, published).statements(), lines)

