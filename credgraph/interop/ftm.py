"""FollowTheMoney out (OCCRP Aleph, OpenSanctions, `ftm` tools): entities as JSON lines.

What maps to what (README, "FollowTheMoney"):

* Enterprise -> `Company`: name, registrationNumber (USCC or registration number, or the
  id at its own register), jurisdiction, incorporationDate, status, legalForm (企业类型),
  address, capital (in yuan).
* Person -> `Person`: name, nationality (as a country code where credgraph knows it),
  idNumber (masked as the API shows it).
* Other holder -> `PublicBody` for the state, `Organization` otherwise; legalForm names
  the category.
* Holding -> `Ownership` (owner, asset, percentage, sharesValue in yuan, sharesCurrency,
  startDate, endDate); post -> `Directorship` (director, organization, role as 董事长,
  法定代表人 …, startDate, endDate).
* List entry -> `Sanction` (entity, program = the list, programId = its credgraph value,
  reason, authority, authorityId = document number, startDate/listingDate, endDate,
  description = removal reason); administrative penalty -> `Sanction` with programId
  `administrative_penalty` (reason = violation type, provisions = content).
* Provenance: one `Document` per loaded file and batch, named by every entity's `proof`;
  `retrievedAt` is the load time, and `recordId` of Ownership, Directorship and Sanction
  entities the file and row.

Equity pledges, chattel mortgages and lifecycle events have no entity here yet.
Ids are credgraph's ids for entities and derived from the relationship key for the
others, so exporting the same facts again gives the same entities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from credgraph.graph.ids import is_other_register_key, split_other_register_key
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.interop.jsonout import json_pieces
from credgraph.interop.namespaces import is_credgraph_namespace
from credgraph.interop.scope import Reader, Record
from credgraph.queries.links.results import OWNERSHIP, Entity, RawRel

PENALTY_PROGRAM = "administrative_penalty"
"""Sanction.programId of an administrative penalty (行政处罚)."""
PENALTY_LABEL = "行政处罚"
POSTS = ("OFFICER", "LEGAL_REPRESENTATIVE")
COUNTRY_CODES = {"中国": "cn", "中华人民共和国": "cn", "china": "cn", "chn": "cn"}
"""Nationalities credgraph spells as words, as the country codes FtM asks for."""
CATEGORY_SCHEMA = {"state": "PublicBody"}
CATEGORY_WORDS = {"state": "国家机关", "foreign": "境外", "collective": "集体", "unknown": "其他"}
"""Other holders' category as the legalForm an import reads it from (party types)."""
WAN = 10_000
"""Yuan in one 万元, the unit the register prints amounts in."""


def entity_id(prefix: str, key: str) -> str:
    """A stable id for an entity credgraph has no id of its own for."""
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()}"


