"""From checked rows to fact versions, one builder per dataset section.

`check_row` turns a row's text into clean values or findings; the builders then
need only the references the chunk resolved against the store, so a chunk costs
two store look-ups, not one per row. Each row gives one fact version per fact it
states (an officer row per role), plus the records of the parties it names; a
`retract` row gives only the keys of the facts it withdraws.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from credgraph.graph.contacts import CONTACT_KINDS, norm_property, normalise_contact
from credgraph.graph.ids import (
    enterprise_key,
    identifier,
    is_other_register_key,
    name_key,
    uscc_notes,
)
from credgraph.graph.records import (
    EdgeRecord,
    EnterpriseRef,
    FactVersion,
    Identity,
    NodeRecord,
    digest,
)
from credgraph.graph.vocabulary import LEGAL_REPRESENTATIVE
from credgraph.loaders.normalize import PARSERS, holder_category, parse_roles, parse_text
from credgraph.loaders.reading import Row
from credgraph.loaders.spec import SectionSpec

RETRACT = "retract"
PERSONS, HOLDERS = "persons", "holders"
"""The sections of the records that rows of other sections make for the parties they name."""


class RowRejected(Exception):
    """Raised by a builder for a row that cannot be loaded."""

    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Checked:
    row: Row
    values: dict[str, Any]

    @property
    def retract(self) -> bool:
        return bool(self.values.get("op") == RETRACT)


def check_row(
    section: SectionSpec, row: Row, parsers: Mapping[str, Callable[[str], Any]] = PARSERS,
) -> tuple[dict[str, Any], list[RowRejected]]:
    """Parse every cell; a row with any finding is refused whole, with all of them.

    `parsers` gives each column type's parser (a load of another format may accept more
    enterprise keys, credgraph.interop); an enterprise party is read as an `enterprise`.

    A `retract` row needs only its key columns (and the columns their parsing
    depends on); its other cells are not checked, since it states no values.
    """
    return check_rows(section, [row], parsers)[0]


_Parsed = tuple[bool, Any]
"""A parser's answer for one text: (True, value) or (False, the reason it refused it)."""


class _Cells:
    """Each column type's parser, run once per distinct text of a chunk: a chunk's rows
    repeat dates, roles, kinds and the enterprise they are about. Parsers are pure, so a
    remembered answer is the answer; a list is copied, so no two rows share one."""

    def __init__(self, parsers: Mapping[str, Callable[[str], Any]]) -> None:
        self.parsers = parsers
        self.seen: dict[str, dict[str, _Parsed]] = defaultdict(dict)

    def parse(self, kind: str, raw: str) -> _Parsed:
        seen = self.seen[kind]
        found = seen.get(raw)
        if found is None:
            try:
                found = seen[raw] = (True, self.parsers[kind](raw))
            except ValueError as e:
                found = seen[raw] = (False, str(e))
        return (True, found[1].copy()) if found[0] and type(found[1]) is list else found


def check_rows(
    section: SectionSpec, rows: Sequence[Row],
    parsers: Mapping[str, Callable[[str], Any]] = PARSERS,
) -> list[tuple[dict[str, Any], list[RowRejected]]]:
    """`check_row` for each of a chunk's rows, in order, parsing each distinct text once."""
    columns = list(section.columns.values())
    kept_by_retract = {*section.keys, "op", "op_reason"} | {
        c for k in section.keys if (c := section.columns[k].kind_column) is not None}
    parsed = [(c.name, c.type, c.required, c.name in kept_by_retract,
               # the text type is the text itself: nothing to parse or remember
               parsers[c.type] if parsers[c.type] is parse_text else None)
              for c in columns]
    related = [(c.name, c.kind_column, c.after) for c in columns if c.kind_column or c.after]
    one_of = set(section.one_of_required)
    one_of_name = "/".join(section.one_of_required)
    cells = _Cells(parsers)
    checked: list[tuple[dict[str, Any], list[RowRejected]]] = []
    for row in rows:
        given = row.values
        values: dict[str, Any] = {}
        problems = [RowRejected(p.column, p.value, p.reason) for p in row.problems]
        faulty = {p.column for p in row.problems}
        op = given.get("op")
        # a bad op is reported with the other cells
        retract = op is not None and cells.parse("op", op) == (True, RETRACT)
        for name, kind, required, kept, text in parsed:
            if retract and not kept:
                continue
            raw = given.get(name)
            if raw is None:
                if required and name not in faulty:
                    problems.append(RowRejected(name, "", "required value missing"))
                continue
            if name in faulty:
                continue
            if text is not None:
                values[name] = raw
                continue
            ok, value = cells.parse(kind, raw)
            if ok:
                values[name] = value
            else:
                problems.append(RowRejected(name, raw, value))
        if one_of and not one_of & (given.keys() | faulty):
            problems.append(RowRejected(one_of_name, "", "required value missing"))
        for name, kind_column, after_column in related:
            if kind_column and name in values and values.get(kind_column) == "enterprise":
                raw = given.get(name, "")
                ok, value = cells.parse("enterprise", raw)
                if ok:
                    values[name] = value
                else:
                    problems.append(RowRejected(name, raw, value))
            after = values.get(after_column) if after_column else None
            if after is not None and name in values and values[name] < after:
                problems.append(RowRejected(name, given.get(name, ""), f"before {after_column}"))
        checked.append((values, problems))
    return checked


