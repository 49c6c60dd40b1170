"""The Neo4j store: where the data lives for anything beyond a demo."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from neo4j import (
    READ_ACCESS,
    GraphDatabase,
    ManagedTransaction,
    NotificationMinimumSeverity,
    Query,
    RoutingControl,
    Session,
    Transaction,
)
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

from credgraph import deadline
from credgraph.exc import ConfigurationError, DeadlineExceededError, StoreError
from credgraph.graph import cypher
from credgraph.graph.model import (
    ENTITY_LABEL,
    RECORD_LABEL,
    EdgeSchema,
    NodeSchema,
    without_search_keys,
)
from credgraph.graph.records import (
    ChangeSet,
    EnterpriseRef,
    GraphCounts,
    Head,
    Snapshot,
    present,
)
from credgraph.graph.store import OVERFULL_TOLERANCE, GraphStore, ReadScope
from credgraph.settings import Settings, StoreKind

T = TypeVar("T")

ONLINE = "ONLINE"
"""The state of an index that is populated (SHOW INDEXES)."""

IDS_PER_READ = 5_000
"""Ids per transaction of `read_in_batches`: the reads over a whole register's ids (a
load's over-100% holdings check, the registry-wide scan's current posts and post holders)
ran past the read time limit in one transaction at 1,000,000 enterprises, and a batch of
20,000 enterprises' post holders took 68 s on a freshly started server there (6.7 s once
its pages were cached)."""

UNREACHABLE_PAUSE_SECONDS = 1.0
"""After Neo4j could not be reached, how long other queries fail at once instead of each
waiting out the driver's connect and retry times; then the next query tries again, so
the store recovers by itself within this pause of Neo4j coming back."""


class ReadTransaction(ReadScope):
    """The reads of one request in one read transaction, begun at the first read.

    The transaction is routed to a reader (a follower in a cluster), waits for the
    bookmarks of this process's writes (read-your-writes after a load) and gets the
    request's remaining deadline as its time limit. A request runs one store call at a
    time (credgraph.api.limits.Lane), possibly on different worker threads one after the
    other; the lock only guards against misuse. A failed read ends the transaction, and
    the next read begins a new one. A read still running when the request is over (its
    deadline passed, its client left) ends the transaction itself.
    """

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.session: Session | None = None
        self.tx: Transaction | None = None
        self.lock = threading.Lock()
        self.over = False

    @property
    def open(self) -> bool:
        return self.session is not None

    @contextmanager
    def active(self) -> Iterator[None]:
        token = _READS.set(self)
        try:
            yield
        finally:
            _READS.reset(token)
            self.over = True

    def run(self, text: str, params: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        """Run a read in the transaction (begun here with `timeout` as its time limit)."""
        with self.lock:
            try:
                if self.tx is None:
                    self.session = self.store._session(default_access_mode=READ_ACCESS)
                    # BEGIN goes out with the first RUN, one round trip as the driver's
                    # execute_query sends it (its flag), not one of its own before it.
                    with self.session._pipelined_begin:
                        self.tx = self.session.begin_transaction(timeout=timeout)
                return [dict(r) for r in self.tx.run(text, params)]  # as Neo4jStore.read
            except BaseException:
                self._end()
                raise
            finally:
                if self.over:
                    self._end()

    def _end(self) -> None:
        tx, session, self.tx, self.session = self.tx, self.session, None, None
        try:
            if tx is not None:
                tx.close()
        except (Neo4jError, DriverError):
            pass  # a failed transaction is already over on the server
        finally:
            if session is not None:
                session.close()

    def close(self) -> None:
        with self.lock:
            self._end()


_READS: ContextVar[ReadTransaction | None] = ContextVar("credgraph_reads", default=None)


class Neo4jStore(GraphStore):
    kind = StoreKind.NEO4J

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        timeout_seconds: float = 30.0,
        write_timeout_seconds: float = 300.0,
        connect_timeout_seconds: float = 3.0,
        retry_seconds: float = 1.0,
    ) -> None:
        super().__init__()
        auth = (user, password) if password else None
        self.database = database
        self.timeout_seconds = timeout_seconds
        self.write_timeout_seconds = write_timeout_seconds
        self._unreachable_until = 0.0
        # Notifications off at the server: otherwise the driver logs a multi-kilobyte
        # warning per query (e.g. "property key does not exist"), which is noise that can
        # hold a server whose log is read slowly. Short connect and retry times make a
        # request fail fast with SERVICE_UNAVAILABLE while Neo4j is down; the pool
        # reconnects by itself once it is back.
        self.driver = GraphDatabase.driver(
            uri, auth=auth,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
            connection_timeout=connect_timeout_seconds,
            connection_acquisition_timeout=connect_timeout_seconds + retry_seconds,
            max_transaction_retry_time=retry_seconds,
        )
        try:
            self.driver.verify_connectivity()
        except (Neo4jError, ServiceUnavailable, OSError) as e:
            self.driver.close()
            raise ConfigurationError(f"cannot reach Neo4j at {uri}: {e}") from e

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        if not settings.neo4j_uri:
            raise ConfigurationError("CREDGRAPH_NEO4J_URI is not set")
        return cls(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            settings.query_timeout_seconds,
            settings.write_timeout_seconds,
            settings.neo4j_connect_timeout_seconds,
            settings.neo4j_retry_seconds,
        )

    def read_scope(self) -> ReadTransaction:
        return ReadTransaction(self)

    def _execute(self, text: str, params: dict[str, Any], routing: RoutingControl) -> Any:
        """One auto-retried transaction with the server-side time limit for its kind.

        Reads answer people and get the short limit, cut to what is left of the request's
        deadline (credgraph.deadline) so the server stops the work with the request; a
        load batch may queue behind other writers on a busy server, so writes get the
        longer one.
        """
        if routing is RoutingControl.READ:
            timeout = deadline.remaining(self.timeout_seconds)
        else:
            timeout = self.write_timeout_seconds
        return self._guarded(timeout, lambda: self.driver.execute_query(
            Query(text, timeout=timeout), params, database_=self.database, routing_=routing))

    def _guarded(self, timeout: float, call: Callable[[], T]) -> T:
        """Run a driver call with the store's error translation and its unreachable pause."""
        if time.monotonic() < self._unreachable_until:
            raise StoreError("Neo4j is unavailable (it did not answer a moment ago)")
        try:
            result = call()
        except Neo4jError as e:
            if "TransactionTimedOut" in (e.code or ""):
                raise DeadlineExceededError(
                    f"the store query ran past its time limit of {timeout:.3g} s and was "
                    "stopped") from e
            if e.code and e.code.startswith("Neo.TransientError"):
                raise StoreError(f"Neo4j is unavailable: {e.message}") from e
            raise StoreError(f"Neo4j query failed: {e.message}") from e
        except DriverError as e:
            self._unreachable_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
            raise StoreError(f"Neo4j is unavailable: {e}") from e
        self._unreachable_until = 0.0
        return result

    def _session(self, **config: Any) -> Session:
        """A session in the causal chain of every query of this store (docs/scaling.md).

        execute_query keeps the bookmarks of its transactions in the driver's bookmark
        manager and starts each one after them; a session given that manager does the same,
        so the next read, even on a cluster secondary, waits until it holds this session's
        writes (a load's next batch plans on what the last one wrote).
        """
        return self.driver.session(
            database=self.database,
            bookmark_manager=self.driver.execute_query_bookmark_manager, **config)

    def ping(self) -> None:
        """One trivial read with a short limit: raises StoreError unless Neo4j answers."""
        try:
            self.driver.execute_query(Query("RETURN 1", timeout=2.0), database_=self.database,
                                      routing_=RoutingControl.READ)
        except (Neo4jError, DriverError) as e:
            raise StoreError(f"Neo4j is unavailable: {e}") from e
        self._unreachable_until = 0.0

    def read(self, text: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query routed to readers; records come back as dicts. Within a request's
        read scope (ReadTransaction) it joins the request's transaction.

        The queries return values, maps and lists, never nodes or relationships, so the
        records are taken as they are: Record.data() would walk and copy every nested
        value to convert graph types, a third of the time of a large answer.
        """
        scope = _READS.get()
        if scope is not None and scope.store is self:
            timeout = deadline.remaining(self.timeout_seconds)
            return self._guarded(timeout, lambda: scope.run(text, params, timeout))
        records, _, _ = self._execute(text, params, RoutingControl.READ)
        return [dict(r) for r in records]

    def read_in_batches(self, text: str, ids: Sequence[str], **params: Any
                        ) -> list[dict[str, Any]]:
        """`read` of a query over `$ids`, `IDS_PER_READ` ids at a time, the rows of each read
        in turn: one read over a whole register's ids runs past the read time limit."""
        return [row for start in range(0, len(ids), IDS_PER_READ)
                for row in self.read(text, ids=list(ids[start:start + IDS_PER_READ]), **params)]

    def _run_write(self, text: str, **params: Any) -> None:
        self._execute(text, params, RoutingControl.WRITE)

    def ensure_schema(self) -> None:
        """Create what is missing and wait until every index is populated (after a bulk
        import that is every node, hence the write time limit).

        Every load calls this, so the indexes there are are read once and only what is
        missing is created (or obsolete, dropped): a schema statement is a transaction of
        its own, and the eighty of them cost a load on a busy server seconds. Nothing
        created and every index online: nothing to wait for.

        A database written before records had their search keys gets them. Search's indexes
        are created only once every record has its keys, so a pass cut short leaves them
        missing and the next call finishes it.
        """
        indexes = {row["name"]: row["state"] for row in self.read(cypher.INDEXES)}
        unindexed = [node for node in self.model.nodes.values() if node.ranked
                     and not {cypher.rank_index(node), cypher.terms_index(node)} <= indexes.keys()]
        missing = [statement for name, statement in cypher.schema_statements(self.model).items()
                   if name not in indexes]
        missing += [cypher.drop_index(name) for name in cypher.obsolete_indexes(self.model)
                    if name in indexes]
        for statement in missing:
            self._run_write(statement)
        if unindexed and self.read(cypher.ANY_UNKEYED):
            self._key_records()
        for node in unindexed:
            for name, statement in cypher.search_index_statements(node).items():
                if name not in indexes:
                    missing.append(statement)
                    self._run_write(statement)
        if missing or any(state != ONLINE for state in indexes.values()):
            self._run_write(cypher.AWAIT_INDEXES, seconds=int(self.write_timeout_seconds))

    def _key_records(self, batch: int = 10_000) -> None:
        """Give every record version lacking a search key its keys
        (`NodeSchema.search_keys`), a page of entities at a time."""
        after = ""
        while True:
            rows = self.read(cypher.UNKEYED, after=after, batch=batch)
            if not rows or rows[0]["last"] is None:
                return
            keyed = [{"element": r["element"], "keys": keys} for r in rows[0]["unkeyed"]
                     if (keys := self.model.node(r["label"]).search_keys(r["props"]))]
            if keyed:
                self._run_write(cypher.SET_SEARCH_KEYS, rows=keyed)
            after = rows[0]["last"]

    def is_empty(self) -> bool:
        """Whether the database holds no node at all."""
        return not self.read(cypher.ANY_NODE)

    def set_empty_list(self, schema: NodeSchema | EdgeSchema, prop: str,
                       rows: list[dict[str, str]]) -> None:
        """Give elements named by key and recorded time an empty list (bulk imports)."""
        self._run_write(cypher.set_empty_list(schema, prop), rows=rows)

    def heads_of(self, wanted: Mapping[str, Collection[str]]) -> dict[tuple[str, str], Head]:
        """One read for every section and schema: a section's facts may be elements of
        several schemas (its primary ones), and the latest version among them is the head."""
        asked = [(section, schema, list(facts)) for section, facts in wanted.items() if facts
                 for schema in self.model.section_schemas(section, primary_only=True)]
        if not asked:
            return {}
        row = self.read(cypher.heads([schema for _, schema, _ in asked]),
                        **{f"facts{i}": facts for i, (_, _, facts) in enumerate(asked)})[0]
        found: dict[tuple[str, str], Head] = {}
        for i, (section, _, _) in enumerate(asked):
            for head in row[f"heads{i}"]:
                known = found.get((section, head["fact"]))
                if known is None or head["rec"] > known.rec:
                    found[(section, head["fact"])] = Head(
                        head["rec"], head["ret"], head["h"], head["source"],
                        bool(head["placeholder"]))
        return found

    def apply(self, changes: ChangeSet) -> None:
        """One transaction: a killed load leaves each change set whole or absent."""
        statements = self._statements(changes)
        if not statements:
            return

        def work(tx: ManagedTransaction) -> None:
            for text, rows in statements:
                tx.run(text, rows=rows).consume()
            if changes.changes:
                tx.run(cypher.BUMP_VERSION).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except Neo4jError as e:
            raise StoreError(f"Neo4j write failed: {e.message}") from e

    def _statements(self, changes: ChangeSet) -> list[tuple[str, list[dict[str, Any]]]]:
        model = self.model
        statements: list[tuple[str, list[dict[str, Any]]]] = []
        identities: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for identity in changes.identities:
            identities[identity.label].append(
                {"id": identity.id, "props": {k: v for k, v in identity.props.items()
                                              if v is not None}})
        for label, rows in identities.items():
            statements.append((cypher.merge_identities(model.node(label)), rows))
        retire: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in changes.retire:
            retire[r.section].append({"fact": r.fact, "at": r.at, "reason": r.reason})
        for section, rows in retire.items():
            statements += [(cypher.retire(s), rows) for s in model.section_schemas(section)]
        drop: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for section, fact, rec in changes.drop:
            drop[section].append({"fact": fact, "rec": rec})
        for section, rows in drop.items():
            statements += [(cypher.drop(s), rows) for s in model.section_schemas(section)]
        nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for version in changes.create:
            stored_nodes, stored_edges = version.stored(model)
            for node, props in stored_nodes:
                nodes[node.label].append({"props": props})
            for edge, props in stored_edges:
                edges[edge.type].append({"source": edge.source, "target": edge.target,
                                         "props": props})
        statements += [(cypher.create_nodes(model.node(label)), rows)
                       for label, rows in nodes.items()]
        statements += [(cypher.create_edges(model, model.edge(rel_type)), rows)
                        for rel_type, rows in edges.items()]
        log: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in changes.log:
            schema = model.node(entry.label)
            if not schema.log:
                raise StoreError(f"{entry.label} is not a log label")
            log[entry.label].append({"id": entry.id,
                                     "props": {**present(entry.props), schema.key: entry.id}})
        statements += [(cypher.write_log(model.node(label)), rows) for label, rows in log.items()]
        return statements

    def visible_facts(self, section: str, source: str) -> Iterator[str]:
        seen: set[str] = set()
        for schema in self.model.section_schemas(section, primary_only=True):
            for row in self.read(cypher.visible_facts(schema), source=source):
                if row["fact"] not in seen:
                    seen.add(row["fact"])
                    yield row["fact"]

    def data_version(self) -> int:
        rows = self.read(cypher.DATA_VERSION)
        return int(rows[0]["v"] or 0) if rows else 0

    def references(self, enterprises: Collection[str], entities: Collection[str]
                   ) -> tuple[dict[str, EnterpriseRef], dict[str, str]]:
        """One read for both."""
        if not enterprises and not entities:
            return {}, {}
        row = self.read(cypher.references(self.model), refs=list(enterprises),
                        ids=list(entities))[0]
        return ({r["ref"]: EnterpriseRef(r["id"], r["capital"]) for r in row["enterprises"]},
                {r["id"]: r["label"] for r in row["entities"]})

    def overfull_enterprises(self, enterprises: Collection[str]) -> list[tuple[str, float]]:
        rows = self.read_in_batches(cypher.overfull_enterprises(self.model), sorted(enterprises),
                                    tolerance=OVERFULL_TOLERANCE)
        return [(r["id"], r["total"]) for r in rows]

    def get_node(self, node_id: str) -> dict[str, Any] | None:
        rows = self.read(cypher.get_entity(self.model), id=node_id)
        if rows:
            return {**rows[0]["record"], **rows[0]["identity"], "label": rows[0]["label"]}
        rows = self.read(cypher.get_fact_node(self.model), id=node_id)
        return {**rows[0]["props"], "label": rows[0]["label"]} if rows else None

    def get_edge(self, rel_type: str, key: str) -> dict[str, Any] | None:
        rows = self.read(cypher.get_edge(self.model.edge(rel_type)), key=key)
        if not rows:
            return None
        return {**rows[0]["props"], "source": rows[0]["source"], "target": rows[0]["target"]}

    def log_entries(self, label: str) -> list[dict[str, Any]]:
        return [row["props"] for row in self.read(cypher.log_entries(self.model.node(label)))]

    def counts(self) -> GraphCounts:
        nodes = {label: self.read(cypher.count_nodes(label))[0]["n"]
                 for label, node in self.model.nodes.items() if not node.log}
        edges = {t: self.read(cypher.count_edges(t))[0]["n"] for t in self.model.edges}
        return GraphCounts(
            nodes={k: v for k, v in nodes.items() if v}, edges={k: v for k, v in edges.items() if v}
        )

    def snapshot(self) -> Snapshot:
        """As every store's, without search's keys: they are this store's index of the
        names, not facts, so that snapshots compare across stores."""
        nodes = {}
        for row in self.read(cypher.ALL_NODES, shared=[ENTITY_LABEL, RECORD_LABEL],
                             log=list(self.model.log_labels)):
            props = without_search_keys(row["props"])
            nodes[(row["label"], str(props.get("id", props.get("of"))),
                   str(props.get("rec", "")))] = props
        edges = {(r["type"], r["props"]["key"], r["props"]["rec"]):
                 (r["source"], r["target"], r["props"]) for r in self.read(cypher.ALL_EDGES)}
        return Snapshot(nodes, edges)

    def commit(self) -> None:
        """Every batch committed in its own transaction already."""

    def make_readable(self) -> None:
        """Every batch committed in its own transaction already."""

    def clear(self) -> None:
        """Delete everything, in batches (an implicit transaction, as CALL IN TRANSACTIONS
        needs), with the write time limit: a large register takes longer than the server's
        default limit to delete."""
        try:
            with self._session() as session:
                session.run(Query(cypher.DELETE_ALL, timeout=self.write_timeout_seconds)).consume()
        except Neo4jError as e:
            raise StoreError(f"Neo4j clear failed: {e.message}") from e

    def close(self) -> None:
        self.driver.close()
