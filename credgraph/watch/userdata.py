"""Watchlists, what surrounded each watched entity at the last check, and alerts: user data,
kept apart from the register's fact versions in one SQLite file (Settings.user_data_path)
for either store (docs/risk.md, Watchlists).

Every watchlist belongs to an owner string: in the API the signed-in caller
(credgraph.api.auth.Principal.owner), so one caller never reads another's watchlists.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS watched (
  owner TEXT NOT NULL, list TEXT NOT NULL, entity TEXT NOT NULL, hops INTEGER NOT NULL,
  added_at TEXT NOT NULL, PRIMARY KEY (owner, list, entity));
CREATE TABLE IF NOT EXISTS surroundings (
  entity TEXT NOT NULL, hops INTEGER NOT NULL, data_version INTEGER NOT NULL,
  day TEXT NOT NULL, items TEXT NOT NULL, PRIMARY KEY (entity, hops));
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, entity TEXT NOT NULL,
  kind TEXT NOT NULL, item_key TEXT NOT NULL, data_version INTEGER NOT NULL,
  created_at TEXT NOT NULL, body TEXT NOT NULL, read INTEGER NOT NULL DEFAULT 0,
  delivered_at TEXT);
CREATE INDEX IF NOT EXISTS alerts_owner ON alerts (owner, created_at);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
CHECKED = "checked_data_version"
BUSY_SECONDS = 300.0
"""How long a write waits for another process's (a load's check) to finish."""


@dataclass(frozen=True, slots=True)
class Watched:
    owner: str
    list: str
    entity: str
    hops: int
    added_at: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """The items around an entity at the last check, by key (as Item fields, JSON)."""

    data_version: int
    day: str
    items: dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class StoredAlert:
    id: int
    owner: str
    entity: str
    kind: str
    item_key: str
    data_version: int
    created_at: str
    body: dict[str, Any]
    """entity_name, subject, fields, facts, text_zh, text_en (and previous, for a level)."""
    read: bool
    delivered_at: str | None


@dataclass(frozen=True, slots=True)
class NewAlert:
    owner: str
    entity: str
    kind: str
    item_key: str
    body: Mapping[str, Any]


class UserData:
    """The SQLite file (or an in-memory database when `path` is None, for tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, opened (and the file made) on first use: a server nobody asks
        about watchlists never writes the file."""
        with self.lock:
            if self._db is None:
                if self.path is not None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(str(self.path) if self.path else ":memory:",
                                     timeout=BUSY_SECONDS, check_same_thread=False,
                                     isolation_level=None)
                db.row_factory = sqlite3.Row
                db.executescript(SCHEMA)
                self._db = db
            return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading what it decides on (BEGIN IMMEDIATE):
        two processes checking the same load cannot both write its alerts."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with self.lock:
            return list(self.db.execute(sql, params))

    # --- watchlists ---------------------------------------------------------------------

    def watch(self, entry: Watched) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO watched VALUES (?, ?, ?, ?, ?)",
                       (entry.owner, entry.list, entry.entity, entry.hops, entry.added_at))

    def unwatch(self, owner: str, list_name: str, entity: str) -> bool:
        with self.transaction() as db:
            gone = db.execute("DELETE FROM watched WHERE owner = ? AND list = ? AND entity = ?",
                              (owner, list_name, entity)).rowcount
        return bool(gone)

    def watched(self, owner: str | None = None) -> list[Watched]:
        """The entries of one owner, or of everyone, by owner, list and entity."""
        rows = (self._rows("SELECT * FROM watched WHERE owner = ? ORDER BY list, entity", owner)
                if owner is not None
                else self._rows("SELECT * FROM watched ORDER BY owner, list, entity"))
        return [Watched(r["owner"], r["list"], r["entity"], r["hops"], r["added_at"])
                for r in rows]

    # --- what surrounded each entity --------------------------------------------------------

    def baselines(self, pairs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Baseline]:
        found: dict[tuple[str, int], Baseline] = {}
        for entity, hops in pairs:
            for r in self._rows("SELECT * FROM surroundings WHERE entity = ? AND hops = ?",
                                entity, hops):
                found[(entity, hops)] = Baseline(r["data_version"], r["day"],
                                                 json.loads(r["items"]))
        return found

    @staticmethod
    def save_baselines(db: sqlite3.Connection,
                       baselines: Mapping[tuple[str, int], Baseline]) -> None:
        db.executemany("INSERT OR REPLACE INTO surroundings VALUES (?, ?, ?, ?, ?)", [
            (entity, hops, b.data_version, b.day, json.dumps(b.items, ensure_ascii=False))
            for (entity, hops), b in baselines.items()])

    @staticmethod
    def checked_version(db: sqlite3.Connection) -> int | None:
        row = db.execute("SELECT value FROM state WHERE key = ?", (CHECKED,)).fetchone()
        return int(row["value"]) if row else None

    @staticmethod
    def set_checked_version(db: sqlite3.Connection, version: int) -> None:
        db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (CHECKED, str(version)))

    def last_checked(self) -> int | None:
        with self.lock:
            return self.checked_version(self.db)

    # --- alerts -----------------------------------------------------------------------------

    @staticmethod
    def add_alerts(db: sqlite3.Connection, alerts: Sequence[NewAlert], data_version: int,
                   created_at: str) -> list[int]:
        ids = []
        for a in alerts:
            cursor = db.execute(
                "INSERT INTO alerts (owner, entity, kind, item_key, data_version, created_at, "
                "body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (a.owner, a.entity, a.kind, a.item_key, data_version, created_at,
                 json.dumps(a.body, ensure_ascii=False)))
            ids.append(int(cursor.lastrowid or 0))
        return ids

    def alerts(self, owner: str, since: str | None = None, unread_only: bool = False,
               first: int = 100) -> list[StoredAlert]:
        """An owner's alerts created after `since`, newest first."""
        rows = self._rows(
            "SELECT * FROM alerts WHERE owner = ? AND (? IS NULL OR created_at > ?) "
            "AND (? = 0 OR read = 0) ORDER BY id DESC LIMIT ?",
            owner, since, since, int(unread_only), first)
        return [_alert(r) for r in rows]

    def unread(self, owner: str) -> int:
        rows = self._rows("SELECT count(*) AS n FROM alerts WHERE owner = ? AND read = 0", owner)
        return int(rows[0]["n"])

    def mark_read(self, owner: str, ids: Sequence[int]) -> int:
        with self.transaction() as db:
            return sum(db.execute("UPDATE alerts SET read = 1 WHERE owner = ? AND id = ? "
                                  "AND read = 0", (owner, i)).rowcount for i in ids)

    def undelivered(self) -> list[StoredAlert]:
        return [_alert(r) for r in self._rows(
            "SELECT * FROM alerts WHERE delivered_at IS NULL ORDER BY id")]

    def mark_delivered(self, ids: Sequence[int], at: str) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE alerts SET delivered_at = ? WHERE id = ?",
                           [(at, i) for i in ids])

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _alert(r: sqlite3.Row) -> StoredAlert:
    return StoredAlert(r["id"], r["owner"], r["entity"], r["kind"], r["item_key"],
                       r["data_version"], r["created_at"], json.loads(r["body"]),
                       bool(r["read"]), r["delivered_at"])
