"""End-to-end tests of the web explorer: real headless Chromium against `credgraph serve`.

One server is started for the session on a generated registry (a few thousand
enterprises, loaded into the embedded store). The subjects each browser test
works on, and what the page must show for them, are picked here from the
generated CSV files (holdings, posts, list entries: read independently of the
server, never asked of it). The history test (FEED_TESTS) runs on a second, small
server instead: the feed example of docs/feeds.md (examples/feed/) loaded folder by
folder, with what the page must show read off its CSV files by hand (FEED_SCENARIO).
Each e2e/tests/*.test.mjs file is one pytest test; each saves screenshots under
artifacts/e2e/. e2e/setup.sh installs Chromium, the
CJK fonts and playwright-core when they are missing. The README's screenshots
(docs/screenshots/) are only rewritten by scripts/screenshots.sh.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from credgraph.api.app import create_app
from credgraph.generate import AS_OF, generate
from credgraph.graph.memory import MemoryStore
from credgraph.loaders.load import load_dataset
from credgraph.queries.time import in_force
from credgraph.settings import Settings
from tests.handmade import make_uscc
from tests.live_server import serving

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "e2e"
ARTIFACTS = ROOT / "artifacts" / "e2e"
SCREENSHOTS = ROOT / "docs" / "screenshots"
"""Written only when CREDGRAPH_UPDATE_SCREENSHOTS=1 (scripts/screenshots.sh): a test run leaves
the tracked tree as it was."""
ENTERPRISES = 3_000
SEED = 7
DAY = AS_OF.isoformat()
"""The day every page is opened on (`?asOf=`): the generator's today, so results do not age."""


# --- the generated registry, read back from its CSV files ------------------------------------

