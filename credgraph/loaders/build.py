"""From checked rows to graph records, one builder per dataset section.

`check_row` turns a row's text into clean values or findings; the builders
then need only the references the chunk resolved against the store, so a
chunk costs two store look-ups, not one per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from credgraph.graph.ids import identifier, name_key
from credgraph.graph.records import EdgeRecord, EnterpriseRef, NodeRecord
from credgraph.graph.vocabulary import LEGAL_REPRESENTATIVE
from credgraph.loaders.normalize import PARSERS, holder_category
from credgraph.loaders.reading import Row
from credgraph.loaders.spec import SectionSpec


class RowRejected(Exception):
    """Raised by a builder for a row that cannot be loaded."""

    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Checked:
    row: Row
    values: dict[str, Any]


@dataclass
class Built:
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, value, message) for the row being built."""


def check_row(
    section: SectionSpec, row: Row, parsers: Mapping[str, Callable[[str], Any]] = PARSERS,
) -> tuple[dict[str, Any], list[RowRejected]]:
    """Parse every cell; a row with any finding is refused whole, with all of them.

    `parsers` gives each column type's parser (a load of another format may accept more
    enterprise keys, credgraph.interop); an enterprise party is read as an `enterprise`.
    """
    values: dict[str, Any] = {}
    problems: list[RowRejected] = []
    for column in section.columns.values():
        raw = row.values.get(column.name)
        if raw is None:
            if column.required:
                problems.append(RowRejected(column.name, "", "required value missing"))
            continue
        try:
            values[column.name] = parsers[column.type](raw)
        except ValueError as e:
            problems.append(RowRejected(column.name, raw, str(e)))
    if section.one_of_required and not any(c in row.values for c in section.one_of_required):
        problems.append(
            RowRejected("/".join(section.one_of_required), "", "required value missing")
        )
    for column in section.columns.values():
        raw = row.values.get(column.name, "")
        if column.kind_column and column.name in values and values.get(column.kind_column) == (
            "enterprise"
        ):
            try:
                values[column.name] = parsers["enterprise"](raw)
            except ValueError as e:
                problems.append(RowRejected(column.name, raw, str(e)))
        after = values.get(column.after) if column.after else None
        if after is not None and column.name in values and values[column.name] < after:
            problems.append(RowRejected(column.name, raw, f"before {column.after}"))
    return values, problems


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
            and c.name in values and section.name != "persons"]
    for c in section.columns.values():
        if c.kind_column and values.get(c.kind_column) == "person" and c.name in values:
            refs.append(values[c.name])
    return refs


@dataclass
class Resolved:
    """What the store knew of the chunk's references, and the nodes the chunk creates."""

    enterprises: dict[str, EnterpriseRef]
    entities: dict[str, str]
    created: set[str] = field(default_factory=set)


