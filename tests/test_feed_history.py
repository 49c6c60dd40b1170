"""What a fact's history shows at an earlier knownAt: only what the register knew then (both
stores), on the feed example of docs/feeds.md.

Read off the example by hand: 乙控股's holding of 甲贸易 is recorded at 50% by the 1 March extract
(09:00 China time, 01:00 UTC) and corrected to 70% by the 2 March one. Asked as the register
stood at noon on 1 March, the 50% version still holds: neither it nor the fact may show the
retraction that came a day later.
"""

from __future__ import annotations

from pathlib import Path

from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from tests.test_api_dataset import client_for, data
from tests.test_feed_example import FOLDERS

HOLDING = """query($knownAt: DateTime) { enterprise(uscc: "91110000MA0EXMP0AF", knownAt: $knownAt) {
  shareholders { holder { id } percent retractedAt
                 versions { values recordedAt retractedAt current } } } }"""
HOLDER = "91110000MA0EXMP0H5"


def test_an_earlier_knownat_hides_later_retractions(store: GraphStore, tmp_path: Path) -> None:
    for folder in FOLDERS:
        load_dataset(folder, store, rejects_path=tmp_path / f"{folder.name}.csv")
    client = client_for(store)

    def holding(known_at: str | None) -> dict[str, object]:
        found = data(client, HOLDING, knownAt=known_at)["enterprise"]["shareholders"]
        [one] = [h for h in found if h["holder"]["id"] == HOLDER]
        return {"percent": one["percent"], "retractedAt": one["retractedAt"],
                "versions": [(v["values"]["percent"], v["recordedAt"], v["retractedAt"],
                              v["current"]) for v in one["versions"]]}

    assert holding("2026-03-01T12:00:00+08:00") == {
        "percent": 50, "retractedAt": None,
        "versions": [(50, "2026-03-01T01:00:00Z", None, True)]}
    assert holding(None) == {
        "percent": 70, "retractedAt": None,
        "versions": [(50, "2026-03-01T01:00:00Z", "2026-03-02T01:00:00Z", False),
                     (70, "2026-03-02T01:00:00Z", None, True)]}
