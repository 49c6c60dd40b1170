"""A Neo4j database filled offline by neo4j-admin: the store of a bulk load.

An initial load into an empty database runs the same loader as any other
(credgraph.loaders.load: the same checks, rejects, provenance, planning and fact
versions) against this store. Its writes go to neo4j-admin import files instead of
Cypher statements: `ImportFiles` is the sibling of Neo4jStore's statement writer, both
writing what `FactVersion.stored` gives. The reads a load makes (fact heads, enterprises
and entities named by rows) are answered from what the load wrote, since the database
starts empty. `commit` stops the server, runs `neo4j-admin database import full`, starts
the server again and creates the constraints and indexes; reads after it go to the
live database.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credgraph.exc import ConfigurationError, StoreError
from credgraph.graph import cypher
from credgraph.graph.model import (
    ENTITY_LABEL,
    PROVENANCE,
    RECORD_LABEL,
    VERSION,
    GraphModel,
)
from credgraph.graph.neo4j_admin import ARRAY_DELIMITER, ImportGroup, ImportPlan, ServerTools
from credgraph.graph.neo4j_store import Neo4jStore
from credgraph.graph.records import (
    ChangeSet,
    EdgeRecord,
    EnterpriseRef,
    FactVersion,
    GraphCounts,
    Head,
    Identity,
    NodeRecord,
    Snapshot,
)
from credgraph.graph.store import GraphStore
from credgraph.settings import StoreKind

ID_SEPARATOR = "\x1f"
"""Between a fact node's key and its recorded time in its import id (one per version)."""

STARTUP_SECONDS = 300.0
"""How long the database may take to answer queries after the server was started."""

_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "long"), (float, "double"), (str, "string"), (list, "string[]"))
"""Python values and the import column types that keep them as the Cypher writer does
(bool before int: a bool is an int in Python)."""

FIXUP_BATCH = 10_000
"""Elements per statement when empty lists are set after the import."""


def _import_type(value: Any) -> str:
    for python_type, name in _TYPES:
        if isinstance(value, python_type):
            return name
    raise StoreError(f"a value of type {type(value).__name__} cannot be imported")


class _File:
    """One import file: its header names every column with its type; each row is one
    element, ending with the serial of the change that wrote it (ignored by the import)."""

    def __init__(self, path: Path, lead: tuple[str, ...], columns: tuple[str, ...],
                 types: dict[str, str]) -> None:
        self.path, self.columns, self.types = path, columns, types
        self.lists = [i for i, c in enumerate(columns) if types[c] == "string[]"]
        self.bools = [i for i, c in enumerate(columns) if types[c] == "boolean"]
        self.multiline = False
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow([*lead, *(f"{c}:{types[c]}" for c in columns), ":IGNORE"])

    def fits(self, types: dict[str, str]) -> bool:
        return all(self.types[column] == kind for column, kind in types.items())

    def write(self, lead: list[str], props: dict[str, Any], serial: int) -> list[str]:
        """Write one element; returns the columns whose value is an empty list, which an
        import file cannot hold (an empty field is no property)."""
        values = list(map(props.get, self.columns))
        for i in self.bools:
            if values[i] is not None:
                values[i] = "true" if values[i] else "false"
        empty: list[str] = []
        for i in self.lists:
            items = values[i]
            if items is None:
                continue
            if not items:
                empty.append(self.columns[i])
                values[i] = None
                continue
            if any(not isinstance(item, str) or ARRAY_DELIMITER in item for item in items):
                raise StoreError(f"{self.columns[i]}: only lists of texts can be imported")
            values[i] = ARRAY_DELIMITER.join(items)
        texts = [value for value in values if value.__class__ is str]
        if "" in texts:
            raise StoreError("an empty text cannot be imported (it would be no value)")
        if not self.multiline:
            joined = "".join(texts)
            self.multiline = "\n" in joined or "\r" in joined
        self.writer.writerow([*lead, *values, serial])
        return empty

    def close(self) -> None:
        self.handle.close()