def _props(**values: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is None or value == "" or value == []:
            continue
        items = value if isinstance(value, list) else [value]
        found[name] = [str(v) for v in items if v is not None and v != ""]
    return {k: v for k, v in found.items() if v}


def _yuan(amount: Any) -> str | None:
    return None if amount is None else repr(round(float(amount) * WAN, 2))


def _timestamp(value: Any) -> str | None:
    """A load time as FtM spells dates and times (UTC, no offset)."""
    return str(value)[:19] if value else None


def country(text: Any) -> str | None:
    if not text:
        return None
    word = str(text).strip()
    if len(word) == 2 and word.isascii() and word.isalpha():
        return word.lower()
    return COUNTRY_CODES.get(word.lower())


class FtmWriter:
    """One pass over the scope: each entity, then the relationships stored from it."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        vocabulary = load_vocabulary()
        self.roles, self.lists = vocabulary.roles, vocabulary.list_types
        self.sources: dict[str, dict[str, Any]] = {}

    def entities(self) -> Iterator[dict[str, Any]]:
        for record in self.reader.records():
            yield self._entity(record.entity)
            yield from self._links(record)
        yield from self.sources.values()

    def _make(self, schema: str, ident: str, props: dict[str, list[str]],
              source: Mapping[str, Any], interval: bool = False) -> dict[str, Any]:
        proof = self._proof(source)
        extra = _props(proof=proof, retrievedAt=_timestamp(source.get("loaded_at")),
                       recordId=(f"{source.get('src_file')}#{source.get('src_row')}"
                                 if interval and source.get("src_file") else None))
        return {"id": ident, "schema": schema, "properties": {**props, **extra}}

    def _proof(self, source: Mapping[str, Any]) -> str | None:
        """The Document of the loaded file a fact came from (made once per file and batch)."""
        file, batch = source.get("src_file"), source.get("batch_id")
        if not file:
            return None
        ident = entity_id("source", f"{file}|{batch}")
        if ident not in self.sources:
            self.sources[ident] = {"id": ident, "schema": "Document", "properties": _props(
                fileName=file, title=f"{file} (load batch {batch})",
                retrievedAt=_timestamp(source.get("loaded_at")))}
        return ident

    def _entity(self, node: Entity) -> dict[str, Any]:
        p = node.props
        if node.label == "Person":
            return self._make("Person", node.id, _props(
                name=node.name, nationality=country(p.get("nationality")),
                idNumber=p.get("id_number")), p)
        if node.label == "Enterprise":
            number: str | None = p.get("uscc") or p.get("reg_no")
            jurisdiction: str | None = "cn"
            if not p.get("uscc") and is_other_register_key(str(number or "")):
                scheme, ident = split_other_register_key(str(number))
                number = None if is_credgraph_namespace(scheme) else ident
                code = scheme.split("-")[0]
                jurisdiction = code.lower() if len(code) == 2 and number else None
            return self._make("Company", node.id, _props(
                name=node.name, registrationNumber=number, jurisdiction=jurisdiction,
                incorporationDate=p.get("established"), status=p.get("status"),
                legalForm=p.get("type"), address=p.get("address"),
                capital=_yuan(p.get("registered_capital"))), p)
        category = str(p.get("category") or "unknown")
        return self._make(CATEGORY_SCHEMA.get(category, "Organization"), node.id, _props(
            name=node.name, legalForm=CATEGORY_WORDS.get(category, CATEGORY_WORDS["unknown"])),
            p)

    def _links(self, record: Record) -> Iterator[dict[str, Any]]:
        node = record.entity
        for rel in record.rels:
            if not rel.outgoing:
                continue
            if rel.type == OWNERSHIP:
                yield self._ownership(node, rel)
            elif rel.type in POSTS:
                yield self._directorship(node, rel)
            elif rel.type == "LISTED":
                yield self._listing(node, rel)
            elif rel.type == "PENALISED":
                yield self._penalty(node, rel)

    def _ownership(self, node: Entity, rel: RawRel) -> dict[str, Any]:
        p = rel.props
        amount = p.get("subscribed_amount")
        return self._make("Ownership", entity_id("ownership", rel.key), _props(
            owner=node.id, asset=str(rel.other["id"]),
            percentage=None if p.get("percent") is None else repr(float(p["percent"])),
            sharesValue=_yuan(amount),
            sharesCurrency=(rel.other.get("currency") or "CNY") if amount is not None else None,
            startDate=p.get("start"), endDate=p.get("end")), p, interval=True)

    def _directorship(self, node: Entity, rel: RawRel) -> dict[str, Any]:
        p = rel.props
        role = str(p.get("role"))
        term = self.roles.get(role)
        return self._make("Directorship", entity_id("directorship", f"{rel.type}|{rel.key}"),
                          _props(director=node.id, organization=str(rel.other["id"]),
                                 role=term.zh if term else role, startDate=p.get("start"),
                                 endDate=p.get("end")), p, interval=True)

    def _listing(self, node: Entity, rel: RawRel) -> dict[str, Any]:
        entry = rel.other
        kind = str(entry.get("list"))
        term = self.lists.get(kind)
        return self._make("Sanction", entity_id("sanction", str(entry["id"])), _props(
            entity=node.id, program=term.zh if term else kind, programId=kind,
            reason=entry.get("reason"), authority=entry.get("authority"),
            authorityId=entry.get("doc_no"), startDate=entry.get("listed_on"),
            listingDate=entry.get("listed_on"), endDate=entry.get("removed_on"),
            description=entry.get("removal_reason")), entry, interval=True)

    def _penalty(self, node: Entity, rel: RawRel) -> dict[str, Any]:
        penalty = rel.other
        return self._make("Sanction", entity_id("penalty", str(penalty["id"])), _props(
            entity=node.id, program=PENALTY_LABEL, programId=PENALTY_PROGRAM,
            authorityId=penalty.get("doc_no"), reason=penalty.get("violation_type"),
            provisions=penalty.get("content"), authority=penalty.get("authority"),
            startDate=penalty.get("decided_on")), penalty, interval=True)


def export_ftm(reader: Reader) -> Iterator[bytes]:
    """The scope as FollowTheMoney entities, one JSON object a line."""
    return json_pieces((orjson.dumps(e) for e in FtmWriter(reader).entities()), lines=True)
