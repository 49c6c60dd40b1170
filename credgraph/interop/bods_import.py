"""BODS 0.4 in: statements mapped to the dataset sections and loaded like a folder.

What maps to what (README, "BODS 0.4"):

* Entity records -> `enterprises` rows when the entity is a registered entity or the
  subject of a shareholding or post; keyed by its `CN-USCI` identifier (USCC) or
  `CN-SAIC` one (registration number), else by its first identifier with a scheme
  (`GB-COH:…`), else by its record id in the publisher's namespace (namespaces.py).
  Other entities (state bodies, arrangements, legal entities) that hold shares become
  other holders, their category read from the entity type.
* Person records -> `persons` rows; anonymous and unknown persons are kept, named for
  what they are, so their shares still count.
* Relationship records -> `shareholdings` rows (shareholding interests, direct or of
  unknown directness, share `exact` or a range with equal ends) and `officers` rows
  (posts: the role named in `details`, else boardChair -> chair, boardMember ->
  director, seniorManagingOfficial -> manager). A record's statements are read in
  date order: an interest no longer stated has ended when its successor started (or on
  the statement's date), and a closed record ends what it still held.
* Indirect shareholding interests are not holdings (credgraph works effective shares
  out from direct ones): the holdings named in `componentRecords` whose share is not
  given are set, all to the same percent, so the chain gives the declared share; the
  warnings report says so. Where every share is given the declared one is compared.
* Everything else (other interest types, statements whose parties are missing) is
  reported: whole statements that give no row go to the rejects report, parts left
  out to the warnings report, each with the statement's number in the file.

Statements published by credgraph (publisher `credgraph`) keep their record ids as
keys, so an export loads back as the same graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credgraph.graph.ids import (
    REG_NO_SCHEME,
    USCC_SCHEME,
    enterprise_key,
    fold,
    identifier,
    other_register_key,
)
from credgraph.graph.vocabulary import load_vocabulary
from credgraph.interop.bods import CATEGORY_TYPES, PUBLISHER
from credgraph.interop.namespaces import bods_scheme
from credgraph.interop.rows import (
    IMPORT_PARSERS,
    RecordRows,
    file_digest,
    import_manifest,
    json_records,
    section,
    text,
)
from credgraph.loaders.reading import Row
from credgraph.loaders.report import Finding
from credgraph.loaders.rows import Rows
from credgraph.queries.links.ownership import Integrated
from credgraph.queries.links.results import Holding

SUPPORTED_VERSION = "0.4"
INTEREST_ROLES = {"boardChair": "chair", "boardMember": "director",
                  "seniorManagingOfficial": "manager"}
"""The post a BODS interest type stands for when `details` names none."""
ENTITY_KIND_WORDS = {"state": "国家机关", "stateBody": "国家机关"}
"""The holder-kind text (docs/data-format.md party types) of entity types with a category."""
OTHER_WORD = CATEGORY_TYPES["unknown"][1]
_TOLERANCE = 0.01
"""Percentage points within which a declared indirect share agrees with the holdings."""


@dataclass(slots=True)
class _Party:
    """The latest statement of an entity or person record."""

    number: int
    date: str
    record_type: str
    details: dict[str, Any]
    key: str = ""
    kind: str = ""
    """Enterprise, Person or OtherHolder, once decided."""


@dataclass(slots=True)
class _Said:
    """One statement of a relationship record."""

    number: int
    date: str
    status: str
    details: dict[str, Any]


@dataclass(slots=True)
class _Fact:
    """A shareholding or post as the record's statements give it over time."""

    kind: str
    """`shareholding`, or the role of a post."""
    start: str | None
    end: str | None
    percent: float | None
    number: int
    """The statement that last stated it."""


@dataclass
class _Relationship:
    record_id: str
    statements: list[_Said] = field(default_factory=list)
    publisher: str = ""

    @property
    def latest(self) -> _Said:
        return self.statements[-1]


