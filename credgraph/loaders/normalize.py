"""Value normalisation of dataset cells (docs/data-format.md): one parser per column type.

Each parser takes the stripped cell text (never empty: empty cells are None
before they get here) and returns the clean value or raises `ValueError` with
the reason a clerk will read in the rejects report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from credgraph.graph.ids import enterprise_key, fold, identifier
from credgraph.graph.vocabulary import load_vocabulary

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(raw: str) -> str:
    """One of the four date styles of docs/data-format.md, returned as ISO YYYY-MM-DD."""
    text = fold(raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError as e:
                raise ValueError(f"impossible date ({e})") from None
    raise ValueError("unreadable date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日)")


_AMOUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(亿|万)?(元)?([\u4e00-\u9fff]*)$")
_TO_WAN = {"亿": 10000.0, "万": 1.0}


def parse_amount(raw: str) -> float:
    """An amount in 万元: `100`, `100万元人民币`, `1.5亿元` (= 15000), `5000元` (= 0.5).

    A bare number is already in 万元, the way the registry prints amounts; a
    number followed by 元 alone is in yuan.
    """
    text = fold(raw).replace(",", "").replace(" ", "")
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError("not an amount in 万元")
    number, unit, yuan, _currency = match.groups()
    if unit is None and yuan:
        return float(number) / 10000
    return float(number) * _TO_WAN.get(unit or "万", 1.0)


def parse_percent(raw: str) -> float:
    text = fold(raw).replace(" ", "").rstrip("%")
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if not 0 <= value <= 100:
        raise ValueError("percent outside 0-100")
    return value


_BOOL = {"true": True, "1": True, "是": True, "false": False, "0": False, "否": False}


def parse_bool(raw: str) -> bool:
    try:
        return _BOOL[fold(raw).lower()]
    except KeyError:
        raise ValueError("not a boolean (true/false, 1/0, 是/否)") from None


def _lookup(group: str, what: str) -> Callable[[str], str]:
    """A parser for one vocabulary group: any accepted spelling to its value."""
    spellings = load_vocabulary().spellings(group)

    def parse(raw: str) -> str:
        try:
            return spellings[fold(raw).lower()]
        except KeyError:
            raise ValueError(f"unknown {what}") from None

    return parse


_role = _lookup("roles", "role")
_ROLE_SPLIT = re.compile(r"兼|、|/|;|；|,|，")


def parse_roles(raw: str) -> list[str]:
    """A post; `董事长兼总经理` is two roles."""
    roles = [_role(part) for part in _ROLE_SPLIT.split(fold(raw)) if part.strip()]
    if not roles:
        raise ValueError("unknown role")
    return list(dict.fromkeys(roles))


parse_list_type = _lookup("list_types", "list type")
parse_subject_type = _lookup("subject_types", "subject type")
parse_event = _lookup("event_kinds", "event")
parse_pledge_status = _lookup("pledge_statuses", "pledge status")
parse_party_kind = _lookup("party_kinds", "party type (person / enterprise / other)")
parse_op = _lookup("ops", "operation (upsert or retract)")
parse_objection_status = _lookup("objection_statuses",
                                 "objection status (pending, upheld, rejected, withdrawn)")

_STATE = re.compile(r"国有资产|人民政府|财政|国务院|委员会|管理局|国家|政府|机关|事业单位")
_FOREIGN = re.compile(r"外国|境外|香港|澳门|台湾|LIMITED|LTD|INC|GMBH|CORP", re.IGNORECASE)
_COLLECTIVE = re.compile(r"集体|村民|居民委员会|合作社|工会")


def holder_category(name: str, kind_text: str) -> str:
    """What kind of non-person, non-enterprise holder: state, foreign, collective, unknown."""
    text = f"{kind_text} {name}"
    if _STATE.search(text):
        return "state"
    if _FOREIGN.search(text):
        return "foreign"
    if _COLLECTIVE.search(text):
        return "collective"
    return "unknown"


parse_filing_status = _lookup("filing_statuses",
                              "filing status (on_time 按时公示, late 逾期公示, not_filed 未公示)")

_YEARS = (1949, 2100)


def parse_year(raw: str) -> int:
    """A report year: `2023` or `2023年度`."""
    text = fold(raw).removesuffix("年度").removesuffix("年")
    if not text.isdigit() or not _YEARS[0] <= int(text) <= _YEARS[1]:
        raise ValueError(f"not a year between {_YEARS[0]} and {_YEARS[1]}")
    return int(text)


def parse_count(raw: str) -> int:
    """A head count: a whole number, `120` or `120人`."""
    text = fold(raw).replace(",", "").removesuffix("人").strip()
    if not text.isdigit():
        raise ValueError("not a whole number")
    return int(text)


def parse_id_list(raw: str) -> list[str]:
    return [identifier(part) for part in re.split(r"[;；,，、]", raw) if part.strip()]


def parse_text(raw: str) -> str:
    """Text is kept as written (stripped by the reader)."""
    return raw


PARSERS: dict[str, Callable[[str], Any]] = {
    "text": parse_text,
    "enterprise_key": enterprise_key,
    "enterprise": enterprise_key,
    "person_id": identifier,
    "identifier": identifier,
    "party": identifier,
    "party_kind": parse_party_kind,
    "subject_type": parse_subject_type,
    "date": parse_date,
    "amount": parse_amount,
    "percent": parse_percent,
    "bool": parse_bool,
    "roles": parse_roles,
    "list_type": parse_list_type,
    "event": parse_event,
    "pledge_status": parse_pledge_status,
    "id_list": parse_id_list,
    "op": parse_op,
    "objection_status": parse_objection_status,
    "year": parse_year,
    "count": parse_count,
    "filing_status": parse_filing_status,
}