def _rows(folder: Path, section: str) -> list[dict[str, str]]:
    """A section's rows with `_row`, the line number the loader records as provenance."""
    with (folder / f"{section}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [{**row, "_row": str(i + 2)} for i, row in enumerate(csv.DictReader(fh))]


def _current(row: dict[str, str], start: str, end: str) -> bool:
    return in_force(row[start] or None, row[end] or None, DAY)


@dataclass
class Registry:
    """The links in force on DAY, from the CSV files (never from the server)."""

    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    holders: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    holdings: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    posts: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    staff: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    neighbours: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    mortgagees: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    serious_illegal: list[str] = field(default_factory=list)
    degree: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """Link relationships in force at each node (one per holding, post, mortgage and pledge
    link between two different parties)."""
    listings: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    """Every list entry of each subject, in force or not."""
    events: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def link(self, a: str, b: str) -> None:
        if a != b:
            self.neighbours[a].add(b)
            self.neighbours[b].add(a)
            self.degree[a] += 1
            self.degree[b] += 1


def read_registry(folder: Path) -> Registry:
    reg = Registry()
    for row in _rows(folder, "enterprises"):
        reg.names[row["uscc"]], reg.kinds[row["uscc"]] = row["name"], "ENTERPRISE"
    for row in _rows(folder, "persons"):
        reg.names[row["person_id"]], reg.kinds[row["person_id"]] = row["name"], "PERSON"
    for row in _rows(folder, "shareholdings"):
        reg.names.setdefault(row["holder"], row["holder_name"])
        if _current(row, "start_date", "end_date"):
            reg.holders[row["enterprise"]].append(row)
            reg.holdings[row["holder"]].append(row)
            reg.link(row["holder"], row["enterprise"])
    for row in _rows(folder, "officers"):
        if _current(row, "start_date", "end_date"):
            reg.posts[row["person_id"]].append(row)
            reg.staff[row["enterprise"]].append(row)
            reg.link(row["person_id"], row["enterprise"])
    for row in _rows(folder, "equity_pledges"):
        if _current(row, "registered_on", "cancelled_on"):
            for a, b in ((row["pledgor"], row["pledgee"]), (row["pledgor"], row["enterprise"]),
                         (row["pledgee"], row["enterprise"])):
                reg.link(a, b)
    for row in _rows(folder, "chattel_mortgages"):
        if _current(row, "registered_on", "cancelled_on"):
            reg.link(row["mortgagor"], row["mortgagee"])
            reg.mortgagees[row["mortgagee"]] += 1
    for row in _rows(folder, "list_entries"):
        reg.listings[row["subject"]].append(row)
        if (row["list"] == "serious_illegal" and row["subject_type"] == "enterprise"
                and _current(row, "listed_on", "removed_on")):
            reg.serious_illegal.append(row["subject"])
    for row in _rows(folder, "enterprise_events"):
        reg.events[row["enterprise"]].append(row)
    return reg


def owners_up(reg: Registry, root: str, depth: int) -> tuple[list[dict[str, Any]], bool]:
    """Holdings up from root to `depth` levels, and whether a cycle or unknown share is met."""
    edges: dict[str, dict[str, Any]] = {}
    level, seen, cyclic = [root], {root}, False
    for _ in range(depth):
        nxt: list[str] = []
        for held in level:
            for row in reg.holders.get(held, []):
                if not row["percent"]:
                    cyclic = True
                    continue
                edges[row["_row"]] = {"holder": row["holder"], "held": held,
                                      "percent": float(row["percent"])}
                if row["holder"] in seen:
                    cyclic = True
                elif row["holder"]:
                    seen.add(row["holder"])
                    nxt.append(row["holder"])
        level = nxt
    return list(edges.values()), cyclic


def effective(edges: list[dict[str, Any]], root: str) -> dict[str, float]:
    """Sum over every chain of holdings of the product of percents (acyclic holdings)."""
    into: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in edges:
        into[e["held"]].append(e)
    share: dict[str, float] = defaultdict(float)

    def walk(node: str, fraction: float) -> None:
        for e in into.get(node, []):
            part = fraction * e["percent"] / 100.0
            share[e["holder"]] += part
            walk(e["holder"], part)

    walk(root, 1.0)
    return {k: v * 100.0 for k, v in share.items()}


# --- an investor with 30 investments, written into the dataset as a registry would -------

WIDE_INVESTMENTS = 30
TRADES = ("恒达", "瑞丰", "嘉禾", "联创", "华信", "宏远", "汇通", "鼎盛", "安泰", "广源",
          "金桥", "博雅", "东升", "锦程", "天成", "新元", "万通", "众合", "康宁", "远航",
          "星河", "盛世", "佳和", "明德", "永信", "同舟", "润泽", "卓越", "中和", "启航")
FIELDS = ("科技", "实业", "贸易", "物流", "文化传媒", "建设工程")


def _append(folder: Path, section: str, rows: list[dict[str, str]]) -> None:
    """Rows added at the end of a section file, in its own header's column order."""
    path = folder / f"{section}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writerows({k: row.get(k, "") for k in header} for row in rows)


def add_wide_investor(folder: Path) -> None:
    """宏图投资控股集团有限公司, held by two persons, holding 30 new firms: a level far wider
    than the ownership chart can draw with readable labels (the generator makes none)."""
    investor = make_uscc("91330100MA2HT0000")
    firms = [make_uscc(f"91330100MA2HT{i + 1:04d}") for i in range(WIDE_INVESTMENTS)]
    names = [f"杭州{TRADES[i]}{FIELDS[i % len(FIELDS)]}有限公司" for i in range(WIDE_INVESTMENTS)]
    firm = {"type": "有限责任公司", "status": "存续", "established": "2012-03-01",
            "registered_capital": "1000", "currency": "CNY", "authority": "杭州市市场监督管理局"}
    _append(folder, "enterprises", [{**firm, "uscc": investor, "name": "宏图投资控股集团有限公司"},
                                    *({**firm, "uscc": u, "name": n}
                                      for u, n in zip(firms, names, strict=True))])
    _append(folder, "persons", [{"person_id": "P7000000001", "name": "宋思远"},
                                {"person_id": "P7000000002", "name": "林慧娟"}])
    owners = [("P7000000001", "宋思远", "60"), ("P7000000002", "林慧娟", "40")]
    _append(folder, "shareholdings", [
        *({"enterprise": investor, "holder": p, "holder_type": "person", "holder_name": n,
           "percent": pc, "start_date": "2012-03-01"} for p, n, pc in owners),
        *({"enterprise": u, "holder": investor, "holder_type": "enterprise",
           "holder_name": "宏图投资控股集团有限公司", "percent": f"{51 + i % 40}.{i % 7}5",
           "start_date": "2015-06-01"} for i, u in enumerate(firms))])


def add_served_sentence(folder: Path) -> None:
    """郑立群, out of prison on 28 June 2024 after a sentence for 职务侵占罪 (an Art.178(2)
    crime), director and supervisor of two firms of his own with no event or listing: the
    generator, at this size and seed, makes no one restricted that way within five years of
    its today, and the restriction test needs one (`_restriction_subject`)."""
    firms = [(make_uscc("91330200MA2NB0001"), "宁波恒丰贸易有限公司", "director"),
             (make_uscc("91330200MA2NB0002"), "宁波恒丰物流有限公司", "supervisor")]
    _append(folder, "enterprises", [
        {"uscc": u, "name": n, "type": "有限责任公司", "status": "存续", "established": "2016-04-01",
         "registered_capital": "500", "currency": "CNY", "authority": "宁波市市场监督管理局"}
        for u, n, _ in firms])
    _append(folder, "persons", [{"person_id": "P7000000003", "name": "郑立群"}])
    _append(folder, "officers", [
        {"enterprise": u, "person_id": "P7000000003", "name": "郑立群", "role": role,
         "start_date": "2019-05-01"} for u, _, role in firms])
    _append(folder, "list_entries", [{
        "subject": "P7000000003", "subject_type": "person", "list": "criminal_sentence",
        "reason": "因犯职务侵占罪被判处有期徒刑二年，刑罚执行完毕", "authority": "宁波市海曙区人民法院",
        "listed_on": "2024-06-28", "doc_no": "（2022）浙0203刑初318号"}])


def _wide_subject(reg: Registry) -> dict[str, Any]:
    """The wide investor, with its investments as the CSV files give them."""
    investor = make_uscc("91330100MA2HT0000")
    held = reg.holdings[investor]
    assert len(held) == WIDE_INVESTMENTS
    return {"id": investor, "name": reg.names[investor],
            "investments": sorted(({"id": r["enterprise"], "name": reg.names[r["enterprise"]],
                                    "percent": float(r["percent"])} for r in held),
                                  key=lambda x: x["name"]),
            "owners": sorted(reg.names[r["holder"]] for r in reg.holders[investor])}


# --- choosing what each browser test looks at ---------------------------------------------

def _ownership_subject(reg: Registry) -> dict[str, Any]:
    """An enterprise with three levels of owners, every share known, no cycle, some
    investments and an ultimate owner over 25%."""
    best: tuple[int, str] | None = None
    for uscc in sorted(e for e, k in reg.kinds.items() if k == "ENTERPRISE"):
        edges, cyclic = owners_up(reg, uscc, 5)
        levels = {e["held"] for e in edges}
        if cyclic or not reg.holdings.get(uscc) or len(edges) > 12:
            continue
        shares = effective(edges, uscc)
        if not any(v >= 25 and reg.kinds.get(k) == "PERSON" for k, v in shares.items()):
            continue
        depth_3 = any(any(x["held"] == e["holder"] for x in edges)
                      for e in edges if e["held"] != uscc)
        if not depth_3:
            continue
        score = len(levels) * 10 + len(edges)
        if best is None or score > best[0]:
            best = (score, uscc)
    assert best is not None, "the generated registry has no three-level ownership chain"
    uscc = best[1]
    edges, _ = owners_up(reg, uscc, 5)
    shares = effective(edges, uscc)
    latest = max(reg.holders[uscc], key=lambda r: r["start_date"])
    return {
        "id": uscc, "name": reg.names[uscc],
        "edges": [{**e, "holderName": reg.names.get(e["holder"], e["holder"]),
                   "heldName": reg.names[e["held"]]} for e in edges],
        "effective": {reg.names.get(k, k): round(v, 2) for k, v in shares.items()},
        "ultimate": sorted(reg.names[k] for k, v in shares.items()
                           if v >= 25 - 1e-6 and reg.kinds.get(k) == "PERSON"
                           and not reg.holders.get(k)),
        "shareholders": [{"name": reg.names.get(r["holder"], r["holder_name"]),
                          "percent": float(r["percent"]) if r["percent"] else None,
                          "row": int(r["_row"])} for r in reg.holders[uscc]],
        "latestHolder": {"name": reg.names.get(latest["holder"], latest["holder_name"]),
                         "start": latest["start_date"]},
    }


def _map_subject(reg: Registry) -> dict[str, Any]:
    """A firm with a few links, one of them to a person who has other firms (to expand)."""
    for uscc in sorted(e for e, k in reg.kinds.items() if k == "ENTERPRISE"):
        around = reg.neighbours.get(uscc, set())
        if not 4 <= len(around) <= 10:
            continue
        persons = sorted(p for p in around if reg.kinds.get(p) == "PERSON"
                         and 3 <= len(reg.neighbours[p] - {uscc}) <= 8
                         and reg.holdings.get(p))
        if persons:
            person = persons[0]
            return {"id": uscc, "name": reg.names[uscc],
                    "neighbours": sorted(reg.names.get(n, n) for n in around),
                    "expand": {"id": person, "name": reg.names[person],
                               "neighbours": sorted(reg.names.get(n, n)
                                                    for n in reg.neighbours[person])}}
    raise AssertionError("no map subject in the generated registry")


def _crowded_subject(reg: Registry) -> dict[str, Any]:
    """A firm with 100 to 250 subjects within two links (hubs not walked through): a map too
    big to fit on screen with readable labels, too small for the large-map overview."""
    for uscc in sorted(e for e, k in reg.kinds.items() if k == "ENTERPRISE"):
        first = reg.neighbours.get(uscc, set())
        around = set(first) | {n for f in first if len(reg.neighbours[f]) <= 50
                               for n in reg.neighbours[f]}
        if 100 <= len(around - {uscc}) <= 250:
            return {"id": uscc, "name": reg.names[uscc], "within2": len(around - {uscc})}
    raise AssertionError("no firm with 100 to 250 subjects within two links")


def _path_subject(reg: Registry) -> dict[str, Any]:
    """A person holding a firm that holds another, with no direct link to the latter."""
    for person in sorted(p for p, k in reg.kinds.items() if k == "PERSON"):
        for held in sorted(r["enterprise"] for r in reg.holdings.get(person, [])):
            for row in sorted(reg.holdings.get(held, []), key=lambda r: r["enterprise"]):
                target = row["enterprise"]
                if (target not in reg.neighbours[person] and target != held
                        and len(reg.neighbours[held]) <= 50):
                    return {"from": {"id": person, "name": reg.names[person]},
                            "to": {"id": target, "name": reg.names[target]},
                            "via": reg.names[held]}
    raise AssertionError("no two-step holding path in the generated registry")


def _exposure_subject(reg: Registry) -> dict[str, Any]:
    """A firm two hops from an enterprise on the serious-illegal list, through a person."""
    for listed in sorted(reg.serious_illegal):
        for person in sorted(p for p in reg.neighbours.get(listed, ())
                             if reg.kinds.get(p) == "PERSON"):
            firms = sorted(f for f in reg.neighbours[person]
                           if f != listed and reg.kinds.get(f) == "ENTERPRISE"
                           and f not in reg.serious_illegal)
            if firms:
                return {"id": firms[0], "name": reg.names[firms[0]],
                        "listed": {"id": listed, "name": reg.names[listed]},
                        "through": reg.names[person]}
    raise AssertionError("no firm near a serious-illegal listing in the generated registry")


def _suspected_subject(folder: Path, reg: Registry) -> dict[str, Any]:
    """A firm whose annual report in force on DAY gives an e-mail that two or three other
    firms' reports in force give too (lower case being the only difference the generator
    writes), with a few registered links: the map with suspected links shows a dashed link
    labelled with the e-mail to each of them."""
    latest: dict[str, dict[str, str]] = {}
    for row in _rows(folder, "annual_reports"):
        if row["filed_on"] and row["filed_on"] <= DAY:
            known = latest.get(row["enterprise"])
            if known is None or (row["filed_on"], row["year"]) > (known["filed_on"],
                                                                  known["year"]):
                latest[row["enterprise"]] = row
    by_mail: dict[str, list[str]] = defaultdict(list)
    for firm, row in latest.items():
        if row["email"]:
            by_mail[row["email"].lower()].append(firm)
    for mail, firms in sorted(by_mail.items()):
        subject = sorted(firms)[0]
        if 3 <= len(firms) <= 4 and 2 <= len(reg.neighbours.get(subject, ())) <= 6:
            return {"id": subject, "name": reg.names[subject], "email": mail,
                    "sharing": [{"id": f, "name": reg.names[f]} for f in sorted(firms)
                                if f != subject]}
    raise AssertionError("no e-mail shared by three or four firms in the generated registry")


def _search_subject(reg: Registry, name: str) -> dict[str, Any]:
    """A fragment of a firm's name (its trade name) and every name that contains it."""
    fragment = name[3:7]
    matching = sorted({n for n in reg.names.values() if fragment in n})
    return {"fragment": fragment, "names": matching}


def _api(base: str, query: str, **variables: Any) -> dict[str, Any]:
    body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables},
                      timeout=120).json()
    assert not body.get("errors"), body
    result: dict[str, Any] = body["data"]
    return result