def enterprise_refs(section: SectionSpec, values: dict[str, Any]) -> list[str]:
    """The enterprise references a row makes: subject columns and enterprise parties."""
    refs = [values[c.name] for c in section.columns.values() if c.type == "enterprise"
            and c.name in values]
    for c in section.columns.values():
        if c.kind_column and values.get(c.kind_column) == "enterprise" and c.name in values:
            refs.append(values[c.name])
    return refs


def entity_refs(section: SectionSpec, values: dict[str, Any]) -> list[str]:
    """The person references a row makes, to find which exist already."""
    refs = [values[c.name] for c in section.columns.values() if c.type == "person_id"
            and c.name in values and section.name != PERSONS]
    for c in section.columns.values():
        if c.kind_column and values.get(c.kind_column) == "person" and c.name in values:
            refs.append(values[c.name])
    return refs


@dataclass
class Resolved:
    """What the store knew of the chunk's references, and the persons the load created."""

    enterprises: dict[str, EnterpriseRef]
    entities: dict[str, str]
    created: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Stamp:
    """What every version a load writes carries besides its values."""

    rec: str
    source: str
    provenance: dict[str, Any]
    """batch_id, loaded_at, src_file; the row number is added per row."""


@dataclass(slots=True)
class Built:
    versions: list[FactVersion] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    retract: list[str] = field(default_factory=list)
    """Keys of the section's facts a retract row withdraws."""
    objected: list[tuple[str, str]] = field(default_factory=list)
    """(section, fact) an objection names: it must be in the register."""
    withdraws: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    """(section, fact) an upheld objection withdraws, and why."""
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, value, message) for the row being built."""


class Builder:
    """Builds one row's fact versions."""

    def __init__(self, section: SectionSpec, resolved: Resolved, checked: Checked,
                 stamp: Stamp) -> None:
        self.section, self.resolved = section, resolved
        self.values, self.row = checked.values, checked.row
        self.stamp = stamp
        self.provenance = {**stamp.provenance, "src_row": checked.row.number}
        self.out = Built()

    def version(self, fact: str, nodes: tuple[NodeRecord, ...] = (),
                edges: tuple[EdgeRecord, ...] = (), section: str | None = None,
                placeholder: bool = False) -> None:
        """One version of a fact this row states (of the row's own section unless named)."""
        self.out.versions.append(FactVersion(
            section or self.section.name, fact, self.stamp.rec, self.stamp.source, nodes, edges,
            self.provenance, self.values.get("op_reason"), placeholder, digest(nodes, edges)))

    def enterprise(self, column: str) -> EnterpriseRef:
        """The enterprise a subject column names; it must exist (else a bad row)."""
        ref = self.values[column]
        found = self.resolved.enterprises.get(ref)
        if found is None:
            raise RowRejected(
                column, ref, "refers to an enterprise neither in the dataset nor in the graph"
            )
        return found

    def enterprise_id(self, column: str) -> str:
        """For keys: the enterprise's id when it is known, else the reference as written."""
        ref: str = self.values[column]
        found = self.resolved.enterprises.get(ref)
        return found.id if found is not None else ref

    def party(self, column: str) -> str:
        """The node id of a party; a person missing from `persons` is created from the row.

        An enterprise party must exist, like any enterprise a row refers to
        (docs/data-format.md); an other holder's record comes from the row.
        """
        spec = self.section.columns[column]
        kind = self.values[spec.kind_column] if spec.kind_column else "person"
        ref: str = self.values[column]
        name = self.values.get(spec.name_column) if spec.name_column else None
        if kind == "enterprise":
            return self.enterprise(column).id
        if kind == "person":
            if ref not in self.resolved.entities:
                self._placeholder(ref, name, column)
            return ref
        if not name:
            raise RowRejected(spec.name_column or column, "", "other holders need a name")
        label = "OtherHolder"
        self.out.identities.append(Identity(label, ref))
        self.version(ref, (NodeRecord("HolderRecord", ref, {
            "of": ref, "name": name, "name_norm": name_key(name),
            "category": holder_category(name, self.row.values.get(spec.kind_column or "", "")),
        }),), section=HOLDERS)
        return ref

    def _placeholder(self, ref: str, name: str | None, column: str) -> None:
        """A person referenced but missing from `persons` is created, with a warning."""
        display = name or ref
        self.out.identities.append(Identity("Person", ref))
        self.version(ref, (NodeRecord("PersonRecord", ref, {
            "of": ref, "name": display, "name_norm": name_key(display),
        }),), section=PERSONS, placeholder=True)
        if ref not in self.resolved.created:
            self.resolved.created.add(ref)
            self.out.warnings.append((column, ref, "person not in the dataset; "
                                      f"created from this row as {display}"))


