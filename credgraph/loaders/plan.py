"""What a row's fact versions do to the facts the store holds: the versioning rules.

For each fact a row states, the store's head (its latest version) decides:

* no head: the version is new;
* the head has the same values: nothing changes (a re-load, or a re-run after a crash);
* the head has other values: a correction - the head is retired at the new recorded
  time and the new version follows it; the earlier version is kept;
* the head was recorded later than this extract: the row is stale and refused;
* the head was recorded at the same time with other values: the same extract gave the
  fact twice; the later row replaces the earlier one (with a warning);
* a version made from a reference (a person another section names) never replaces
  any version, and is made only when the fact has none.

A retract row retires the visible version at its recorded time; a fact that is unknown
or already withdrawn is refused (unless it was withdrawn by this same extract: a re-run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from credgraph.graph.records import ChangeSet, FactVersion, Head, Retirement


class Outcome(StrEnum):
    CREATED = "created"
    CORRECTED = "corrected"
    RETRACTED = "retracted"
    UNCHANGED = "unchanged"


class Refused(Exception):
    """A row whose fact cannot be changed as it asks."""


@dataclass
class Planner:
    """Turns a chunk's fact versions into one change set, against the heads it was given.

    Heads are updated as the chunk is planned, so a fact given twice in one chunk is
    planned against what the first row did.
    """

    heads: dict[tuple[str, str], Head]
    changes: ChangeSet = field(default_factory=ChangeSet)
    planned: dict[tuple[str, str], int] = field(default_factory=dict)
    """Facts created in this change set: their index in `changes.create`."""

    def upsert(self, version: FactVersion, derived: bool = False) -> tuple[Outcome, str | None]:
        """Plan one version; returns what happens and a warning, or raises Refused.

        A derived version (a party's record made from a row of another section) that a
        later extract has overtaken is left alone rather than refusing the row.
        """
        key = (version.section, version.fact)
        head = self.heads.get(key)
        if head is None:
            self._create(version)
            return Outcome.CREATED, None
        if version.placeholder or (derived and head.rec > version.rec):
            return Outcome.UNCHANGED, None
        if head.rec > version.rec:
            raise Refused(f"a later version of this fact is already recorded ({head.rec}, "
                          f"from {head.source or 'an unknown source'}); this extract is from "
                          f"{version.rec}")
        if head.rec == version.rec:
            if head.h == version.h:
                return Outcome.UNCHANGED, None
            self._replace(version)
            return Outcome.CORRECTED, "the same key is given twice in this extract: this row wins"
        if head.ret is None and head.h == version.h and not head.placeholder:
            return Outcome.UNCHANGED, None
        if head.ret is None:
            self.changes.retire.append(Retirement(version.section, version.fact, version.rec))
            self._create(version)
            return Outcome.CORRECTED, None
        self._create(version)
        return Outcome.CREATED, None

    def retract(self, section: str, fact: str, rec: str, reason: str | None = None) -> Outcome:
        """Plan the withdrawal of a fact (kept with its reason); raises Refused for one not
        there to withdraw."""
        head = self.heads.get((section, fact))
        if head is None:
            raise Refused("retraction of a fact the register does not hold")
        if head.ret is not None:
            if head.ret == rec:
                return Outcome.UNCHANGED
            raise Refused(f"the fact was already withdrawn at {head.ret}")
        if head.rec > rec:
            raise Refused(f"a later version of this fact is already recorded ({head.rec}); "
                          f"this extract is from {rec}")
        self.changes.retire.append(Retirement(section, fact, rec, reason))
        self.heads[(section, fact)] = Head(head.rec, rec, head.h, head.source, head.placeholder)
        return Outcome.RETRACTED

    def _create(self, version: FactVersion) -> None:
        key = (version.section, version.fact)
        self.planned[key] = len(self.changes.create)
        self.changes.create.append(version)
        self.heads[key] = Head(version.rec, None, version.h, version.source, version.placeholder)

    def _replace(self, version: FactVersion) -> None:
        key = (version.section, version.fact)
        index = self.planned.get(key)
        if index is not None:
            self.changes.create[index] = version
        else:
            self.changes.drop.append((version.section, version.fact, version.rec))
            self.planned[key] = len(self.changes.create)
            self.changes.create.append(version)
        self.heads[key] = Head(version.rec, None, version.h, version.source, version.placeholder)