DEGREE = """query($id: ID!, $hub: Int!, $max: Int!, $hops: Int!, $d: Date) {
  neighbourhood(id: $id, hops: $hops, hubDegree: $hub, maxNodes: $max, asOf: $d) {
    origin { degree hub } nodes { id } truncated } }"""


SERVED_SENTENCES = ("因犯贪污罪", "因犯受贿罪", "因犯挪用资金罪", "因犯职务侵占罪",
                    "因犯虚开增值税专用发票罪")
"""Sentences of Company Law Art.178(2) crimes, served in full (no probation)."""
DSM = frozenset({"chair", "director", "supervisor", "manager", "deputy_manager", "cfo",
                 "board_secretary", "董事长", "董事", "监事", "经理", "总经理", "副经理",
                 "财务负责人", "董事会秘书", "执行董事", "监事会主席"})
"""Director, supervisor and senior-manager posts, as the generator may spell them."""


def _add_years(day: str, years: int) -> str:
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


def _restriction_subject(reg: Registry) -> dict[str, Any]:
    """A person disqualified on DAY, with the hits the page must list, worked out by hand from
    the files and the law: a served sentence for an Art.178(2) crime within five years bars
    director, supervisor and manager posts (Company Law 2023 Art.178(2)) and the legal
    representative's (MER Art.12(2)) from the end of the sentence to five years after it.
    The person chosen has that one listing and holds no legal representative post, and none
    of their firms has an event or a listing, so these two are all the hits there are."""
    start_from = _add_years(DAY, -5)
    for person in sorted(reg.listings):
        entries = reg.listings[person]
        if len(entries) != 1:
            continue
        entry = entries[0]
        posts = reg.posts.get(person, [])
        if not (entry["list"] == "criminal_sentence" and not entry["removed_on"]
                and entry["reason"].startswith(SERVED_SENTENCES)
                and start_from < entry["listed_on"] <= DAY and posts
                and all(p["role"] in DSM for p in posts)
                and not any(reg.events.get(p["enterprise"]) or reg.listings.get(p["enterprise"])
                            for p in posts)):
            continue
        start = entry["listed_on"]
        end = (date.fromisoformat(_add_years(start, 5)) + timedelta(days=1)).isoformat()
        firms = sorted(reg.names[p["enterprise"]] for p in posts)
        return {"id": person, "name": reg.names[person], "disqualified": True, "hits": [
            {"ruleId": "CL178-2", "windowStart": start, "windowEnd": end,
             "affectedAppointments": [{"enterprise": {"name": n}} for n in firms]},
            {"ruleId": "MER-12", "windowStart": start, "windowEnd": end,
             "affectedAppointments": []}]}
    raise AssertionError("the generated registry has no person served a sentence for an "
                         "Art.178(2) crime within five years who holds posts")