class Builder:
    """Builds one row's records; provenance is added by the caller."""

    def __init__(
        self, section: SectionSpec, resolved: Resolved, values: dict[str, Any], row: Row
    ) -> None:
        self.section, self.resolved, self.values, self.row = section, resolved, values, row
        self.out = Built()

    def enterprise(self, column: str) -> EnterpriseRef:
        """The enterprise a subject column names; it must exist (else a bad row)."""
        ref = self.values[column]
        found = self.resolved.enterprises.get(ref)
        if found is None:
            raise RowRejected(
                column, ref, "refers to an enterprise neither in the dataset nor in the graph"
            )
        return found

    def party(self, column: str) -> str:
        """The node id of a party; a person missing from `persons` is created from the row.

        An enterprise party must exist, like any enterprise a row refers to (docs/data-format.md).
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
        self.out.nodes.append(NodeRecord("OtherHolder", ref, {
            "name": name, "name_norm": name_key(name),
            "category": holder_category(name, self.row.values.get(spec.kind_column or "", "")),
        }))
        return ref

    def _placeholder(self, ref: str, name: str | None, column: str) -> None:
        """A person referenced but missing from `persons` is created, with a warning."""
        display = name or ref
        self.out.nodes.append(NodeRecord("Person", ref, {
            "name": display, "name_norm": name_key(display),
        }, placeholder=True))
        if ref not in self.resolved.created:
            self.resolved.created.add(ref)
            self.out.warnings.append((column, ref, "person not in the dataset; "
                                      f"created from this row as {display}"))

    def edge(self, rel_type: str, key: str, source: str, target: str, **props: Any) -> None:
        self.out.edges.append(EdgeRecord(rel_type, key, source, target, props))


def _enterprises(b: Builder) -> None:
    v = b.values
    node_id = v.get("uscc") or v["reg_no"]
    b.out.nodes.append(NodeRecord("Enterprise", node_id, {
        "uscc": v.get("uscc"), "reg_no": v.get("reg_no"), "name": v["name"],
        "name_norm": name_key(v["name"]), "type": v.get("type"), "status": v.get("status"),
        "established": v.get("established"), "registered_capital": v.get("registered_capital"),
        "currency": v.get("currency", "CNY"), "authority": v.get("authority"),
        "address": v.get("address"), "business_scope": v.get("business_scope"),
    }))


def _persons(b: Builder) -> None:
    v = b.values
    b.out.nodes.append(NodeRecord("Person", v["person_id"], {
        "name": v["name"], "name_norm": name_key(v["name"]), "id_number": v.get("id_number"),
        "nationality": v.get("nationality"), "placeholder": False,
    }))


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
    b.edge("SHAREHOLDER", f"{target.id}|{holder}|{v.get('start_date', '')}", holder, target.id,
           percent=percent, percent_source=source, subscribed_amount=v.get("subscribed_amount"),
           start=v.get("start_date"), end=v.get("end_date"))


def _officers(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    person = b.party("person_id")
    for role in v["role"]:
        rel = "LEGAL_REPRESENTATIVE" if role == LEGAL_REPRESENTATIVE else "OFFICER"
        b.edge(rel, f"{target.id}|{person}|{role}|{v.get('start_date', '')}", person,
               target.id, role=role, start=v.get("start_date"), end=v.get("end_date"))


def _equity_pledges(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    pledgor = b.party("pledgor")
    pledgee = b.party("pledgee")
    reg_no = identifier(v["reg_no"])
    links = (("pledgor-pledgee", pledgor, pledgee), ("pledgor-enterprise", pledgor, target.id),
             ("pledgee-enterprise", pledgee, target.id))
    for part, source, dest in links:
        if source != dest:
            b.edge("EQUITY_PLEDGE", f"{reg_no}|{part}", source, dest, reg_no=reg_no, part=part,
                   enterprise=target.id, amount=v.get("amount"), status=v.get("status"),
                   start=v["registered_on"], end=v.get("cancelled_on"))


def _chattel_mortgages(b: Builder) -> None:
    v = b.values
    mortgagor = b.party("mortgagor")
    mortgagee = b.party("mortgagee")
    if mortgagor == mortgagee:
        raise RowRejected("mortgagee", v["mortgagee"], "mortgagee is the mortgagor")
    reg_no = identifier(v["reg_no"])
    b.edge("CHATTEL_MORTGAGE", reg_no, mortgagor, mortgagee, reg_no=reg_no,
           secured_amount=v.get("secured_amount"), authority=v.get("authority"),
           status=v.get("status"), collateral=v.get("collateral"),
           start=v["registered_on"], end=v.get("cancelled_on"))


def _list_entries(b: Builder) -> None:
    v = b.values
    subject = b.party("subject")
    entry_id = f"{subject}|{v['list']}|{v['listed_on']}"
    b.out.nodes.append(NodeRecord("ListEntry", entry_id, {
        "subject": subject, "subject_type": v["subject_type"], "list": v["list"],
        "reason": v.get("reason"), "authority": v.get("authority"),
        "listed_on": v["listed_on"], "removed_on": v.get("removed_on"),
        "removal_reason": v.get("removal_reason"), "doc_no": v.get("doc_no"),
    }))
    b.edge("LISTED", entry_id, subject, entry_id, start=v["listed_on"], end=v.get("removed_on"))


def _penalties(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    penalty_id = identifier(v["doc_no"])
    b.out.nodes.append(NodeRecord("Penalty", penalty_id, {
        "enterprise": target.id, "doc_no": v["doc_no"], "violation_type": v.get("violation_type"),
        "content": v.get("content"), "authority": v.get("authority"),
        "decided_on": v["decided_on"],
    }))
    b.edge("PENALISED", penalty_id, target.id, penalty_id, start=v["decided_on"])


def _enterprise_events(b: Builder) -> None:
    v = b.values
    target = b.enterprise("enterprise")
    event_id = f"{target.id}|{v['event']}|{v['date']}"
    b.out.nodes.append(NodeRecord("Event", event_id, {
        "enterprise": target.id, "event": v["event"], "date": v["date"],
        "reason": v.get("reason"), "authority": v.get("authority"),
        "liable_persons": v.get("liable_persons", []),
    }))
    b.edge("HAS_EVENT", event_id, target.id, event_id, start=v["date"])


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
}
