"""Suspected links (疑似关系): enterprises whose annual reports give the same contact details.

Two enterprises whose reports in force on the day asked (Backend: report in force) state
the same phone, e-mail, address or website, compared in normalised form
(credgraph.graph.contacts), are joined by a suspected link: one per kind and shared value,
of the relation SUSPECTED, which no registered relationship has. It is never stored and
never mixed with the registered links: only questions that ask for suspected links get
them, and each carries the kind, the shared value and the two reports it rests on
(docs/risk.md).

A value that more than `cap` enterprises share (a registered agent's address used by
thousands of firms) is a hub value: like a hub node it is never passed through, so it
links nothing; the map shows it collapsed, with its count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.contacts import CONTACT_KINDS, norm_property
from credgraph.queries.backend.base import Backend
from credgraph.queries.links.results import Link
from credgraph.queries.time import Moment

SUSPECTED = "SUSPECTED"
"""The relation of a suspected link: no registered relationship type has this name."""


@dataclass(frozen=True, slots=True)
class HubValue:
    """A contact value too widely shared to link anything (more than `cap` enterprises)."""

    kind: str
    value: str
    count: int
    """How many enterprises' reports in force state it."""
    enterprises: tuple[str, ...]
    """Those among the enterprises asked about, in id order."""


@dataclass(frozen=True, slots=True)
class Around:
    """The suspected links touching some enterprises, and the hub values they state."""

    links: tuple[Link, ...]
    """In (relation, key) order."""
    hubs: tuple[HubValue, ...]
    """In (kind, value) order."""

    def degrees(self, ids: Sequence[str]) -> dict[str, int]:
        """How many of these links each of `ids` has."""
        counts = dict.fromkeys(ids, 0)
        for link in self.links:
            for end in (link.source, link.target):
                if end in counts:
                    counts[end] += 1
        return counts


def suspected_link(kind: str, value: str, one: Mapping[str, Any],
                   other: Mapping[str, Any]) -> Link:
    """The link two reports in force make by stating one value: from the lesser enterprise id
    to the greater, keyed by kind, value and both ends; it holds since the later filing."""
    first, second = sorted((one, other), key=lambda r: str(r["enterprise"]))
    source, target = str(first["enterprise"]), str(second["enterprise"])
    props: dict[str, Any] = {
        "kind": kind, "value": value, "reports": (dict(first), dict(second)),
        "start": max(str(first["filed_on"]), str(second["filed_on"])), "end": None,
    }
    return Link(SUSPECTED, f"{kind}|{value}|{source}|{target}", source, target, props)


class SuspectedLinks:
    """Suspected links over one store's backend (module docstring)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def around(self, ids: Sequence[str], at: Moment, cap: int) -> Around:
        """Every suspected link of the enterprises among `ids` on `at.day`, values shared by
        more than `cap` enterprises collapsed into hub values."""
        reports = self.backend.reports_in_force(sorted(set(ids)), at)
        stated = sorted({(kind, value) for report in reports.values() for kind in CONTACT_KINDS
                         if (value := report.get(norm_property(kind))) is not None})
        shared = self.backend.sharing(stated, at, cap) if stated else {}
        links: dict[tuple[str, str], Link] = {}
        hubs: dict[tuple[str, str], list[str]] = {}
        for node in sorted(reports):
            report = reports[node]
            for kind in CONTACT_KINDS:
                value = report.get(norm_property(kind))
                if value is None:
                    continue
                found = shared[(kind, value)]
                if found.count > cap:
                    hubs.setdefault((kind, value), []).append(node)
                    continue
                for other in found.reports:
                    if other["enterprise"] != node:
                        link = suspected_link(kind, value, report, other)
                        links[link.order] = link
        return Around(
            tuple(links[order] for order in sorted(links)),
            tuple(HubValue(kind, value, shared[(kind, value)].count, tuple(members))
                  for (kind, value), members in sorted(hubs.items())),
        )