QUALITY = """{ dataQuality { conformance sources { source rows refused conformance
  loads { id conformance } } } }"""


def _quality(dataset: Path, base: str) -> dict[str, Any]:
    """The data-quality page's figures: rows per source counted from the CSV files of the
    folders that source supplied (the extract and its feeds), the rest as the API gives it."""
    rows: dict[str, int] = defaultdict(int)
    for folder in [dataset, *(dataset / "feeds").iterdir()]:
        source = (folder / "manifest.yaml").read_text(encoding="utf-8").split("source:")[1]
        for path in folder.glob("*.csv"):
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows[source.split()[0]] += sum(1 for _ in csv.reader(fh)) - 1
    report = _api(base, QUALITY)["dataQuality"]
    assert {s["source"]: s["rows"] for s in report["sources"]} == rows
    return {"overall": report["conformance"],
            "sources": [{"source": s["source"], "rows": s["rows"], "refused": s["refused"],
                         "conformance": s["conformance"], "loads": len(s["loads"])}
                        for s in report["sources"]]}


def _feed_links(dataset: Path, subject: str) -> int:
    """The links the feeds the server loads after the extract add at `subject`, read from
    their files as the loader reads them: mortgages and pledges in force on DAY, leaving out
    retractions and the rows it refuses (a date that is no date, a party type it does not
    know: the feeds plant one of each)."""
    added = 0
    for folder in sorted((dataset / "feeds").iterdir()):
        for section, parties in (("chattel_mortgages", (("mortgagor", "mortgagee"),)),
                                 ("equity_pledges", (("pledgor", "pledgee"),
                                                     ("pledgor", "enterprise"),
                                                     ("pledgee", "enterprise")))):
            if not (folder / f"{section}.csv").exists():
                continue
            for row in _rows(folder, section):
                try:
                    dates = [date.fromisoformat(row[c]) for c in ("registered_on", "cancelled_on")
                             if row.get(c)]
                except ValueError:
                    continue
                types = [v for k, v in row.items() if k.endswith("_type")]
                if (row.get("op") == "retract" or not dates
                        or any(t not in ("enterprise", "person") for t in types)
                        or not _current(row, "registered_on", "cancelled_on")):
                    continue
                added += sum(1 for a, b in parties if subject in (row[a], row[b]))
    return added


