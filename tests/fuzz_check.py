"""The check of the loader fuzz property: through the GraphQL API, every valid row of a
generated dataset (tests/fuzz_datasets.py) is shown with its values, and every other row is
named by the rejects report with its file and row (and the column the generator broke);
no valid row is refused.

Facts are matched to rows by their provenance (source file and row), so a fact shown from
the wrong row, or with other values, counts as lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from credgraph.loaders.report import Finding
from tests.fuzz_datasets import Dataset, Fact

FRAGMENTS = """
fragment P on Provenance { srcFile srcRow }
fragment H on Shareholding {
  key holder { id name } enterprise { id } percent percentSource subscribedAmount start end treasury
  provenance { ...P } }
fragment A on Appointment { key person { id } enterprise { id } role start end provenance { ...P } }
fragment L on ListEntry {
  id subjectId list reason authority listedOn removedOn removalReason docNo provenance { ...P } }
fragment E on Enterprise {
  id name uscc regNo type status established registeredCapital currency authority address
  businessScope placeholder provenance { ...P }
  shareholders(includeHistory: true) { ...H }
  investments(includeHistory: true) { ...H }
  officers(includeHistory: true) { ...A }
  legalRepresentatives(includeHistory: true) { ...A }
  listEntries(includeHistory: true) { ...L }
  penalties { docNo violationType content authority decidedOn provenance { ...P } }
  events { event date reason authority liablePersonIds provenance { ...P } }
  equityPledges(includeHistory: true) {
    regNo amount status start end enterprise { id } pledgor { id } pledgee { id }
    provenance { ...P } }
  chattelMortgages(includeHistory: true) {
    regNo securedAmount authority status collateral start end mortgagor { id }
    mortgagee { id } provenance { ...P } } }
fragment N on Enterprise { id provenance { ...P } }
fragment R on Person {
  id name personId maskedIdNumber nationality placeholder provenance { ...P }
  listEntries(includeHistory: true) { ...L } }