# --- fact keys ------------------------------------------------------------------------------


def _enterprise_facts(b: Builder) -> list[str]:
    return [str(b.values.get("uscc") or b.values["reg_no"])]


def _joined(*parts: object) -> str:
    return "|".join(["" if p is None else p if p.__class__ is str else str(p) for p in parts])


FACT_KEYS: dict[str, Callable[[Builder], list[str]]] = {
    "enterprises": _enterprise_facts,
    "persons": lambda b: [b.values["person_id"]],
    "shareholdings": lambda b: [_joined(b.enterprise_id("enterprise"), b.values["holder"],
                                        b.values.get("start_date"))],
    "officers": lambda b: [_joined(b.enterprise_id("enterprise"), b.values["person_id"], role,
                                   b.values.get("start_date")) for role in b.values["role"]],
    "equity_pledges": lambda b: [identifier(b.values["reg_no"])],
    "chattel_mortgages": lambda b: [identifier(b.values["reg_no"])],
    "list_entries": lambda b: [_joined(
        b.enterprise_id("subject") if b.values["subject_type"] == "enterprise"
        else b.values["subject"], b.values["list"], b.values["listed_on"])],
    "penalties": lambda b: [identifier(b.values["doc_no"])],
    "enterprise_events": lambda b: [_joined(b.enterprise_id("enterprise"), b.values["event"],
                                            b.values["date"])],
    "annual_reports": lambda b: [_joined(b.enterprise_id("enterprise"), b.values["year"])],
    "objections": lambda b: [b.values["objection_id"]],
}
"""Each section's fact keys from a row's values: the key columns (docs/data-format.md, Keys)
joined with `|`, in the form the graph keeps them (ids normalised, ISO dates)."""


def parse_fact_key(section: SectionSpec, text: str,
                   only: Collection[str] | None = None) -> dict[str, Any]:
    """An objection's fact key (key columns joined with `|`) as the values of a row; with
    `only`, just those key columns (a key the load made itself: its parts are clean).

    Raises ValueError with the reason when it does not name a fact of that section.
    """
    parts = text.split("|")
    keys = section.keys if section.name != "enterprises" else ("uscc",)
    if len(parts) != len(keys):
        raise ValueError(f"a {section.name} key has {len(keys)} part(s) ("
                         f"{', '.join(keys)}), this has {len(parts)}")
    values: dict[str, Any] = {}
    for column, part in zip(keys, parts, strict=True):
        spec = section.columns[column]
        if (only is not None and column not in only) or not part.strip():
            continue
        if column == "uscc" or spec.type in ("enterprise", "enterprise_key"):
            other = identifier(part)  # an enterprise of another register (an import) as kept
            values[column] = other if is_other_register_key(other) else enterprise_key(part)
        elif spec.type == "roles":
            roles = parse_roles(part)
            if len(roles) != 1:
                raise ValueError(f"{part!r} names {len(roles)} roles; a key names one")
            values[column] = roles
        elif spec.type in ("text", "party", "person_id", "identifier"):
            values[column] = identifier(part)
        else:
            values[column] = PARSERS[spec.type](part)
    if section.name == "list_entries":
        values["subject_type"] = "enterprise" if len(values.get("subject", "")) in (15, 18) \
            else "person"
    return values


