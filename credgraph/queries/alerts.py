"""What surrounds a watched entity, as items an alert can report (docs/risk.md, Watchlists).

The surroundings of an entity on a day are what an investigator watches it for, within
`hops` links (the walk of blacklistExposure: registered links in force, never through a
node of more than `max_degree` links):

* listing: every list entry in force of a node within reach;
* pledge, mortgage: every equity pledge or chattel mortgage in force with a party within
  reach (hubs, a bank with thousands of mortgages, only reached: their links not counted);
* legal_representative, shareholder: every legal representative or holder in force of an
  enterprise within reach;
* restriction: every appointment-restriction hit in force of a person within reach;
* level: the watched enterprise's risk level (credgraph.queries.risk).

Each item has a key that stays the same while the fact does, so comparing the items of two
days, or of two loads, says what is new. Nothing here is stored: credgraph.watch keeps the
items between loads and turns the new ones into alerts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credgraph.graph.model import PROVENANCE
from credgraph.queries.links.analysis import LinkAnalysis
from credgraph.queries.links.results import Entity, Link
from credgraph.queries.restrictions.rules import Text
from credgraph.queries.restrictions.service import Restrictions
from credgraph.queries.risk.compute import Batch
from credgraph.queries.risk.service import RiskAnalysis
from credgraph.queries.risk.table import fill
from credgraph.queries.time import Moment

MAX_WATCH_HOPS = 3
LEVEL = "level"

TEXTS: dict[str, Text] = {
    "listing": Text(zh="{subject} 被列入{list}（{listed_on}，{authority}），相隔 {distance} 层",
                    en="{subject} put on the {list} ({listed_on}, {authority}), "
                       "{distance} link(s) away"),
    "pledge": Text(zh="股权出质 {reg_no}：{source} — {target}，{start} 登记",
                   en="Equity pledge {reg_no}: {source} — {target}, registered {start}"),
    "mortgage": Text(zh="动产抵押 {reg_no}：{source} 抵押给 {target}，{start} 登记",
                     en="Chattel mortgage {reg_no}: {source} to {target}, registered {start}"),
    "legal_representative": Text(zh="{person} 任 {enterprise} 法定代表人（{start} 起）",
                                 en="{person} legal representative of {enterprise} "
                                    "from {start}"),
    "shareholder": Text(zh="{holder} 成为 {enterprise} 股东（{percent}%，{start} 起）",
                        en="{holder} holds {percent}% of {enterprise} from {start}"),
    "restriction": Text(zh="{person} 任职受限：{rule}（{certainty}，{window_start} 起）",
                        en="{person} barred from posts: {rule} ({certainty}, from "
                           "{window_start})"),
    "level": Text(zh="{enterprise} 风险等级 {previous} → {level}（{score} 分）",
                  en="{enterprise} risk level {previous} → {level} (score {score})"),
}
"""How each kind of item reads, filled from its fields (absent ones as a dash)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing around a watched entity, as plain JSON-able values."""

    kind: str
    """An alert kind (vocabulary.yaml, alert_kinds)."""
    key: str
    """The same while the fact it reports is."""
    subject: str
    """The node it concerns."""
    fields: Mapping[str, Any]
    facts: tuple[Mapping[str, Any], ...] = ()
    """The facts it rests on: section, key and provenance."""

    def text(self, previous: Mapping[str, Any] | None = None) -> Text:
        """The item in words; a level change names the level before."""
        return fill(TEXTS[self.kind], {**self.fields, "previous": (previous or {}).get("level")},
                    LABELLED)


LABELLED = {"list": "list_types", "level": "risk_levels", "previous": "risk_levels"}
"""Item fields holding vocabulary values: the texts show their labels."""


def _fact(section: str, key: str, props: Mapping[str, Any]) -> dict[str, Any]:
    return {"section": section, "key": key, **{p: props.get(p) for p in PROVENANCE}}


class Surroundings:
    """The items around entities on a day (module docstring), over one store's backend."""

    def __init__(self, links: LinkAnalysis, restrictions: Restrictions,
                 risk: RiskAnalysis) -> None:
        self.backend = links.backend
        self.links, self.restrictions, self.risk = links, restrictions, risk
        self.model = self.backend.model

    def of(self, ids: Sequence[str], at: Moment, hops: int,
           max_degree: int = 200) -> dict[str, dict[str, Item]]:
        """Each entity's items by key (entities that do not exist are left out)."""
        known = self.links.entities(ids, at)
        ids = [n for n in ids if n in known and not known[n].props.get("unrecorded")]
        if not ids:
            return {}
        batch = Batch(self.backend, self.links, self.restrictions, ids, at)
        walks = batch.walks(hops, max_degree)
        cache = batch.link_cache
        ball = sorted({n for walk in walks.values() for n in walk})
        degree = cache.degrees(ball)
        open_set = {n for n in ball if degree[n] <= max_degree or n in walks}
        cache.expand(sorted(open_set))
        ends = {end for n in open_set for link in cache.links_of[n]
                for end in (link.source, link.target)}
        names = self.links.entities(sorted(ends | set(ball)), at)
        entries = self.backend.listed(ball, at)
        barring = self._restrictions([n for n in ball if names[n].label == "Person"], at)
        levels = self.risk.profiles([n for n in ids if known[n].label == "Enterprise"], at)
        result: dict[str, dict[str, Item]] = {}
        for origin, walk in walks.items():
            items: dict[str, Item] = {}
            for node in sorted(walk):
                for entry in entries.get(node, ()):
                    item = self._listing(node, entry, walk[node].distance, names)
                    items[item.key] = item
                for item in barring.get(node, ()):
                    items[item.key] = item
            # A pledge is three links: the least (by relation and key) within reach speaks.
            around = {link.order: link for node in walk if node in open_set
                      for link in cache.links_of[node]}
            for order in sorted(around):
                found = self._link_item(around[order], names, walk)
                if found is not None:
                    items.setdefault(found.key, found)
            if origin in levels:
                profile = levels[origin]
                items[LEVEL] = Item(LEVEL, LEVEL, origin, {
                    "enterprise": known[origin].name, "level": profile.level,
                    "score": profile.score})
            result[origin] = dict(sorted(items.items()))
        return result

    def _listing(self, node: str, entry: Mapping[str, Any], distance: int,
                 names: Mapping[str, Entity]) -> Item:
        section = self.model.node("ListEntry").section or ""
        return Item("listing", f"listing:{entry['id']}", node, {
            "subject": names[node].name, "list": entry.get("list"),
            "listed_on": entry.get("listed_on"), "authority": entry.get("authority"),
            "distance": distance,
        }, (_fact(section, str(entry.get("fact") or entry["id"]), entry),))

    def _link_item(self, link: Link, names: Mapping[str, Entity],
                   walk: Mapping[str, Any]) -> Item | None:
        section = self.model.edge(link.type).section or ""
        source, target = names[link.source].name, names[link.target].name
        props = link.props
        if link.type == "EQUITY_PLEDGE":
            reg_no = link.key.rpartition("|")[0]
            return Item("pledge", f"pledge:{reg_no}", link.target, {
                "reg_no": reg_no, "source": source, "target": target,
                "start": props.get("start")}, (_fact(section, reg_no, props),))
        if link.type == "CHATTEL_MORTGAGE":
            return Item("mortgage", f"mortgage:{link.key}", link.source, {
                "reg_no": link.key, "source": source, "target": target,
                "start": props.get("start")}, (_fact(section, link.key, props),))
        if link.target not in walk:
            return None
        if link.type == "LEGAL_REPRESENTATIVE":
            return Item("legal_representative", f"legal_representative:{link.key}",
                        link.target, {"person": source, "enterprise": target,
                                      "start": props.get("start")},
                        (_fact(section, link.key, props),))
        if link.type == "SHAREHOLDER":
            return Item("shareholder", f"shareholder:{link.key}", link.target, {
                "holder": source, "enterprise": target, "percent": props.get("percent"),
                "start": props.get("start")}, (_fact(section, link.key, props),))
        return None

    def _restrictions(self, persons: Sequence[str], at: Moment) -> dict[str, list[Item]]:
        """The appointment-restriction hits in force of each person, as items."""
        if not persons:
            return {}
        found = self.restrictions.hits_for_persons(persons, at.day, at)
        hits = self.restrictions.judged([h for hits in found.values() for h in hits],
                                        at.day, at)
        names = self.links.entities(sorted({h.person_id for h in hits}), at)
        items: dict[str, list[Item]] = {}
        for hit in hits:
            if not hit.in_force(at.day):
                continue
            items.setdefault(hit.person_id, []).append(Item(
                "restriction", f"restriction:{hit.person_id}|{hit.rule_id}|{hit.trigger.id}",
                hit.person_id, {
                    "person": names[hit.person_id].name, "rule": hit.rule_id,
                    "certainty": hit.certainty.value, "window_start": hit.window_start,
                    "window_end": hit.window_end},
                tuple(_fact(self._section(step.ref.fact), step.ref.id,
                            {p: getattr(step.ref.provenance, p) for p in PROVENANCE})
                      for step in hit.evidence)))
        return items

    def _section(self, schema: str) -> str:
        found = self.model.nodes.get(schema) or self.model.edges.get(schema)
        return found.section or "" if found is not None else ""
