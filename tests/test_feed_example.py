"""The feed example of docs/feeds.md and the README: its five folders load in order without
a refused row, and the query the page shows answers what the page says (both stores).

The expected values are read off the example's CSV files by hand: the 1 March full extract
gives 乙控股 50% and 李示二 10% of 甲贸易; the 2 March delta corrects the 50 to 70 and
withdraws 李示二; the court lists 王示三 on 1 March, he objects on 3 March, the objection is
rejected on 5 March; 甲贸易 moves to Shanghai on 4 March.
"""

from __future__ import annotations

import re
from pathlib import Path

from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from tests.test_api_dataset import client_for, data

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted(p for p in (ROOT / "examples" / "feed").iterdir() if p.is_dir())
H = "91110000MA0EXMP0H5"
DAY = "2026-03-{:02d}T01:00:00Z"
LISTING = """query($knownAt: DateTime) { person(personId: "EXP3", knownAt: $knownAt) {
  listEntries { list disputed disputes { objectionId status resolvedOn } } } }"""
AUTHORITY = """query($asOf: Date) { enterprise(uscc: "91110000MA0EXMP0AF", asOf: $asOf) {
  authorityOnDay } }"""


def test_the_documented_feed_loads_and_answers_as_documented(store: GraphStore,
                                                             tmp_path: Path) -> None:
    assert [f.name[:10] for f in FOLDERS] == [f"2026-03-0{d}" for d in range(1, 6)]
    for folder in FOLDERS:
        report = load_dataset(folder, store, rejects_path=tmp_path / f"{folder.name}.csv")
        assert report.rejected == 0 and report.warnings == 0, folder.name
    client = client_for(store)
    page = (ROOT / "docs" / "feeds.md").read_text(encoding="utf-8")
    [query] = re.findall(r"```graphql\n(.*?)```", page, re.DOTALL)
    answer = data(client, query)
    [holding] = answer["now"]["shareholders"]
    assert holding["holder"]["id"] == H and holding["percent"] == 70
    assert (holding["recordedAt"], holding["source"]) == (DAY.format(2), "SAMR-registration")
    assert [(v["values"]["percent"], v["recordedAt"], v["retractedAt"], v["opReason"])
            for v in holding["versions"]] == [
        (50, DAY.format(1), DAY.format(2), None),
        (70, DAY.format(2), None, "更正：出资比例登记错误")]
    assert sorted(h["percent"] for h in answer["firstDay"]["shareholders"]) == [10, 50]

    def listing(known_at: str | None) -> list[dict[str, object]]:
        entries: list[dict[str, object]] = data(client, LISTING, knownAt=known_at)[
            "person"]["listEntries"]
        return entries

    assert listing("2026-03-02T12:00:00Z") == []
    assert listing("2026-03-04T12:00:00Z") == [{"list": "DISHONEST_DEBTOR", "disputed": True,
        "disputes": [{"objectionId": "YY2026-001", "status": "PENDING", "resolvedOn": None}]}]
    assert listing(None) == [{"list": "DISHONEST_DEBTOR", "disputed": False, "disputes": [
        {"objectionId": "YY2026-001", "status": "REJECTED", "resolvedOn": "2026-03-05"}]}]
    authority = [data(client, AUTHORITY, asOf=day)["enterprise"]["authorityOnDay"]
                 for day in ("2026-03-03", "2026-03-04")]
    assert authority == ["北京市市场监督管理局", "上海市市场监督管理局"]