class _Group:
    """The files of one label or relationship type: one per combination of value types
    seen (normally one: a property keeps its type)."""

    def __init__(self, folder: Path, stem: str, name: str, lead: tuple[str, ...],
                 columns: tuple[str, ...], section: str | None) -> None:
        self.folder, self.stem, self.name, self.lead = folder, stem, name, lead
        self.columns, self.section = columns, section
        self.known = set(columns)
        self.files: list[_File] = []
        self._by_shape: dict[tuple[tuple[str, ...], tuple[type, ...]], _File] = {}

    def write(self, lead: list[str], props: dict[str, Any], serial: int) -> list[str]:
        shape = (tuple(props), tuple(map(type, props.values())))
        file = self._by_shape.get(shape)
        if file is None:
            file = self._by_shape[shape] = self._file_for(props)
        return file.write(lead, props, serial)

    def _file_for(self, props: dict[str, Any]) -> _File:
        types = {name: _import_type(value) for name, value in props.items()}
        unknown = sorted(types.keys() - self.known)
        if unknown:
            raise StoreError(f"{self.stem}: properties not in the model: {', '.join(unknown)}")
        for file in self.files:
            if file.fits(types):
                return file
        base = self.files[0].types if self.files else dict.fromkeys(self.columns, "string")
        file = _File(self.folder / f"{self.stem}-{len(self.files)}.csv", self.lead,
                     self.columns, {**base, **types})
        self.files.append(file)
        return file


@dataclass(frozen=True, slots=True)
class _Amendment:
    """A change to elements written earlier (by lower serials): a retirement or a drop."""

    serial: int
    drop: bool
    value: str
    """Drop: the recorded time of the version dropped; retirement: the retraction time."""
    reason: str | None = None
    """A withdrawal's reason (`ret_reason`)."""


@dataclass(frozen=True, slots=True)
class _EmptyList:
    serial: int
    name: str
    """The label or relationship type."""
    key: str
    rec: str
    prop: str


@dataclass(slots=True)
class _Entity:
    """An identity as the Cypher MERGE leaves it: every label given, identifiers merged."""

    labels: tuple[str, ...]
    props: dict[str, Any] | None