def _hub_subject(reg: Registry, base: str, dataset: Path) -> dict[str, Any]:
    """The bank with the most mortgages: its degree counted from the files of the extract and
    of the feeds loaded after it; the size of its three-hop map is only how large the
    large-map test draws (measured, not judged)."""
    bank = max(sorted(reg.mortgagees), key=lambda b: reg.mortgagees[b])
    big = _api(base, DEGREE, id=bank, hub=1000, max=2000, hops=3, d=DAY)["neighbourhood"]
    assert reg.mortgagees[bank] > 100
    return {"id": bank, "name": reg.names[bank],
            "degree": reg.degree[bank] + _feed_links(dataset, bank),
            "mortgages": reg.mortgagees[bank], "large": {"nodes": len(big["nodes"]),
                                                          "truncated": big["truncated"]}}


# --- fixtures: tools, data, server --------------------------------------------------------

@pytest.fixture(scope="session")
def e2e_tools() -> None:
    """Chromium, CJK fonts and playwright-core, installed when missing."""
    subprocess.run(["bash", str(E2E / "setup.sh")], check=True, timeout=1800)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e") / "dataset"
    generate(folder, enterprises=ENTERPRISES, seed=SEED, progress=False)
    add_wide_investor(folder)
    add_served_sentence(folder)
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`credgraph serve --dataset` in a subprocess on a free loopback port."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = {**os.environ, "CREDGRAPH_STORE": "memory", "CREDGRAPH_DATA_DIR": str(data_dir)}
    env.pop("CREDGRAPH_NEO4J_URI", None)
    log = (data_dir / "serve.log").open("w")
    folders = [dataset, *sorted(p for p in (dataset / "feeds").iterdir() if p.is_dir())]
    proc = subprocess.Popen(
        [sys.executable, "-m", "credgraph.cli", "serve",
         *(arg for folder in folders for arg in ("--dataset", str(folder))),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"credgraph serve exited: {(data_dir / 'serve.log').read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("credgraph serve did not answer within 300 s")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def scenario(dataset: Path, server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the browser tests look at and expect, as a JSON file for them to read."""
    reg = read_registry(dataset)
    ownership = _ownership_subject(reg)
    chosen = {
        "day": DAY,
        "ownership": ownership,
        "search": _search_subject(reg, ownership["name"]),
        "map": _map_subject(reg),
        "paths": _path_subject(reg),
        "exposure": _exposure_subject(reg),
        "restriction": _restriction_subject(reg),
        "hub": _hub_subject(reg, server, dataset),
        "wide": _wide_subject(reg),
        "crowded": _crowded_subject(reg),
        "suspected": _suspected_subject(dataset, reg),
        "quality": _quality(dataset, server),
    }
    path = tmp_path_factory.mktemp("e2e-scenario") / "scenario.json"
    path.write_text(json.dumps(chosen, ensure_ascii=False, indent=1), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "scenario.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


# --- the feed example, for the history test ------------------------------------------------

FEED = ROOT / "examples" / "feed"
FEED_TESTS = frozenset({"history"})
"""Browser tests that run on the feed example's server, not the generated registry's."""
FEED_SCENARIO: dict[str, Any] = {
    # Read off examples/feed/ by hand (as tests/test_feed_example.py does). Recorded times are
    # the manifests' extracted_at, shown in China time as the page writes them.
    "day": "2026-03-05",
    "enterprise": {"id": "91110000MA0EXMP0AF", "name": "示例甲贸易有限公司"},
    "holding": {"holder": "示例乙控股有限公司", "before": 50, "after": 70,
                "source": "SAMR-registration", "recorded": "2026-03-01 09:00",
                "corrected": "2026-03-02 09:00", "reason": "更正：出资比例登记错误",
                "row": "shareholdings.csv:2"},
    "withdrawn": {"holder": "李示二", "percent": 10},
    # A director (officers.csv) listed as a dishonest debtor (list_entries.csv): barred from
    # the post (docs/restriction-rules.md), as a candidate only while the objection is pending.
    "listed": {"id": "EXP3", "name": "王示三", "post": "示例丙科技有限公司",
               "objection": "YY2026-001", "filed": "2026-03-03", "resolved": "2026-03-05"},
    "authority": {"before": "北京市市场监督管理局", "after": "上海市市场监督管理局",
                  "moved": "2026-03-04"},
}


@pytest.fixture(scope="session")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The feed example's five folders loaded in order into an embedded store, served in a
    thread of this process (it is small: a subprocess would only add start-up time)."""
    work = tmp_path_factory.mktemp("e2e-feed")
    store = MemoryStore()
    for folder in sorted(p for p in FEED.iterdir() if p.is_dir()):
        report = load_dataset(folder, store, rejects_path=work / f"{folder.name}.csv")
        assert report.rejected == 0 and report.warnings == 0, folder.name
    with serving(create_app(store, Settings(data_dir=work))) as base:
        yield base


@pytest.fixture(scope="session")
def feed_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("e2e-feed-scenario") / "scenario.json"
    path.write_text(json.dumps(FEED_SCENARIO, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def run_browser_test(name: str, server: str, scenario: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDGRAPH_URL": server, "CREDGRAPH_SCENARIO": str(scenario),
           "CREDGRAPH_ARTIFACTS": str(ARTIFACTS)}
    env.pop("CREDGRAPH_SCREENSHOTS", None)
    if os.environ.get("CREDGRAPH_UPDATE_SCREENSHOTS") == "1":
        env["CREDGRAPH_SCREENSHOTS"] = str(SCREENSHOTS)
    return subprocess.run(
        ["node", "--test", "--test-reporter=spec", f"tests/{name}.test.mjs"],
        cwd=E2E, env=env, capture_output=True, text=True, timeout=600)


BROWSER_TESTS = sorted(p.name.removesuffix(".test.mjs") for p in (E2E / "tests").glob("*.test.mjs"))


def test_every_browser_test_is_collected() -> None:
    assert {"search", "entity", "map", "hub", "ownership", "paths", "restrictions",
            "exposure", "export", "large", "offline", "language", "history",
            "suspected", "quality"} <= set(BROWSER_TESTS)


@pytest.mark.parametrize("name", BROWSER_TESTS)
def test_browser(name: str, e2e_tools: None, request: pytest.FixtureRequest,
                 capsys: pytest.CaptureFixture[str]) -> None:
    # Each server is only started when a test that needs it runs.
    on_feed = name in FEED_TESTS
    server: str = request.getfixturevalue("feed_server" if on_feed else "server")
    scenario: Path = request.getfixturevalue("feed_scenario" if on_feed else "scenario")
    result = run_browser_test(name, server, scenario)
    report = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, report
    assert "ℹ fail 0" in report and "ℹ pass 0" not in report, report
    with capsys.disabled():
        for line in result.stdout.splitlines():
            if line.startswith("METRIC "):
                print(f"\n[e2e {name}] {line.removeprefix('METRIC ')}")
