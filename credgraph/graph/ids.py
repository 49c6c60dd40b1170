"""Identifiers as the graph keys them: folded text, person ids, USCCs and registration numbers.

Loaders normalise what files say with these functions and queries normalise what
people ask with the same ones, so an id typed in full-width characters or lower case
finds what a file gave in half-width upper case.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Full-width ASCII (！ to ～) and the ideographic space folded to half-width."""


def fold(text: str) -> str:
    """Fold full-width ASCII and brackets to half-width, collapse blanks: for ids and matching."""
    return " ".join(text.translate(_FULL_WIDTH).split())


def name_key(name: str) -> str:
    """The form names are matched and searched by."""
    return fold(name).lower()


def identifier(raw: str) -> str:
    """A person id, holder id or document number as stored: folded, no blanks, upper case."""
    return fold(raw).replace(" ", "").upper()


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015: the 31 signs of a Unified Social Credit Code (no I, O, S, V, Z)."""
_VALUE = {sign: value for value, sign in enumerate(USCC_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体",
                      "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                      "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构",
                  "2": "港澳台地区旅游部门常驻内地(大陆)代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织",
                  "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}
"""GB 32100-2015 Table 1 (registration authority) with each authority's entity types."""


def uscc_check_character(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    total = sum(_VALUE[sign] * weight for sign, weight in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why an 18-character text is not a USCC (alphabet or check character), or None.

    A code is valid when its signs are in the alphabet and the check character
    verifies; authority, entity type and division are only reported (`uscc_notes`),
    since registries keep issuing codes of kinds the published tables do not list.
    """
    if len(code) != 18:
        return f"a USCC has 18 characters, this has {len(code)}"
    bad = sorted({sign for sign in code if sign not in _VALUE})
    if bad:
        return (f"character(s) {''.join(bad)} are not in the USCC alphabet "
                "(digits and capital letters without I, O, S, V, Z)")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"check character {code[17]} does not verify (GB 32100-2015 gives {expected})"
    return None


def uscc_notes(code: str) -> list[str]:
    """Parts of a valid USCC that the published code tables do not know (data-quality notes)."""
    notes: list[str] = []
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        notes.append(f"registration authority code {code[0]} is not in GB 32100-2015 Table 1")
    elif code[1] not in authority[1]:
        notes.append(f"entity type code {code[1]} is not listed for authority {code[0]} "
                     f"({authority[0]})")
    if not code[2:8].isdigit():
        notes.append(f"administrative division {code[2:8]} is not six digits")
    return notes


@lru_cache(maxsize=1 << 16)
def enterprise_key(raw: str) -> str:
    """A USCC (GB 32100-2015, check character verified) or a 15-digit registration number.

    Cached: the same enterprise is named by many consecutive rows (its officers,
    holders, pledges), and validation is the hottest step of a load. Raises
    ValueError with the reason a clerk reads.
    """
    code = identifier(raw)
    if len(code) == 15 and code.isdigit():
        return code
    if len(code) != 18:
        raise ValueError("not an 18-character USCC nor a 15-digit registration number")
    problem = uscc_problem(code)
    if problem is not None:
        raise ValueError(f"not a valid USCC: {problem}")
    return code


USCC_SCHEME = "CN-USCI"
"""The org-id.guide list code of the Unified Social Credit Identifier (统一社会信用代码)."""
REG_NO_SCHEME = "CN-SAIC"
"""The org-id.guide list code of the registration numbers (注册号) issued before the USCC."""

_OTHER_REGISTER = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*:\S+$")


def other_register_key(scheme: str, ident: str) -> str:
    """The key of an entity of another register: the register's code, a colon, its id there.

    `GB-COH:09506232` for a company of Companies House (the org-id.guide list code), or a
    namespace credgraph gives records without a usable identifier (`BODS-…:record-id`).
    Only imports of other formats make such keys; dataset folders key enterprises by USCC or
    registration number alone. Raises ValueError when the result is not such a key.
    """
    key = identifier(f"{scheme}:{ident}")
    if not is_other_register_key(key):
        raise ValueError(f"{scheme}:{ident} is not a register code and an id")
    return key


def is_other_register_key(key: str) -> bool:
    """Whether a (normalised) key is `other_register_key`'s form: never a USCC nor a reg_no."""
    return _OTHER_REGISTER.match(key) is not None


def split_other_register_key(key: str) -> tuple[str, str]:
    """(register code, id) of an `other_register_key`."""
    scheme, _, ident = key.partition(":")
    return scheme, ident