class ImportFiles:
    """Change sets written as neo4j-admin import files, streaming: one group of files per
    label and relationship type, the properties as FactVersion.stored gives them.

    Versions are only ever added to the files; retirements and drops of versions written
    earlier (rare in one extract: a row retracted or given twice) are kept aside and
    applied to the files they touch when the files are finished.
    """

    def __init__(self, folder: Path, model: GraphModel) -> None:
        self.folder, self.model = folder, model
        self.groups: dict[str, _Group] = {}
        self.serial = 0
        self.amendments: dict[tuple[str, str], list[_Amendment]] = defaultdict(list)
        self.empty_lists: list[_EmptyList] = []
        self.endpoints = {model.match_label(end) for edge in model.edges.values()
                          for end in (edge.source, edge.target)} - {ENTITY_LABEL}
        self.entity_ends = {edge.type: tuple(model.match_label(end) == ENTITY_LABEL
                                             for end in (edge.source, edge.target))
                            for edge in model.edges.values()}
        """Per relationship type, whether its start and its end are entities (their import
        id is the entity id) rather than nodes of the version (id and recorded time)."""

    def _group(self, schema_name: str) -> _Group:
        group = self.groups.get(schema_name)
        if group is not None:
            return group
        if schema_name in self.model.nodes:
            node = self.model.node(schema_name)
            name = node.label + (f":{RECORD_LABEL}" if node.record_of else "")
            lead: tuple[str, ...] = ((f":ID({node.label})",) if node.label in self.endpoints
                                     else ())
            columns = node.stored_properties
            section = node.section
            stem = f"nodes-{node.label}"
        else:
            edge = self.model.edge(schema_name)
            name, section, stem = edge.type, edge.section, f"relationships-{edge.type}"
            lead = (f":START_ID({self.model.match_label(edge.source)})",
                    f":END_ID({self.model.match_label(edge.target)})")
            columns = edge.properties
        group = _Group(self.folder, stem, name, lead, _with_stamp(columns), section)
        self.groups[schema_name] = group
        return group

    def write(self, changes: ChangeSet) -> None:
        """Add a change set (its identities are the caller's: they merge, so they are
        written once, at the end)."""
        self.serial += 1
        for retirement in changes.retire:
            self.amendments[(retirement.section, retirement.fact)].append(
                _Amendment(self.serial, False, retirement.at, retirement.reason))
        for section, fact, rec in changes.drop:
            self.amendments[(section, fact)].append(_Amendment(self.serial, True, rec))
        for version in changes.create:
            self._create(version)

    def _create(self, version: FactVersion) -> None:
        nodes, edges = version.stored(self.model)
        for node, props in nodes:
            self._node(node, props)
        for edge, props in edges:
            self._edge(edge, props, version.rec)

    def _node(self, node: NodeRecord, props: dict[str, Any]) -> None:
        group = self._group(node.label)
        key = str(props[self.model.node(node.label).key])
        lead = [f"{key}{ID_SEPARATOR}{props['rec']}"] if group.lead else []
        for prop in group.write(lead, props, self.serial):
            self.empty_lists.append(_EmptyList(self.serial, node.label, key, props["rec"], prop))

    def _edge(self, edge: EdgeRecord, props: dict[str, Any], rec: str) -> None:
        group = self._group(edge.type)
        source_entity, target_entity = self.entity_ends[edge.type]
        ends = [edge.source if source_entity else f"{edge.source}{ID_SEPARATOR}{rec}",
                edge.target if target_entity else f"{edge.target}{ID_SEPARATOR}{rec}"]
        for prop in group.write(ends, props, self.serial):
            self.empty_lists.append(_EmptyList(self.serial, edge.type, edge.key, rec, prop))

    def finish(self, entities: dict[str, _Entity], data_version: int) -> ImportPlan:
        """Close the files, apply the amendments, write the entities and the data version;
        returns what neo4j-admin is to import."""
        plan = ImportPlan(self.folder)
        dropped: set[int] = set()
        for schema_name, group in sorted(self.groups.items()):
            for file in group.files:
                file.close()
                if any(section == group.section for section, _ in self.amendments):
                    dropped |= self._amend(file, group.section or "")
                if file.multiline:
                    plan.multiline.append(file.path)
            target = plan.nodes if schema_name in self.model.nodes else plan.relationships
            # Each file has its own header (its value types): one input each, since
            # neo4j-admin reads the header from the first file of an input only.
            target.extend(ImportGroup(group.name, (file.path,)) for file in group.files)
        self.empty_lists = [e for e in self.empty_lists if e.serial not in dropped]
        plan.nodes.append(self._entities(entities))
        if data_version:
            meta = self.folder / "nodes-meta.csv"
            with meta.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(
                    [["id:string", "data_version:long"], ["store", data_version]])
            plan.nodes.append(ImportGroup(cypher.META_LABEL, (meta,)))
        return plan

    def _amend(self, file: _File, section: str) -> set[int]:
        """Rewrite a file with the retirements and drops of its facts applied: each touches
        the elements of its fact written before it. Returns the serials of dropped rows."""
        dropped: set[int] = set()
        leading = len(next(csv.reader(file.path.open(encoding="utf-8")))) - len(file.columns) - 1
        fact_at = leading + file.columns.index("fact")
        rec_at = leading + file.columns.index("rec")
        ret_at = leading + file.columns.index("ret")
        reason_at = leading + file.columns.index("ret_reason")
        amended = file.path.with_suffix(".amended")
        with (file.path.open(encoding="utf-8", newline="") as source,
              amended.open("w", encoding="utf-8", newline="") as out):
            reader, writer = csv.reader(source), csv.writer(out, lineterminator="\n")
            writer.writerow(next(reader))
            for row in reader:
                serial = int(row[-1])
                for change in self.amendments.get((section, row[fact_at]), ()):
                    if change.serial <= serial:
                        continue
                    if change.drop and row[rec_at] == change.value:
                        dropped.add(serial)
                        break
                    if not change.drop and not row[ret_at]:
                        row[ret_at] = change.value
                        if change.reason:
                            row[reason_at] = change.reason
                            file.multiline |= "\n" in change.reason or "\r" in change.reason
                else:
                    writer.writerow(row)
        amended.replace(file.path)
        return dropped

    def _entities(self, entities: dict[str, _Entity]) -> ImportGroup:
        """Enterprises, persons and other holders: merged identities, one node each."""
        columns = tuple(dict.fromkeys(p for label in self.model.entity_labels
                                      for p in self.model.node(label).properties if p != "id"))
        path = self.folder / "nodes-entities.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([f"id:ID({ENTITY_LABEL})", ":LABEL",
                             *(f"{c}:string" for c in columns)])
            for entity_id, entity in entities.items():
                props = entity.props or {}
                labels = ARRAY_DELIMITER.join((ENTITY_LABEL, *entity.labels))
                writer.writerow([entity_id, labels, *(props.get(c) for c in columns)])
        return ImportGroup("", (path,))