# --- builders -------------------------------------------------------------------------------


def _enterprises(b: Builder) -> None:
    v = b.values
    node_id = v.get("uscc") or v["reg_no"]
    if len(v.get("uscc") or "") == 18:
        for note in uscc_notes(v["uscc"]):
            b.out.warnings.append(("uscc", v["uscc"], f"USCC loaded; {note}"))
    b.out.identities.append(Identity("Enterprise", node_id,
                                     {"uscc": v.get("uscc"), "reg_no": v.get("reg_no")}))
    b.version(node_id, (NodeRecord("EnterpriseRecord", node_id, {
        "of": node_id, "name": v["name"], "name_norm": name_key(v["name"]), "type": v.get("type"),
        "status": v.get("status"), "established": v.get("established"),
        "registered_capital": v.get("registered_capital"),
        "currency": v.get("currency", "CNY"), "authority": v.get("authority"),
        "address": v.get("address"), "business_scope": v.get("business_scope"),
    }),))


def _persons(b: Builder) -> None:
    v = b.values
    b.out.identities.append(Identity("Person", v["person_id"]))
    b.version(v["person_id"], (NodeRecord("PersonRecord", v["person_id"], {
        "of": v["person_id"], "name": v["name"], "name_norm": name_key(v["name"]),
        "id_number": v.get("id_number"), "nationality": v.get("nationality"),
        "placeholder": False,
    }),))