"""
"""What the check reads of enterprises (E) and persons (R): every field a row can fill; of
enterprises that must not be there (N), where they would come from."""

Post = Callable[[str], dict[str, Any]]
"""Sends a GraphQL query and returns the response body."""


@dataclass
class Outcome:
    rows: int = 0
    invalid_rows: int = 0
    lost: list[str] = field(default_factory=list)
    """Valid rows the API does not show (or shows with other values), invalid rows neither
    shown nor reported."""
    false_rejects: list[str] = field(default_factory=list)
    """Valid rows the report refuses."""
    wrong: list[str] = field(default_factory=list)
    """Invalid rows loaded anyway, refused for another column, or refused yet shown."""

    def add(self, other: Outcome) -> None:
        self.rows += other.rows
        self.invalid_rows += other.invalid_rows
        self.lost += other.lost
        self.false_rejects += other.false_rejects
        self.wrong += other.wrong


def _document(operation: str, fragment: str) -> str:
    """The operation with the fragments it uses (GraphQL refuses unused ones)."""
    used = {"E": "EHALP", "N": "NP", "R": "RLP"}[fragment]
    parts = [f for f in FRAGMENTS.split("fragment ")[1:] if f[0] in used]
    return operation + "\n" + "".join("fragment " + f for f in parts)


def _lookup(post: Post, field_name: str, argument: str, keys: list[str], fragment: str,
            per_request: int) -> dict[str, dict[str, Any] | None]:
    """Each key's node, or None when the API has none.

    Keys go `per_request` to a request (the API limits a query's size); a request that
    fails (one key unknown fails it whole) is repeated key by key.
    """
    found: dict[str, dict[str, Any] | None] = {}
    for first in range(0, len(keys), per_request):
        batch = keys[first:first + per_request]
        aliases = "\n".join(f'n{i}: {field_name}({argument}: "{k}") {{ ...{fragment} }}'
                            for i, k in enumerate(batch))
        body = post(_document(f"{{ {aliases} }}", fragment))
        if not body.get("errors") and body.get("data"):
            found.update((k, body["data"][f"n{i}"]) for i, k in enumerate(batch))
            continue
        for key in batch:
            one = post(_document(f'{{ n: {field_name}({argument}: "{key}") {{ ...{fragment} }} }}',
                                 fragment))
            found[key] = None if one.get("errors") else (one.get("data") or {}).get("n")
    return found


def _shown(nodes: dict[str, dict[str, Any] | None]) -> dict[tuple[str, int], list[
        tuple[str, str, dict[str, Any]]]]:
    """Every fact the API showed, by the (file, row) it was loaded from."""
    facts: dict[tuple[str, int], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)

    def add(kind: str, where: str, item: dict[str, Any]) -> None:
        origin = item.get("provenance") or {}
        facts[(origin.get("srcFile") or "", origin.get("srcRow") or 0)].append(
            (kind, where, item))

    for where, node in nodes.items():
        if node is None:
            continue
        add("person" if "personId" in node else "enterprise", where, node)
        for list_name, kind in (("shareholders", "holding"), ("investments", "investment"),
                                ("officers", "appointment"),
                                ("legalRepresentatives", "appointment"),
                                ("listEntries", "listing"), ("penalties", "penalty"),
                                ("events", "event"), ("equityPledges", "pledge"),
                                ("chattelMortgages", "mortgage")):
            for item in node.get(list_name) or []:
                add(kind, where, item)
    return facts


def _flatten(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """An API item in the shape of a Fact's values."""
    flat = dict(item)
    for party in ("holder", "enterprise", "person", "pledgor", "pledgee", "mortgagor",
                  "mortgagee"):
        if isinstance(flat.get(party), dict):
            flat[party] = flat[party]["id"]
    if kind == "person":
        flat["idNumber"] = flat.get("maskedIdNumber")
    return flat


PERCENT_DECIMALS = 2
"""The API shows percents rounded to this many decimals (docs/api-contract.md)."""


def _same(name: str, expected: Any, shown: Any) -> bool:
    if isinstance(expected, Decimal):
        if shown is None:
            return False
        if name == "percent":  # rounded: within half a unit of the last decimal shown
            return bool(round(shown, PERCENT_DECIMALS) == shown
                        and abs(float(expected) - shown) <= 0.5 * 10 ** -PERCENT_DECIMALS + 1e-9)
        return abs(float(expected) - shown) <= 1e-9 * max(1.0, abs(float(expected)))
    return bool(expected == shown)


def _matches(fact: Fact, kind: str, where: str, item: dict[str, Any]) -> bool:
    wanted = {"self_holding": "holding"}.get(fact.kind, fact.kind)
    if kind != wanted or where != fact.where:
        return False
    flat = _flatten(kind, item)
    for name, expected in fact.values.items():
        if name == "idNumber":  # never shown in full; shown (masked) when given
            if (expected is None) != (flat.get("idNumber") is None) or (
                    expected and expected == flat.get("idNumber") and "*" not in expected):
                return False
        elif not _same(name, expected, flat.get(name)):
            return False
    return True


def check(data: Dataset, post: Post, rejects: list[Finding]) -> Outcome:
    """Every row is shown with its values through the API, or reported with its file and row
    (and, for a row this generator broke, the column it broke); no valid row is refused."""
    reported: dict[tuple[str, int], set[str]] = defaultdict(set)
    for finding in rejects:
        if finding.reason.strip():
            reported[(finding.file, finding.row)].add(finding.column)
    loaded = [e.key for e in data.enterprises if e.loaded]
    nodes = _lookup(post, "enterprise", "uscc", loaded, "E", 25)
    refused = [e.key for e in data.enterprises if not e.loaded]
    nodes.update(_lookup(post, "enterprise", "uscc", refused, "N", 1))
    persons = sorted(set(data.persons) | set(data.person_rows))
    nodes.update(_lookup(post, "person", "personId", persons, "R", 25))
    shown = _shown(nodes)
    outcome = Outcome()
    for row in data.rows:
        outcome.rows += 1
        place = (row.file, row.number)
        label = f"{row.file} row {row.number}"
        facts = shown.get(place, [])
        if row.valid:
            if place in reported:
                outcome.false_rejects.append(f"{label}: refused for {sorted(reported[place])}")
                continue
            for fact in row.facts:
                if not any(_matches(fact, *shown_fact) for shown_fact in facts):
                    outcome.lost.append(f"{label}: {fact.kind} {fact.values} not shown; "
                                        f"shown: {facts}")
            continue
        outcome.invalid_rows += 1
        if place not in reported:
            where = "loaded anyway" if facts else "neither loaded nor reported"
            (outcome.wrong if facts else outcome.lost).append(
                f"{label} ({row.fault}): {where}")
        elif not reported[place] & row.columns:
            outcome.wrong.append(f"{label} ({row.fault}): refused for "
                                 f"{sorted(reported[place])}, not {sorted(row.columns)}")
        elif facts:
            outcome.wrong.append(f"{label} ({row.fault}): refused yet shown: {facts}")
    for pid, names in data.persons.items():
        node = nodes.get(pid)
        if node is None:
            outcome.lost.append(f"person {pid}: not shown")
        elif pid not in data.person_rows and not (node["placeholder"] and node["name"] in names):
            outcome.lost.append(f"person {pid}: shown as {node['name']!r} "
                                f"(placeholder {node['placeholder']}), expected one of {names}")
    return outcome
