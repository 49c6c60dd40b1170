"""The embedded store's file: checked before use, never unpickled, every property kept."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from credgraph.exc import StoreError
from credgraph.graph import embedded_file
from credgraph.graph import memory as memory_module
from credgraph.graph.embedded_file import MAGIC, write_file
from credgraph.graph.memory import FORMAT, MemoryStore
from credgraph.graph.model import LOAD_RUN
from credgraph.loaders.load import load_dataset
from credgraph.queries.backend.memory import MemoryBackend


def _dump(store: MemoryStore) -> tuple[list[Any], list[Any]]:
    """Every node and relationship with every property, in a stable order."""
    snapshot = store.snapshot()
    nodes = sorted((n, sorted(a.items())) for n, a in snapshot.nodes.items())
    edges = sorted((k, u, v, sorted(a.items())) for k, (u, v, a) in snapshot.edges.items())
    return nodes, edges


def _saved(handmade_dir: Path, tmp_path: Path) -> tuple[MemoryStore, Path]:
    path = tmp_path / "data" / "graph.credgraph"
    store = MemoryStore(path)
    load_dataset(handmade_dir, store, rejects_path=tmp_path / "rejects.csv")
    return store, path


def test_reopened_store_has_every_property(handmade_dir: Path, tmp_path: Path) -> None:
    store, path = _saved(handmade_dir, tmp_path)
    nodes, edges = _dump(store)
    assert any(isinstance(v, list) for _, attrs in nodes for _, v in attrs), \
        "the dataset has a list property (liable persons) to carry"
    assert any(isinstance(v, float) for *_, attrs in edges for _, v in attrs)
    assert _dump(MemoryStore(path)) == (nodes, edges)


class _Trap:
    """Unpickling this creates a file: proof that a file was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickle_is_refused_and_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    path = tmp_path / "graph.credgraph"
    path.write_bytes(pickle.dumps({"format": 1, "graph": _Trap(marker)}))
    with pytest.raises(StoreError, match="not a credgraph embedded store file"):
        MemoryStore(path)
    assert not marker.exists()


@pytest.mark.parametrize(("damage", "message"), [
    (lambda data: data[:-100], "checksum"),
    (lambda data: data[:-50] + bytes([data[-50] ^ 1]) + data[-49:], "checksum"),
    (lambda data: data.replace(b'"format": %d' % FORMAT, b'"format": 9', 1), "format 9"),
    (lambda data: MAGIC + b"{not json\n" + data.split(b"\n", 2)[2], "header is damaged"),
    (lambda data: b"", "not a credgraph embedded store file"),
])
def test_a_damaged_file_is_refused(handmade_dir: Path, tmp_path: Path, damage: Any,
                                   message: str) -> None:
    _, path = _saved(handmade_dir, tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(StoreError, match=message):
        MemoryStore(path)


def test_a_failed_write_leaves_the_old_file(handmade_dir: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store, path = _saved(handmade_dir, tmp_path)
    before = path.read_bytes()

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        store.commit()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary file left"


def _adjacency(store: MemoryStore) -> tuple[list[Any], list[Any]]:
    """The adjacency's nodes and relationships in its own order, by what they are (element
    numbers change when a file is written)."""
    graph = store.graph
    nodes = [(store.label(n), store.ident(n)) for n in graph.nodes]
    edges = [(store.ident(u), store.ident(v), store.label(k), store.value(k, "key"))
             for u, v, k in graph.edges(keys=True)]
    return nodes, edges


def test_the_adjacency_is_the_same_however_it_was_built(
        handmade_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load into a fresh store builds no adjacency (the file holds none): asked for after,
    it is built from the elements; one asked for before the loads is kept by their writes
    (the second load, a re-run, replaces versions); an opened file builds its own. All
    three agree, in order, and match the relationships the snapshot lists. A backend made
    over the fresh store builds it at once, so a server never builds it on a request. The elements'
    relationships go in 7 at a time (not a multiple of their number)."""
    monkeypatch.setattr(memory_module, "EDGES_AT_ONCE", 7)
    fresh, path = _saved(handmade_dir, tmp_path)
    load_dataset(handmade_dir, fresh, rejects_path=tmp_path / "again.csv")
    assert fresh._graph is None
    kept = MemoryStore()
    assert kept.graph.number_of_nodes() == 0
    for name in ("one.csv", "two.csv"):
        load_dataset(handmade_dir, kept, rejects_path=tmp_path / name)
    MemoryBackend(fresh)  # what serves the store builds it before any request
    assert fresh._graph is not None
    built = _adjacency(fresh)
    assert built == _adjacency(kept) == _adjacency(MemoryStore(path))
    live = [(u, v, t, a["key"]) for (t, _, _), (u, v, a) in fresh.snapshot().edges.items()]
    assert sorted(built[1]) == sorted(live) and len(live) > 10


def test_a_load_writes_the_file_once_with_its_log_entry(
        handmade_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load's checks read the store before it is saved: one write per load (a delta
    into a large file costs a whole write each time), and no file ever lacks the entry of
    the load that wrote it."""
    written: list[dict[str, Any]] = []

    def counted(path: Path, format_version: int, tables: Any, meta: dict[str, Any]) -> None:
        written.append(meta)
        write_file(path, format_version, tables, meta)

    monkeypatch.setattr(memory_module, "write_file", counted)
    _, path = _saved(handmade_dir, tmp_path)
    assert len(written) == 1
    assert len(MemoryStore(path).log_entries(LOAD_RUN)) == 1


def test_a_header_over_its_room_is_refused_and_the_file_kept(
        handmade_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header is written last, into the room kept before the tables: one that would
    not fit is an error naming the sizes, the file already there stays, no temporary is
    left."""
    store, path = _saved(handmade_dir, tmp_path)
    before = path.read_bytes()
    monkeypatch.setattr(embedded_file, "HEADER_ROOM", 256)
    with pytest.raises(StoreError, match="header takes [0-9,]+ bytes, over the 256 kept"):
        store.commit()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
