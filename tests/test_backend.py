"""Backend fetches that no analysis test covers on its own, on both stores."""

from __future__ import annotations

from pathlib import Path

from credgraph.graph.store import GraphStore
from credgraph.queries.backend import backend_for
from credgraph.queries.time import Moment
from tests.handmade import E1, EXPECTED_COUNTS
from tests.test_load import _load


def test_entity_ids_stream_the_register_in_batches(store: GraphStore, handmade_dir: Path,
                                                    tmp_path: Path) -> None:
    _load(store, handmade_dir, tmp_path)
    nodes = EXPECTED_COUNTS["nodes"]
    entities = nodes["Enterprise"] + nodes["Person"] + nodes["OtherHolder"]
    batches = list(backend_for(store).entity_ids(Moment("2024-01-01"), batch=3))
    assert [len(b) for b in batches] == [3] * (entities // 3) + ([entities % 3]
                                                                 if entities % 3 else [])
    ids = [i for b in batches for i in b]
    assert ids == sorted(ids) and len(set(ids)) == entities
    assert "P1" in ids and "G1" in ids


def test_relations_bring_the_entity_and_leave_out_the_unrecorded(store: GraphStore,
                                                             handmade_dir: Path,
                                                             tmp_path: Path) -> None:
    """Each entity comes with its relationships, as `entities` gives it. Asked at a recorded
    time before the load, an entity that exists in the store has no visible record yet: it
    is left out, not answered with no relationships."""
    _load(store, handmade_dir, tmp_path)
    backend = backend_for(store)
    now = backend.relations([E1, "P1", "nobody"], Moment("2024-01-01"))
    assert sorted(now) == [E1, "P1"] and now[E1].rels and now["P1"].rels
    assert {i: a.entity for i, a in now.items()} == backend.entities([E1, "P1"],
                                                                       Moment("2024-01-01"))
    before = Moment("2024-01-01", "2000-01-01T00:00:00Z")
    assert backend.relations([E1, "P1"], before) == {}