def _dict(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (files are not trusted)."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a JSON array (anything else is ignored)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _share(interest: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """The exact percent of an interest's share, or None with a note for a range."""
    share = interest.get("share")
    if not isinstance(share, dict):
        return None, None
    if isinstance(share.get("exact"), int | float):
        return float(share["exact"]), None
    low = share.get("minimum", share.get("exclusiveMinimum"))
    high = share.get("maximum", share.get("exclusiveMaximum"))
    if low is not None and low == high:
        return float(low), None
    return None, f"share given as a range ({low} to {high}): loaded as unknown"


class BodsImport:
    """Reads a BODS 0.4 file (JSON array or JSON lines) into `Rows`."""

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, path.name
        self.refused: list[Finding] = []
        self.notes: list[Finding] = []
        self.parties: dict[str, _Party] = {}
        self.relationships: dict[str, _Relationship] = {}
        self.publishers: dict[str, str] = {}
        self.fill: dict[tuple[str, str], float] = {}
        """(relationship record id, start) of component holdings -> percent worked out."""
        self.indirect_problems: dict[str, str] = {}
        """Relationship record id -> why its declared indirect interest was not used."""
        self.roles = load_vocabulary().spellings("roles")
        self._index()
        self.links = self._links()
        """Relationship records named as components of an indirect interest."""
        self._decide_parties()
        for rel, interest in self._declared():
            problem = self._derive(rel, interest)
            if problem:
                self.indirect_problems[rel.record_id] = problem

    # --- reading -------------------------------------------------------------------

    def _refuse(self, number: int, column: str, value: str, reason: str) -> None:
        self.refused.append(Finding(self.name, number, column, value, reason))

    def _note(self, number: int, column: str, value: str, reason: str) -> None:
        self.notes.append(Finding(self.name, number, column, value, reason))

    def _index(self) -> None:
        for number, statement in json_records(self.path):
            problem = self._problem(statement)
            if problem:
                self._refuse(number, *problem)
                continue
            record_id = str(statement["recordId"])
            record_type = statement["recordType"]
            date = str(statement.get("statementDate") or "")
            publisher = str(_dict(_dict(statement.get("publicationDetails")).get("publisher"))
                            .get("name") or "")
            self.publishers[record_id] = publisher
            details = statement["recordDetails"]
            if record_type == "relationship":
                rel = self.relationships.setdefault(record_id, _Relationship(record_id))
                rel.publisher = publisher
                rel.statements.append(_Said(number, date, str(statement.get("recordStatus")),
                                            details))
                continue
            known = self.parties.get(record_id)
            if known is not None and known.record_type != record_type:
                self._refuse(number, "recordType", record_type,
                             f"record {record_id} was a {known.record_type} before")
            elif known is None or (date, number) >= (known.date, known.number):
                self.parties[record_id] = _Party(number, date, record_type, details)
        for rel in self.relationships.values():
            rel.statements.sort(key=lambda s: (s.date, s.number))

    def _problem(self, statement: Any) -> tuple[str, str, str] | None:
        if not isinstance(statement, dict):
            return "", "", "not a JSON object"
        if "statementType" in statement and "recordId" not in statement:
            return ("statementType", str(statement["statementType"]),
                    f"a statement of BODS before 0.4: only BODS {SUPPORTED_VERSION} is read")
        version = str(_dict(statement.get("publicationDetails")).get("bodsVersion") or "")
        if version and version.split(".")[:2] != SUPPORTED_VERSION.split("."):
            return "bodsVersion", version, f"only BODS {SUPPORTED_VERSION} is read"
        for name in ("recordId", "recordType", "recordDetails"):
            if not statement.get(name):
                return name, "", "required value missing"
        if statement["recordType"] not in ("entity", "person", "relationship"):
            return "recordType", str(statement["recordType"]), "not entity, person or relationship"
        if not isinstance(statement["recordDetails"], dict):
            return "recordDetails", "", "not a JSON object"
        return None

    # --- parties -------------------------------------------------------------------

    def _namespaced(self, record_id: str) -> str:
        publisher = self.publishers.get(record_id, "")
        if publisher == PUBLISHER:
            return identifier(record_id)
        return other_register_key(bods_scheme(publisher), record_id)

    def _subjects(self) -> set[str]:
        """Entities that are the subject of a shareholding or a post: they must be enterprises."""
        found: set[str] = set()
        for rel in self.relationships.values():
            for said in rel.statements:
                subject = said.details.get("subject")
                if isinstance(subject, str) and (rel.record_id in self.links or any(
                        self._kind(i) for i in _dicts(said.details.get("interests")))):
                    found.add(subject)
        return found

    def _decide_parties(self) -> None:
        subjects = self._subjects()
        for record_id, party in self.parties.items():
            if party.record_type == "person":
                party.kind, party.key = "Person", self._namespaced(record_id)
                continue
            domestic = self._domestic_key(party)
            entity_type = str(_dict(party.details.get("entityType")).get("type") or "")
            if domestic or record_id in subjects or entity_type == "registeredEntity":
                party.kind = "Enterprise"
                party.key = domestic or self._foreign_key(record_id, party)
            else:
                party.kind, party.key = "OtherHolder", self._foreign_key(record_id, party)

    def _domestic_key(self, party: _Party) -> str:
        """The USCC or registration number among the entity's identifiers, if any."""
        for ident in _dicts(party.details.get("identifiers")):
            scheme = str(ident.get("scheme") or "")
            if scheme in (USCC_SCHEME, REG_NO_SCHEME) and ident.get("id"):
                try:
                    return enterprise_key(str(ident["id"]))
                except ValueError as e:
                    self._note(party.number, "identifiers", str(ident["id"]), str(e))
        return ""

    def _foreign_key(self, record_id: str, party: _Party) -> str:
        if self.publishers.get(record_id) == PUBLISHER:
            return identifier(record_id)
        for ident in _dicts(party.details.get("identifiers")):
            if ident.get("scheme") and ident.get("id"):
                try:
                    return other_register_key(str(ident["scheme"]), str(ident["id"]))
                except ValueError:
                    continue
        return self._namespaced(record_id)

    def _name(self, party: _Party) -> str:
        details = party.details
        if party.record_type == "entity":
            if details.get("name"):
                return str(details["name"])
            kind = str(_dict(details.get("entityType")).get("type") or "unknownEntity")
            return f"({kind})"
        for name in _dicts(details.get("names")):
            if name.get("fullName"):
                return str(name["fullName"])
            parts = [name.get("givenName"), name.get("familyName")]
            if any(parts):
                return " ".join(str(p) for p in parts if p)
        reason = _dict(details.get("unspecifiedPersonDetails")).get("reason")
        what = str(details.get("personType") or "unknownPerson")
        return f"({what}: {reason})" if reason else f"({what})"

    # --- relationships -------------------------------------------------------------

    def _kind(self, interest: Mapping[str, Any]) -> str | None:
        """What an interest becomes: `shareholding`, a role, or None (not placeable)."""
        kind = interest.get("type")
        if interest.get("directOrIndirect") == "indirect":
            return None
        if kind == "shareholding":
            return "shareholding"
        details = str(interest.get("details") or "")
        role = self.roles.get(fold(details).lower())
        if role is not None:
            return role
        return INTEREST_ROLES.get(str(kind)) if kind else None

    def _facts(self, rel: _Relationship, link: bool) -> list[_Fact]:
        """The record's holdings and posts over time (module docstring); with `link`, an
        interest of no type is taken as a holding of unknown share (a chain's component).

        An interest is known by its kind and start date. One that a statement no longer
        gives ended when a successor of its kind started, else on that statement's date; a
        share that changes under the same start changes on the statement's date.
        """
        facts: list[_Fact] = []
        current: dict[tuple[str, str | None], _Fact] = {}
        for said in rel.statements:
            day = _date(said.date)
            stated: dict[tuple[str, str | None], tuple[float | None, str | None]] = {}
            for interest in _dicts(said.details.get("interests")):
                kind = self._kind(interest)
                if kind is None and link and not interest.get("type") and interest.get(
                        "directOrIndirect") != "indirect":
                    kind = "shareholding"
                if kind is not None:
                    percent = _share(interest)[0] if kind == "shareholding" else None
                    stated[(kind, _date(interest.get("startDate")))] = (
                        percent, _date(interest.get("endDate")))
            for key, gone in current.items():
                if key not in stated and gone.end is None:
                    later = [k[1] for k in stated if k[0] == key[0] and k[1]
                             and (not gone.start or k[1] > gone.start)]
                    gone.end = min(later) if later else day
            for key, (percent, end) in stated.items():
                known = current.get(key)
                if known is not None and (known.percent == percent or not day
                                          or (known.start and day <= known.start)):
                    known.percent, known.end, known.number = percent, end, said.number
                    continue
                if known is not None:
                    known.end = day  # the share changed: a new version from this statement
                fact = _Fact(key[0], key[1] if known is None else day, end, percent,
                             said.number)
                facts.append(fact)
                current[key] = fact
            current = {key: current[key] for key in stated}
            if said.status == "closed":
                for fact in current.values():
                    fact.end = fact.end or day
                current = {}
        return sorted(facts, key=lambda f: (f.kind, f.start or "", f.number))

    def _declared(self) -> list[tuple[_Relationship, Mapping[str, Any]]]:
        """Indirect shareholding interests as each record's latest statement declares them."""
        return [(rel, interest) for rel in self.relationships.values()
                for interest in _dicts(rel.latest.details.get("interests"))
                if interest.get("directOrIndirect") == "indirect"
                and interest.get("type") in (None, "shareholding")]

    def _links(self) -> set[str]:
        return {str(c) for rel, _ in self._declared()
                for c in rel.latest.details.get("componentRecords") or ()}

    def _derive(self, rel: _Relationship, interest: Mapping[str, Any]) -> str | None:
        """Fill the chain's unknown shares from a declared indirect share; why not, if not."""
        said = rel.latest
        owner = self._party_of(said.details.get("interestedParty"))
        target = self._party_of(said.details.get("subject"))
        percent, range_note = _share(interest)
        components = [self.relationships[c] for c in
                      (str(c) for c in said.details.get("componentRecords") or ())
                      if c in self.relationships]
        if owner is None or target is None:
            return "indirect interest not used: its parties are not in this file"
        if not components:
            return "indirect interest not used: no component records to place the chain by"
        if percent is None:
            return f"indirect interest not used: {range_note or 'no share given'}"
        holdings: list[Holding] = []
        unknown: list[tuple[str, str | None]] = []
        for component in components:
            holder = self._party_of(component.latest.details.get("interestedParty"))
            held = self._party_of(component.latest.details.get("subject"))
            if holder is None or held is None:
                continue
            for fact in self._facts(component, link=True):
                if fact.kind == "shareholding" and fact.end is None:
                    holdings.append(Holding(holder.key, held.key,
                                            f"{component.record_id}|{fact.start}",
                                            fact.percent, {}))
                    if fact.percent is None:
                        unknown.append((component.record_id, fact.start))
        keys = {f"{record_id}|{start}" for record_id, start in unknown}
        if not unknown:
            found = _effective(holdings, owner.key, target.key, set(), 0.0)
            if abs(found - percent) > _TOLERANCE:
                self._note(said.number, "interests", f"{percent:g}",
                           f"declared indirect share differs from the {found:g}% the component "
                           "holdings give")
            return None
        share = _solve(holdings, owner.key, target.key, percent, keys)
        if share is None:
            return (f"indirect interest not used: the component holdings cannot give the "
                    f"declared {percent:g}%")
        for record_id, start in unknown:
            self.fill[(record_id, start or "")] = share
        self._note(said.number, "componentRecords", ", ".join(sorted({r for r, _ in unknown})),
                   f"share of the component holding(s) not given: set to {share:g}% so the "
                   f"chain gives the declared indirect {percent:g}%")
        return None

    def _party_of(self, ref: Any) -> _Party | None:
        return self.parties.get(ref) if isinstance(ref, str) else None

    # --- rows ----------------------------------------------------------------------

    def rows(self) -> Rows:
        digest = file_digest(self.path)
        placed = self._placed()
        for record_id, party in self.parties.items():
            if party.kind == "OtherHolder" and record_id not in placed:
                self._refuse(party.number, "recordId", record_id,
                             "an entity that is not a registered entity and holds no share "
                             "loaded here: nothing to place it by")
        sources = [
            RecordRows(section("enterprises"), self.name, digest, self._enterprise_rows),
            RecordRows(section("persons"), self.name, digest, self._person_rows),
            RecordRows(section("shareholdings"), self.name, digest, self._holding_rows),
            RecordRows(section("officers"), self.name, digest, self._officer_rows),
        ]
        return Rows(list(sources), import_manifest("bods", self.name), self.refused, self.notes,
                    IMPORT_PARSERS, origin=self.name)

    def _placed(self) -> set[str]:
        """Parties that hold something loaded; reports what of each relationship is not."""
        placed: set[str] = set()
        for rel in self.relationships.values():
            said = rel.latest
            interests = _dicts(said.details.get("interests"))
            facts = self._facts(rel, link=rel.record_id in self.links)
            linked = rel.record_id in self.links
            left = sorted({str(i.get("type") or "(no type)") for i in interests
                           if self._kind(i) is None and i.get("directOrIndirect") != "indirect"
                           and not (linked and not i.get("type"))})
            indirect = any(i.get("directOrIndirect") == "indirect" for i in interests)
            unused = self.indirect_problems.get(rel.record_id)
            if not facts:
                if indirect and not unused:
                    continue  # its chain's shares were worked out from it
                undisclosed = _dict(said.details.get("interestedParty")).get("reason")
                reason = unused or "no shareholding or post among the interests"
                if undisclosed:
                    reason += f"; the interested party is not disclosed ({undisclosed})"
                self._refuse(said.number, "interests", ", ".join(left) or "(none)", reason)
                continue
            problem = self._parties_problem(said)
            if problem:
                self._refuse(said.number, *problem)
                continue
            if left:
                self._note(said.number, "interests", ", ".join(left),
                           "interest type(s) with no place in the register: left out")
            if unused:
                self._note(said.number, "interests", "indirect", unused)
            party = said.details.get("interestedParty")
            found = self.parties.get(party) if isinstance(party, str) else None
            if any(f.kind != "shareholding" for f in facts) and (
                    found is None or found.kind != "Person"):
                self._note(said.number, "interestedParty", str(party),
                           "posts are held by persons: the posts of this party are left out")
            placed.add(str(party))
        return placed

    def _parties_problem(self, said: _Said) -> tuple[str, str, str] | None:
        subject = said.details.get("subject")
        party = said.details.get("interestedParty")
        if not isinstance(subject, str):
            return "subject", "", "the subject is not disclosed"
        found = self.parties.get(subject)
        if found is None:
            return "subject", subject, "no entity statement for the subject in this file"
        if found.kind != "Enterprise":
            return "subject", subject, "the subject is not an entity"
        if isinstance(party, str) and party not in self.parties:
            return "interestedParty", party, "no statement for the interested party in this file"
        return None

    def _enterprise_rows(self) -> Iterator[Row]:
        for party in self.parties.values():
            if party.kind != "Enterprise":
                continue
            details = party.details
            keyed = "uscc" if len(party.key) == 18 and ":" not in party.key else "reg_no"
            addresses = _dicts(details.get("addresses"))
            address = next((a.get("address") for a in addresses
                            if a.get("type") == "registered"), None) or next(
                (a.get("address") for a in addresses), None)
            values = {keyed: party.key, "name": self._name(party),
                      "type": text(_dict(details.get("entityType")).get("details")),
                      "established": text(details.get("foundingDate")),
                      "address": text(address)}
            yield Row(party.number, {k: v for k, v in values.items() if v})

    def _person_rows(self) -> Iterator[Row]:
        for party in self.parties.values():
            if party.kind != "Person":
                continue
            nationality = next((n.get("name") or n.get("code")
                                for n in _dicts(party.details.get("nationalities"))), None)
            values = {"person_id": party.key, "name": self._name(party),
                      "nationality": text(nationality)}
            yield Row(party.number, {k: v for k, v in values.items() if v})

    def _ends(self, rel: _Relationship) -> tuple[_Party, Any] | None:
        """The subject and the interested party (a record or an undisclosed party)."""
        if self._parties_problem(rel.latest) is not None:
            return None
        return self.parties[rel.latest.details["subject"]], rel.latest.details["interestedParty"]

    def _holding_rows(self) -> Iterator[Row]:
        for rel in self.relationships.values():
            ends = self._ends(rel)
            if ends is None:
                continue
            subject, party = ends
            for fact in self._facts(rel, link=rel.record_id in self.links):
                if fact.kind != "shareholding":
                    continue
                percent = fact.percent
                if percent is None:
                    percent = self.fill.get((rel.record_id, fact.start or ""))
                values = {"enterprise": subject.key, **self._holder(rel, party),
                          "percent": text(percent), "start_date": fact.start,
                          "end_date": fact.end}
                yield Row(fact.number, {k: v for k, v in values.items() if v})

    def _holder(self, rel: _Relationship, party: Any) -> dict[str, str]:
        if isinstance(party, dict):  # undisclosed: an other holder of this relationship's own
            reason = party.get("reason") or "unknown"
            return {"holder": other_register_key(bods_scheme(rel.publisher),
                                                 f"{rel.record_id}#PARTY"),
                    "holder_type": OTHER_WORD, "holder_name": f"(undisclosed: {reason})"}
        found = self.parties[party]
        if found.kind == "OtherHolder":
            details = found.details
            entity_type = _dict(details.get("entityType"))
            word = (entity_type.get("details")
                    or ENTITY_KIND_WORDS.get(str(entity_type.get("type")), OTHER_WORD))
            return {"holder": found.key, "holder_type": str(word),
                    "holder_name": self._name(found)}
        return {"holder": found.key, "holder_type": found.kind.lower(),
                "holder_name": self._name(found)}

    def _officer_rows(self) -> Iterator[Row]:
        for rel in self.relationships.values():
            ends = self._ends(rel)
            if ends is None:
                continue
            subject, party = ends
            posts = [f for f in self._facts(rel, link=False) if f.kind != "shareholding"]
            if not posts:
                continue
            found = self.parties.get(party) if isinstance(party, str) else None
            if found is None or found.kind != "Person":
                continue  # reported by _placed
            for fact in posts:
                values = {"enterprise": subject.key, "person_id": found.key,
                          "name": self._name(found), "role": fact.kind,
                          "start_date": fact.start, "end_date": fact.end}
                yield Row(fact.number, {k: v for k, v in values.items() if v})


def _effective(holdings: Sequence[Holding], owner: str, target: str,
               unknown: set[str], guess: float) -> float:
    """The owner's effective percent of the target with the unknown holdings at `guess`."""
    filled = [Holding(h.holder, h.held, h.key, guess if h.key in unknown else h.percent, h.props)
              for h in holdings]
    share = Integrated(filled).shares_into(target).get(owner, 0.0)
    return share or 0.0


def _solve(holdings: Sequence[Holding], owner: str, target: str, declared: float,
           unknown: set[str]) -> float | None:
    """The one percent that, given to every unknown holding, makes the chain give `declared`
    (bisection: the effective share grows with it); None when even 100% gives less."""
    if _effective(holdings, owner, target, unknown, 100.0) + _TOLERANCE < declared:
        return None
    low, high = 0.0, 100.0
    for _ in range(60):
        middle = (low + high) / 2
        if _effective(holdings, owner, target, unknown, middle) < declared:
            low = middle
        else:
            high = middle
    return round(high, 6)


def read_bods(path: Path) -> Rows:
    """The rows of a BODS 0.4 file, and what of it cannot be placed."""
    return BodsImport(path).rows()