def _shareholdings(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    holder = b.party("holder")
    percent, source = v.get("percent"), "reported"
    if percent is None:
        amount, capital = v.get("subscribed_amount"), target.registered_capital
        source = "unknown"
        if amount is not None and capital:
            derived = amount / capital * 100
            if derived <= 100:
                percent, source = derived, "subscribed"
            else:
                b.out.warnings.append(("subscribed_amount", str(amount),
                                       "exceeds the registered capital; share left unknown"))
    if holder == target.id:
        b.out.warnings.append(("holder", holder, "self-holding: treated as treasury shares"))
    key = _joined(target.id, holder, v.get("start_date"))
    b.version(key, edges=(EdgeRecord("SHAREHOLDER", key, holder, target.id, {
        "percent": percent, "percent_source": source,
        "subscribed_amount": v.get("subscribed_amount"), "start": v.get("start_date"),
        "end": v.get("end_date")}),))


def _officers(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    person = b.party("person_id")
    for role in v["role"]:
        rel = "LEGAL_REPRESENTATIVE" if role == LEGAL_REPRESENTATIVE else "OFFICER"
        key = _joined(target.id, person, role, v.get("start_date"))
        b.version(key, edges=(EdgeRecord(rel, key, person, target.id, {
            "role": role, "start": v.get("start_date"), "end": v.get("end_date")}),))


def _equity_pledges(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    pledgor = b.party("pledgor")
    pledgee = b.party("pledgee")
    reg_no = identifier(v["reg_no"])
    links = (("pledgor-pledgee", pledgor, pledgee), ("pledgor-enterprise", pledgor, target.id),
             ("pledgee-enterprise", pledgee, target.id))
    b.version(reg_no, edges=tuple(
        EdgeRecord("EQUITY_PLEDGE", f"{reg_no}|{part}", source, dest, {
            "reg_no": reg_no, "part": part, "enterprise": target.id, "amount": v.get("amount"),
            "status": v.get("status"), "start": v["registered_on"],
            "end": v.get("cancelled_on")})
        for part, source, dest in links if source != dest))


def _chattel_mortgages(b: Builder) -> None:
    v = b.values
    mortgagor = b.party("mortgagor")
    mortgagee = b.party("mortgagee")
    if mortgagor == mortgagee:
        raise RowRejected("mortgagee", v["mortgagee"], "mortgagee is the mortgagor")
    reg_no = identifier(v["reg_no"])
    b.version(reg_no, edges=(EdgeRecord("CHATTEL_MORTGAGE", reg_no, mortgagor, mortgagee, {
        "reg_no": reg_no, "secured_amount": v.get("secured_amount"),
        "authority": v.get("authority"), "status": v.get("status"),
        "collateral": v.get("collateral"), "start": v["registered_on"],
        "end": v.get("cancelled_on")}),))


def _list_entries(b: Builder) -> None:
    v = b.values
    subject = b.party("subject")
    entry_id = _joined(subject, v["list"], v["listed_on"])
    b.version(entry_id, (NodeRecord("ListEntry", entry_id, {
        "id": entry_id, "subject": subject, "subject_type": v["subject_type"],
        "list": v["list"], "reason": v.get("reason"), "authority": v.get("authority"),
        "listed_on": v["listed_on"], "removed_on": v.get("removed_on"),
        "removal_reason": v.get("removal_reason"), "doc_no": v.get("doc_no"),
    }),), (EdgeRecord("LISTED", entry_id, subject, entry_id,
                      {"start": v["listed_on"], "end": v.get("removed_on")}),))


def _penalties(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    penalty_id = identifier(v["doc_no"])
    b.version(penalty_id, (NodeRecord("Penalty", penalty_id, {
        "id": penalty_id, "enterprise": target.id, "doc_no": v["doc_no"],
        "violation_type": v.get("violation_type"), "content": v.get("content"),
        "authority": v.get("authority"), "decided_on": v["decided_on"],
    }),), (EdgeRecord("PENALISED", penalty_id, target.id, penalty_id,
                      {"start": v["decided_on"]}),))


def _enterprise_events(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    event_id = _joined(target.id, v["event"], v["date"])
    b.version(event_id, (NodeRecord("Event", event_id, {
        "id": event_id, "enterprise": target.id, "event": v["event"], "date": v["date"],
        "reason": v.get("reason"), "authority": v.get("authority"),
        "liable_persons": v.get("liable_persons", []),
    }),), (EdgeRecord("HAS_EVENT", event_id, target.id, event_id, {"start": v["date"]}),))


def filing_deadline(year: int) -> str:
    """The last day to publish a year's annual report: 30 June of the next year
    (企业信息公示暂行条例 Art.8)."""
    return f"{year + 1}-06-30"


def _filing_status(b: Builder) -> str:
    """The status a row gives, or the one its filing date shows; a contradiction is refused
    (not filed, yet dated) or loaded with a warning (on time or late against the date)."""
    v = b.values
    year, filed_on, given = v["year"], v.get("filed_on"), v.get("status")
    if filed_on is not None and filed_on <= f"{year}-12-31":
        raise RowRejected("filed_on", filed_on, f"before the end of the report year {year}")
    shown = None if filed_on is None else (
        "on_time" if filed_on <= filing_deadline(year) else "late")
    if given is None:
        return shown or "not_filed"
    if given == "not_filed" and filed_on is not None:
        raise RowRejected("status", given, "not_filed, yet the report has a filing date")
    if shown is not None and given != shown:
        b.out.warnings.append(("status", given, f"filed on {filed_on}, the deadline was "
                               f"{filing_deadline(year)}: {shown}; loaded as given"))
    return str(given)


def _annual_reports(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    report_id = _joined(target.id, v["year"])
    contacts = {kind: v.get(kind) for kind in CONTACT_KINDS}
    b.version(report_id, (NodeRecord("AnnualReport", report_id, {
        "id": report_id, "enterprise": target.id, "year": v["year"],
        "filed_on": v.get("filed_on"), "status": _filing_status(b),
        **contacts, "employees": v.get("employees"),
        **{norm_property(kind): normalise_contact(kind, value)
           for kind, value in contacts.items()},
    }),), (EdgeRecord("FILED", report_id, target.id, report_id,
                      {"start": v.get("filed_on")}),))


BUILDERS: dict[str, Callable[[Builder], None]] = {
    "enterprises": _enterprises,
    "persons": _persons,
    "shareholdings": _shareholdings,
    "officers": _officers,
    "equity_pledges": _equity_pledges,
    "chattel_mortgages": _chattel_mortgages,
    "list_entries": _list_entries,
    "penalties": _penalties,
    "enterprise_events": _enterprise_events,
    "annual_reports": _annual_reports,
}
"""The upsert builders; objections are built by the load (they need the facts they name)."""
