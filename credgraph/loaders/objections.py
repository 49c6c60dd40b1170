"""Objections (异议): a fact named by its section and key, and what becomes of it.

A pending objection marks its fact disputed from `filed_on` to its resolution (the
queries read that mark); an upheld one withdraws the fact. The withdrawal takes the
objection's recorded time, never `resolved_on` if that is earlier: what credgraph
showed before it learned of the decision stays reproducible (docs/feeds.md).
"""

from __future__ import annotations

from credgraph.graph.records import NodeRecord
from credgraph.loaders.build import FACT_KEYS, Builder, Checked, RowRejected, parse_fact_key
from credgraph.loaders.spec import load_sections

OBJECTIONS = "objections"
UPHELD = "upheld"


def build_objection(b: Builder) -> None:
    """The objection's version; the fact it names must exist (checked when planned)."""
    v = b.values
    sections = load_sections()
    target = sections.get(v["section"])
    if target is None or target.name == OBJECTIONS:
        known = ", ".join(name for name in sections if name != OBJECTIONS)
        raise RowRejected("section", v["section"], f"unknown section (one of: {known})")
    if v["status"] != "pending" and "resolved_on" not in v:
        raise RowRejected("resolved_on", "", "required unless the objection is pending")
    try:
        values = parse_fact_key(target, v["fact_key"])
    except ValueError as e:
        raise RowRejected("fact_key", v["fact_key"], str(e)) from e
    keyed = Builder(target, b.resolved, Checked(b.row, values), b.stamp)
    try:
        [fact] = FACT_KEYS[target.name](keyed)
    except KeyError as e:
        raise RowRejected("fact_key", v["fact_key"], f"the key lacks {e.args[0]}") from e
    about = (target.name, fact)
    b.out.objected.append(about)
    if v["status"] == UPHELD:
        b.out.withdraws.append((about, f"objection {v['objection_id']} upheld"))
    objection = v["objection_id"]
    b.version(objection, (NodeRecord("Objection", objection, {
        "id": objection, "about": f"{target.name}:{fact}", "section": target.name,
        "fact_key": fact, "filed_by": v.get("filed_by"), "filed_on": v["filed_on"],
        "grounds": v.get("grounds"), "status": v["status"], "resolved_on": v.get("resolved_on"),
    }),))
