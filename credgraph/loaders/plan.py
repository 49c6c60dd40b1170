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
from typing import Any

from credgraph.graph.records import ChangeSet, FactVersion, Head, Retirement


class Outcome(StrEnum):
    CREATED = "created"
    CORRECTED = "corrected"
    RETRACTED = "retracted"
    UNCHANGED = "unchanged"


class Refused(Exception):
    """A row whose fact cannot be changed as it asks."""


_ABSENT = object()
"""In the undo log: the key was not in the mapping."""


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
    _saved: tuple[int, int, int] = (0, 0, 0)
    _undo: list[tuple[dict[Any, Any] | list[Any], Any, Any]] = field(default_factory=list)
    """What the current row changed in place, to put back if it is refused: (mapping or
    list, key or index, earlier value). A log rather than a copy of the heads per row,
    which made planning a chunk quadratic in its size."""

    def begin_row(self) -> None:
        """Start a row whose changes `rollback` undoes (the previous row's are kept)."""
        changes = self.changes
        self._saved = (len(changes.create), len(changes.retire), len(changes.drop))
        self._undo.clear()

    def rollback(self) -> None:
        """Undo everything since `begin_row` (a row refused half-way)."""
        changes = self.changes
        for target, key, earlier in reversed(self._undo):
            if earlier is _ABSENT:
                del target[key]
            else:
                target[key] = earlier
        self._undo.clear()
        create, retire, drop = self._saved
        del changes.create[create:], changes.retire[retire:], changes.drop[drop:]

    def _set(self, target: dict[Any, Any] | list[Any], key: Any, value: Any) -> None:
        earlier = target.get(key, _ABSENT) if isinstance(target, dict) else target[key]
        self._undo.append((target, key, earlier))
        target[key] = value

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
        self._retire(section, fact, rec, head, reason)
        return Outcome.RETRACTED

    def withdraw(self, section: str, fact: str, rec: str, reason: str | None = None) -> None:
        """Retire the fact's visible version, if it has one (a fact another row ends)."""
        head = self.heads.get((section, fact))
        if head is not None and head.ret is None:
            self._retire(section, fact, rec, head, reason)

    def _retire(self, section: str, fact: str, rec: str, head: Head,
                reason: str | None = None) -> None:
        self.changes.retire.append(Retirement(section, fact, rec, reason))
        self._set(self.heads, (section, fact),
                  Head(head.rec, rec, head.h, head.source, head.placeholder))

    def _create(self, version: FactVersion) -> None:
        key = (version.section, version.fact)
        self._set(self.planned, key, len(self.changes.create))
        self.changes.create.append(version)
        self._set(self.heads, key,
                  Head(version.rec, None, version.h, version.source, version.placeholder))

    def _replace(self, version: FactVersion) -> None:
        key = (version.section, version.fact)
        index = self.planned.get(key)
        if index is not None:
            self._set(self.changes.create, index, version)
        else:
            self.changes.drop.append((version.section, version.fact, version.rec))
            self._set(self.planned, key, len(self.changes.create))
            self.changes.create.append(version)
        self._set(self.heads, key,
                  Head(version.rec, None, version.h, version.source, version.placeholder))
