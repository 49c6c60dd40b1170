"""FollowTheMoney in: entities (JSON lines) mapped to the dataset sections and loaded.

What maps to what (README, "FollowTheMoney"):

* `Company`, `Organization`, `PublicBody`, `LegalEntity` -> an enterprise when one of its
  registrationNumber, taxNumber or idNumber is a valid USCC (or a 15-digit registration
  number with jurisdiction cn), or when it is a Company or the asset of an Ownership or
  organisation of a Directorship (keyed `FTM:<id>` then, unless the id already is a
  credgraph key); otherwise an other holder, its category read from legalForm and schema.
* `Person` -> persons (keyed by the entity id).
* `Ownership` -> shareholdings; `Directorship` -> officers (the role as the dataset
  format spells it, e.g. `director` or 董事长); `Sanction` -> list entries when
  programId or program names a credgraph list, penalties when programId is
  `administrative_penalty`.
* `Document`s are provenance: noted, not loaded. Every other schema, and entities whose
  ends are missing, go to the rejects report with the line they are on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credgraph.graph.ids import (
    enterprise_key,
    identifier,
    is_other_register_key,
    other_register_key,
)
from credgraph.interop.ftm import CATEGORY_WORDS, PENALTY_PROGRAM, WAN
from credgraph.interop.namespaces import FTM_SCHEME
from credgraph.interop.rows import (
    IMPORT_PARSERS,
    RecordRows,
    file_digest,
    import_manifest,
    json_records,
    section,
)
from credgraph.loaders.reading import Row
from credgraph.loaders.report import Finding
from credgraph.loaders.rows import Rows

ORGANISATIONS = ("Company", "Organization", "PublicBody", "LegalEntity")
LINKS = {"Ownership": ("owner", "asset"), "Directorship": ("director", "organization"),
         "Sanction": ("entity", None)}
"""The schemata loaded as relationships, with the properties naming their two ends."""
SCHEMA_WORDS = {"PublicBody": CATEGORY_WORDS["state"]}


@dataclass(slots=True)
class _Entity:
    number: int
    schema: str
    props: dict[str, list[str]]
    key: str = ""
    kind: str = ""

    def first(self, name: str) -> str | None:
        values = self.props.get(name) or []
        return str(values[0]) if values else None


def _values(data: dict[str, Any]) -> dict[str, list[str]]:
    raw = data.get("properties")
    if not isinstance(raw, dict):
        return {}
    return {str(k): [str(v) for v in vs] for k, vs in raw.items() if isinstance(vs, list)}


class FtmImport:
    def __init__(self, path: Path) -> None:
        self.path, self.name = path, path.name
        self.refused: list[Finding] = []
        self.notes: list[Finding] = []
        self.entities: dict[str, _Entity] = {}
        self.links: list[_Entity] = []
        for number, data in json_records(path):
            self._read(number, data)
        self._decide()

    def _refuse(self, number: int, column: str, value: str, reason: str) -> None:
        self.refused.append(Finding(self.name, number, column, value, reason))

    def _read(self, number: int, data: Any) -> None:
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            self._refuse(number, "", "", "not an FtM entity (a JSON object with id and schema)")
            return
        entity = _Entity(number, str(data["schema"]), _values(data))
        if entity.schema in ORGANISATIONS or entity.schema == "Person":
            self.entities[str(data["id"])] = entity
        elif entity.schema in LINKS:
            self.links.append(entity)
        elif entity.schema == "Document":
            self.notes.append(Finding(self.name, number, "schema", "Document",
                                      "a provenance document: not loaded"))
        else:
            self._refuse(number, "schema", entity.schema,
                         "no place in the register for this schema")

    def _decide(self) -> None:
        subjects = {v for link in self.links if link.schema != "Sanction"
                    for v in link.props.get(LINKS[link.schema][1] or "", [])}
        for ident, entity in self.entities.items():
            if entity.schema == "Person":
                entity.kind, entity.key = "Person", identifier(ident)
                continue
            domestic = self._domestic(entity)
            if domestic or entity.schema == "Company" or ident in subjects:
                entity.kind = "Enterprise"
                key = identifier(ident)
                entity.key = domestic or (key if is_other_register_key(key)
                                          else other_register_key(FTM_SCHEME, ident))
            else:
                entity.kind, entity.key = "OtherHolder", identifier(ident)

    def _domestic(self, entity: _Entity) -> str:
        jurisdictions = {j.lower() for j in entity.props.get("jurisdiction", [])}
        for name in ("registrationNumber", "taxNumber", "idNumber"):
            for value in entity.props.get(name, []):
                try:
                    key = enterprise_key(value)
                except ValueError:
                    continue
                if len(key) == 18 or "cn" in jurisdictions:
                    return key
        return ""

    # --- rows ----------------------------------------------------------------------

    def rows(self) -> Rows:
        digest = file_digest(self.path)
        placed = self._placed()
        for entity in self.entities.values():
            if entity.kind == "OtherHolder" and entity.key not in placed:
                self._refuse(entity.number, "schema", entity.schema,
                             "an organisation that holds no share loaded here and is no "
                             "enterprise: nothing to place it by")
        sources = [
            RecordRows(section(name), self.name, digest, make)
            for name, make in (("enterprises", self._enterprises), ("persons", self._persons),
                               ("shareholdings", self._holdings), ("officers", self._officers),
                               ("list_entries", self._listings), ("penalties", self._penalties))
        ]
        return Rows(list(sources), import_manifest("ftm", self.name), self.refused, self.notes,
                    IMPORT_PARSERS, origin=self.name)

    def _end(self, link: _Entity, prop: str | None) -> _Entity | None:
        ref = link.first(prop) if prop else None
        return self.entities.get(ref) if ref else None

    def _placed(self) -> set[str]:
        """Holders whose holdings can load; refuses links whose ends are missing."""
        placed: set[str] = set()
        for link in self.links:
            source_prop, target_prop = LINKS[link.schema]
            source = self._end(link, source_prop)
            target = self._end(link, target_prop) if target_prop else None
            if source is None or (target_prop and target is None):
                missing = source_prop if source is None else target_prop
                self._refuse(link.number, missing or "", link.first(missing or "") or "",
                             f"{link.schema}: no entity with this id in the file")
            elif link.schema == "Ownership":
                placed.add(source.key)
        return placed

    def _enterprises(self) -> Iterator[Row]:
        for entity in self.entities.values():
            if entity.kind != "Enterprise":
                continue
            keyed = "uscc" if len(entity.key) == 18 and ":" not in entity.key else "reg_no"
            yield _row(entity.number, {
                keyed: entity.key, "name": entity.first("name"),
                "type": entity.first("legalForm"), "status": entity.first("status"),
                "established": entity.first("incorporationDate"),
                "registered_capital": _wan(entity.first("capital")),
                "address": entity.first("address"),
            })

    def _persons(self) -> Iterator[Row]:
        for entity in self.entities.values():
            if entity.kind == "Person":
                yield _row(entity.number, {
                    "person_id": entity.key, "name": entity.first("name"),
                    "id_number": entity.first("idNumber"),
                    "nationality": entity.first("nationality")})

    def _party(self, entity: _Entity) -> dict[str, str | None]:
        if entity.kind == "OtherHolder":
            word = entity.first("legalForm") or SCHEMA_WORDS.get(entity.schema,
                                                                 CATEGORY_WORDS["unknown"])
            return {"holder": entity.key, "holder_type": word, "holder_name": entity.first("name")}
        return {"holder": entity.key, "holder_type": entity.kind.lower(),
                "holder_name": entity.first("name")}

    def _ends(self, schema: str) -> Iterator[tuple[_Entity, _Entity, _Entity | None]]:
        source_prop, target_prop = LINKS[schema]
        for link in self.links:
            if link.schema != schema:
                continue
            source = self._end(link, source_prop)
            target = self._end(link, target_prop)
            if source is not None and (target is not None or target_prop is None):
                yield link, source, target

    def _holdings(self) -> Iterator[Row]:
        for link, owner, asset in self._ends("Ownership"):
            assert asset is not None
            value = link.first("sharesValue")
            yield _row(link.number, {
                "enterprise": asset.key, **self._party(owner),
                "percent": link.first("percentage"),
                "subscribed_amount": _wan(value),
                "start_date": link.first("startDate"), "end_date": link.first("endDate")})

    def _officers(self) -> Iterator[Row]:
        for link, director, organisation in self._ends("Directorship"):
            assert organisation is not None
            yield _row(link.number, {
                "enterprise": organisation.key, "person_id": director.key,
                "name": director.first("name"), "role": link.first("role"),
                "start_date": link.first("startDate"), "end_date": link.first("endDate")})

    def _listings(self) -> Iterator[Row]:
        for link, subject, _ in self._ends("Sanction"):
            if link.first("programId") == PENALTY_PROGRAM:
                continue
            yield _row(link.number, {
                "subject": subject.key, "subject_type": subject.kind.lower(),
                "list": link.first("programId") or link.first("program"),
                "reason": link.first("reason"), "authority": link.first("authority"),
                "listed_on": link.first("startDate") or link.first("listingDate"),
                "removed_on": link.first("endDate"), "doc_no": link.first("authorityId"),
                "removal_reason": link.first("description")})

    def _penalties(self) -> Iterator[Row]:
        for link, subject, _ in self._ends("Sanction"):
            if link.first("programId") != PENALTY_PROGRAM:
                continue
            yield _row(link.number, {
                "enterprise": subject.key, "doc_no": link.first("authorityId"),
                "violation_type": link.first("reason"), "content": link.first("provisions"),
                "authority": link.first("authority"), "decided_on": link.first("startDate")})


def _wan(yuan: str | None) -> str | None:
    """An amount in yuan as the 万元 a dataset cell holds (other text is left to check_row)."""
    try:
        return repr(float(yuan or "") / WAN)
    except ValueError:
        return yuan


def _row(number: int, values: dict[str, str | None]) -> Row:
    return Row(number, {k: v for k, v in values.items() if v})


def read_ftm(path: Path) -> Rows:
    """The rows of a FollowTheMoney JSON-lines file, and what of it cannot be placed."""
    return FtmImport(path).rows()
