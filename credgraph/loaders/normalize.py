"""Value normalisation for the DATA.md input: one parser per column type.

Each parser takes the stripped cell text (never empty: empty cells are None
before they get here) and returns the clean value or raises `ValueError` with
the reason a clerk will read in the rejects report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Full-width ASCII (！ to ～) and the ideographic space folded to half-width."""


def fold(text: str) -> str:
    """Fold full-width ASCII and brackets to half-width and trim: for ids and matching."""
    return " ".join(text.translate(_FULL_WIDTH).split())


def name_key(name: str) -> str:
    """The form names are matched and searched by."""
    return fold(name).lower()


@lru_cache(maxsize=1 << 16)
def enterprise_key(raw: str) -> str:
    """A USCC (check character verified) or a 15-digit legacy registration number.

    Cached: the same enterprise is named by many consecutive rows (its officers,
    holders, pledges), and the check-character computation dominates a load.
    """
    code = fold(raw).replace(" ", "").upper()
    if len(code) == 15 and code.isdigit():
        return code
    if len(code) != 18:
        raise ValueError("not an 18-character USCC nor a 15-digit registration number")
    if not stdnum_uscc.is_valid(code):
        raise ValueError("USCC check character does not verify (GB 32100-2015)")
    return code


def identifier(raw: str) -> str:
    return fold(raw).replace(" ", "").upper()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(raw: str) -> str:
    """One of the four date styles of DATA.md, returned as ISO YYYY-MM-DD."""
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


def _lookup(table: dict[str, str], what: str) -> Callable[[str], str]:
    folded = {fold(k).lower(): v for k, v in table.items()} | {v: v for v in table.values()}

    def parse(raw: str) -> str:
        try:
            return folded[fold(raw).lower()]
        except KeyError:
            raise ValueError(f"unknown {what}") from None

    return parse


ROLE_NAMES = {
    "法定代表人": "legal_representative",
    "董事长": "chair",
    "副董事长": "director",
    "董事": "director",
    "执行董事": "director",
    "独立董事": "director",
    "职工董事": "director",
    "监事": "supervisor",
    "监事会主席": "supervisor",
    "职工监事": "supervisor",
    "经理": "manager",
    "总经理": "manager",
    "总裁": "manager",
    "副经理": "deputy_manager",
    "副总经理": "deputy_manager",
    "财务负责人": "cfo",
    "财务总监": "cfo",
    "董事会秘书": "board_secretary",
    "负责人": "responsible_person",
    "执行事务合伙人": "partner",
}
ROLES = frozenset(ROLE_NAMES.values())
_role = _lookup(ROLE_NAMES, "role")
_ROLE_SPLIT = re.compile(r"兼|、|/|;|；|,|，")


def parse_roles(raw: str) -> list[str]:
    """A post; `董事长兼总经理` is two roles."""
    roles = [_role(part) for part in _ROLE_SPLIT.split(fold(raw)) if part.strip()]
    if not roles:
        raise ValueError("unknown role")
    return list(dict.fromkeys(roles))


parse_list_type = _lookup(
    {
        "经营异常名录": "abnormal_operations",
        "经营异常": "abnormal_operations",
        "严重违法失信名单": "serious_illegal",
        "严重违法失信企业名单": "serious_illegal",
        "严重违法失信主体名单": "serious_illegal",
        "失信被执行人": "dishonest_debtor",
        "限制高消费": "consumption_restricted",
        "限制消费": "consumption_restricted",
        "刑事判决": "criminal_sentence",
    },
    "list type",
)

parse_subject_type = _lookup(
    {"企业": "enterprise", "个人": "person", "自然人": "person"}, "subject type"
)

parse_event = _lookup(
    {
        "吊销营业执照": "licence_revoked",
        "吊销": "licence_revoked",
        "责令关闭": "ordered_closed",
        "破产清算完结": "bankruptcy_liquidated",
        "破产清算": "bankruptcy_liquidated",
        "撤销登记": "registration_revoked",
        "注销": "deregistered",
    },
    "event",
)

parse_pledge_status = _lookup({"有效": "valid", "无效": "invalid"}, "pledge status")

_OTHER_KINDS = (
    *("other", "其他", "其他股东", "国有", "国家机关", "机关法人", "事业单位", "事业法人"),
    *("社会团体", "外国(地区)企业", "外国投资者", "外籍", "外国", "境外", "集体"),
    *("农民专业合作社", "基金会", "民办非企业单位"),
)
parse_party_kind = _lookup(
    {
        "自然人股东": "person",
        "自然人": "person",
        "个人": "person",
        "企业法人": "enterprise",
        "企业": "enterprise",
        "法人": "enterprise",
        "法人股东": "enterprise",
        "企业法人股东": "enterprise",
    }
    | dict.fromkeys(_OTHER_KINDS, "other"),
    "party type (person / enterprise / other)",
)

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


def parse_id_list(raw: str) -> list[str]:
    return [identifier(part) for part in re.split(r"[;；,，、]", raw) if part.strip()]


PARSERS: dict[str, Callable[[str], Any]] = {
    "text": lambda raw: raw,
    "enterprise_key": enterprise_key,
    "enterprise": enterprise_key,
    "person_id": identifier,
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
}