def _with_stamp(columns: tuple[str, ...]) -> tuple[str, ...]:
    """A label's or type's own properties, then those every version carries."""
    return tuple(dict.fromkeys((*columns, *VERSION, *PROVENANCE, "placeholder")))


class ImportStore(GraphStore):
    """The store of a bulk load into an empty Neo4j database (see the module's note).

    The fact heads it answers from are kept compactly: every version of one load has the
    load's recorded time and source, so a head is its digest unless it was retired or
    is a placeholder.
    """

    kind = StoreKind.NEO4J

    def __init__(self, tools: ServerTools, connect: Callable[[], Neo4jStore],
                 folder: Path | None = None, notify: Callable[[str], None] | None = None
                 ) -> None:
        super().__init__()
        self.tools, self._connect = tools, connect
        self._notify = notify or (lambda message: None)
        self._temporary = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="credgraph-import-")) if folder is None \
            else folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files = ImportFiles(self.folder, self.model)
        self._heads: dict[str, dict[str, str | Head]] = defaultdict(dict)
        self._usual: tuple[str, str] | None = None
        self.entities: dict[str, _Entity] = {}
        self._reg_no: dict[str, str] = {}
        self._capital: dict[str, float | None] = {}
        """Enterprises with a visible registration record, by id (an enterprise's
        registration fact is named by its id: credgraph.loaders.build), with its capital."""
        self._version = 0
        self.live: Neo4jStore | None = None

    # --- the load's writes ------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Created after the import (commit); afterwards, on the live database."""
        if self.live is not None:
            self.live.ensure_schema()

    def apply(self, changes: ChangeSet) -> None:
        """Index and write a change set the way Neo4jStore applies one: identities,
        retirements, drops, then new versions (a retirement never touches a version of the
        same change set)."""
        if self.live is not None:
            if changes.changes or changes.identities:
                raise StoreError("the bulk load was imported already: load more incrementally")
            self.live.apply(changes)  # the store's log (the load run), written after the import
            return
        for identity in changes.identities:
            self._merge(identity)
        enterprises = self.model.node(self.model.record_labels["Enterprise"])
        for retirement in changes.retire:
            heads = self._heads[retirement.section]
            head = self._head(heads.get(retirement.fact))
            if head is not None and head.ret is None:
                heads[retirement.fact] = Head(head.rec, retirement.at, head.h, head.source,
                                              head.placeholder)
                if retirement.section == enterprises.section:
                    self._capital.pop(retirement.fact, None)
        for section, fact, rec in changes.drop:
            head = self._head(self._heads[section].get(fact))
            if head is not None and head.rec == rec:
                del self._heads[section][fact]
                if section == enterprises.section:
                    self._capital.pop(fact, None)
        for version in changes.create:
            self._index(version, enterprises.label)
        self.files.write(changes)
        if changes.changes:
            self._version += 1

    def _merge(self, identity: Identity) -> None:
        props = {k: v for k, v in identity.props.items() if v is not None} or None
        entity = self.entities.get(identity.id)
        if entity is None:
            self.entities[identity.id] = _Entity((identity.label,), props)
        else:
            if identity.label not in entity.labels:
                entity.labels = (*entity.labels, identity.label)
            if props:
                entity.props = {**(entity.props or {}), **props}
        if props and props.get("reg_no"):
            self._reg_no[props["reg_no"]] = identity.id

    def _index(self, version: FactVersion, enterprise_record: str) -> None:
        if self._usual is None:
            self._usual = (version.rec, version.source)
        usual = (version.rec, version.source) == self._usual and not version.placeholder
        self._heads[version.section][version.fact] = version.h if usual else Head(
            version.rec, None, version.h, version.source, version.placeholder)
        for node in version.nodes:
            if node.label == enterprise_record:
                self._capital[node.props["of"]] = node.props.get("registered_capital")

    def _head(self, stored: str | Head | None) -> Head | None:
        if stored is None or isinstance(stored, Head):
            return stored
        assert self._usual is not None
        return Head(self._usual[0], None, stored, self._usual[1], False)

    # --- the reads a load makes ------------------------------------------------------------

    def heads_of(self, wanted: Mapping[str, Collection[str]]) -> dict[tuple[str, str], Head]:
        found: dict[tuple[str, str], Head] = {}
        for section, facts in wanted.items():
            stored = self._heads.get(section, {})
            found.update({(section, fact): head for fact in facts
                          if (head := self._head(stored.get(fact))) is not None})
        return found

    def visible_facts(self, section: str, source: str) -> Iterator[str]:
        for fact, stored in list(self._heads.get(section, {}).items()):
            head = self._head(stored)
            if head is not None and head.ret is None and head.source == source \
                    and not head.placeholder:
                yield fact

    def references(self, enterprises: Collection[str], entities: Collection[str]
                   ) -> tuple[dict[str, EnterpriseRef], dict[str, str]]:
        enterprise = self.model.node("Enterprise").label
        resolved: dict[str, EnterpriseRef] = {}
        for ref in enterprises:
            entity = self.entities.get(ref)
            node = ref if entity is not None and enterprise in entity.labels \
                else self._reg_no.get(ref)
            if node is not None and node in self._capital \
                    and enterprise in self.entities[node].labels:
                resolved[ref] = EnterpriseRef(node, self._capital[node])
        return resolved, {i: entity.labels[0] for i in entities
                          if (entity := self.entities.get(i))}

    def data_version(self) -> int:
        return self.live.data_version() if self.live is not None else self._version

    def log_entries(self, label: str) -> list[dict[str, Any]]:
        """The database's log once imported; an empty database has none before."""
        return self.live.log_entries(label) if self.live is not None else []

    # --- the import ---------------------------------------------------------------------------

    def make_readable(self) -> None:
        """Import now: the files are read only by neo4j-admin."""
        self.commit()

    def commit(self) -> None:
        """Finish the files, then stop the server, import, start it, create the schema."""
        if self.live is not None:
            return
        started = time.perf_counter()
        plan = self.files.finish(self.entities, self._version)
        empty_lists = self.files.empty_lists
        self._heads.clear()
        self.entities.clear()
        self.steps["files"] = time.perf_counter() - started
        check = self._connect()
        try:
            if not check.is_empty():
                raise StoreError("the database is no longer empty (something wrote to it "
                                 "during the bulk load): nothing was imported")
        finally:
            check.close()
        self._notify(f"stopping Neo4j to import {self.folder}")
        started = time.perf_counter()
        self.tools.stop()
        self.steps["stop"] = time.perf_counter() - started
        self._notify("neo4j-admin database import full ...")
        try:
            self.steps["import"] = self.tools.import_full(plan)
        finally:
            self._notify("starting Neo4j")
            started = time.perf_counter()
            self.tools.start()
        self.live = answering(self._connect)
        self.steps["start"] = time.perf_counter() - started
        self._notify("creating constraints and indexes")
        started = time.perf_counter()
        self.live.ensure_schema()
        lists: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for empty in empty_lists:
            lists[(empty.name, empty.prop)].append({"key": empty.key, "rec": empty.rec})
        for (name, prop), rows in lists.items():
            schema = self.model.nodes.get(name) or self.model.edge(name)
            for start in range(0, len(rows), FIXUP_BATCH):
                self.live.set_empty_list(schema, prop, rows[start:start + FIXUP_BATCH])
        self.steps["schema"] = time.perf_counter() - started
        if self._temporary:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _live(self) -> Neo4jStore:
        if self.live is None:
            raise StoreError("the bulk load is not imported yet")
        return self.live

    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        return self._live().overfull_enterprises(enterprises)

    def get_node(self, node_id: str) -> dict[str, Any] | None:
        return self._live().get_node(node_id)

    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        return self._live().get_edge(rel_type, key)

    def counts(self) -> GraphCounts:
        return self._live().counts()

    def snapshot(self) -> Snapshot:
        return self._live().snapshot()

    def ping(self) -> None:
        self._live().ping()

    def clear(self) -> None:
        raise StoreError("a bulk load only fills an empty database")

    def close(self) -> None:
        if self.live is not None:
            self.live.close()
        elif self._temporary:
            shutil.rmtree(self.folder, ignore_errors=True)


def answering(connect: Callable[[], Neo4jStore], seconds: float = STARTUP_SECONDS
              ) -> Neo4jStore:
    """A store on a server just started: Bolt answers before the database does, so this
    waits until a query goes through (or raises StoreError after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            store = connect()
        except ConfigurationError as e:
            problem: Exception = e
        else:
            try:
                store.ping()
                return store
            except StoreError as e:
                store.close()
                problem = e
        if time.monotonic() > deadline:
            raise StoreError(f"Neo4j did not answer within {seconds:.0f} s of its start: "
                             f"{problem}") from problem
        time.sleep(1.0)
