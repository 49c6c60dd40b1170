"""Rows of the annual_reports section: the reports for 2023 to 2025 of every enterprise in
business by each year's deadline (30 June of the next year), most on time, some late, a few
not filed, with the contact details of plan/contacts.py written the many ways registries
print them (the compared forms are the same: credgraph.graph.contacts)."""

from __future__ import annotations

import numpy as np

from credgraph.generate.arrays import Arr
from credgraph.generate.days import TODAY, between, date_texts, day_of
from credgraph.generate.plan import World
from credgraph.generate.plan.contacts import AREA_CODES
from credgraph.generate.streams import Stream, stream
from credgraph.generate.writers.block import BLOCK_SIZE, Block
from credgraph.generate.writers.enterprises import registered_addresses

YEARS = (2023, 2024, 2025)
ON_TIME, LATE = 0.86, 0.94
"""Shares of reports filed by the deadline, and by then or late (the rest: not filed)."""
STATUS = ("按时公示", "逾期公示", "未公示")


def _phone(area: str, number: int, mobile: bool, style: int) -> str:
    if mobile:
        digits = f"1{number}"
        return (digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}", f"+86 {digits}")[style % 3]
    local = f"{number:08d}"
    return (f"{area}-{local}", f"{area}-{local[:4]} {local[4:]}",
            f"+86 {area[1:]} {local}", f"({area}){local}")[style]


def write_annual_reports(b: Block) -> None:
    w = b.w
    c = w.contacts
    rng = stream(w.seed, Stream.ANNUAL_REPORTS, b.lo // BLOCK_SIZE)
    idx = b.idx[~w.ent.is_bank[b.idx]]
    own_address = dict(zip(idx.tolist(), registered_addresses(w, idx), strict=True))
    rows: dict[str, list[str]] = {k: [] for k in (
        "enterprise", "year", "filed_on", "status", "phone", "email", "address", "website",
        "employees")}
    for year in YEARS:
        deadline = day_of(year + 1, 6, 30)
        e = idx[(w.ent.est[idx] <= day_of(year, 12, 31)) & (w.life.limit[idx] >= deadline)]
        k = len(e)
        if not k:
            continue
        u = rng.random(k)
        on_time = between(rng, np.full(k, day_of(year + 1, 1, 1)), np.full(k, deadline))
        late = between(rng, np.full(k, deadline + 1), np.full(k, min(TODAY, deadline + 184)))
        status = np.where(u < ON_TIME, 0, np.where(u < LATE, 1, 2))
        filed = np.where(status == 0, on_time, np.where(status == 1, late, -1))
        styles = rng.integers(0, 4, k)
        upper = rng.random(k) < 0.1
        staff = np.maximum(1, np.round(np.exp(rng.normal(2.5, 1.2, k)))).astype(np.int64)
        rows["enterprise"] += b.u(e)
        rows["year"] += [str(year)] * k
        rows["filed_on"] += date_texts(filed)
        rows["status"] += [STATUS[s] for s in status.tolist()]
        rows["phone"] += _phones(w, e, styles)
        rows["email"] += [m.upper() if up else m
                          for m, up in zip(_emails(w, e), upper.tolist(), strict=True)]
        rows["address"] += [_hub_style(str(c.hub_address[h]), s) if h >= 0 else own_address[x]
                            for x, h, s in zip(e.tolist(), c.hub[e].tolist(), styles.tolist(),
                                               strict=True)]
        rows["website"] += _websites(w, e, styles)
        rows["employees"] += [str(s) for s in staff.tolist()]
    b.sink.write("annual_reports", rows)


def _phones(w: World, e: Arr, styles: Arr) -> list[str]:
    c = w.contacts
    owner = c.phone_owner[e]
    city = w.geo.city[w.ent.unit[owner]]
    return [_phone(AREA_CODES[ci], int(num), bool(mob), int(s)) for ci, num, mob, s in zip(
        city.tolist(), c.number[owner].tolist(), c.mobile[owner].tolist(), styles.tolist(),
        strict=True)]


MAIL_HOSTS = ("163.com", "qq.com", "126.com")


def _emails(w: World, e: Arr) -> list[str]:
    c = w.contacts
    return [f"info@hx{o:06d}.cn" if group else f"service{x:06d}@{MAIL_HOSTS[x % 3]}"
            for x, o, group in zip(e.tolist(), c.mail_owner[e].tolist(),
                                   c.mail_group[e].tolist(), strict=True)]


def _websites(w: World, e: Arr, styles: Arr) -> list[str]:
    c = w.contacts
    out = []
    for x, o, group, own, s in zip(e.tolist(), c.mail_owner[e].tolist(),
                                   c.mail_group[e].tolist(), c.website[e].tolist(),
                                   styles.tolist(), strict=True):
        if not (group or own):
            out.append("")
            continue
        domain = f"hx{o:06d}.cn" if group else f"ent{x:06d}.cn"
        out.append((f"www.{domain}", f"http://www.{domain}/", domain.upper(),
                    f"https://{domain}")[s])
    return out


def _hub_style(address: str, style: int) -> str:
    """An agent's address as different firms write it: spaced, with full-width digits, or
    its room as 号."""
    if style == 1:
        return address.replace("号", "号 ", 1)
    if style == 2:
        return address.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    if style == 3:
        return address.removesuffix("室") + "号"
    return address
