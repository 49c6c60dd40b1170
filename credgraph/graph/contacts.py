"""Contact details as annual reports state them, in the one form suspected links compare.

Two enterprises are suspected of a link (疑似关系, docs/risk.md) when their annual reports
give the same phone, e-mail, address or website; the same number or address is written
many ways, so every value is reduced by `normalise_contact` before it is stored
(`<kind>_norm` on the report) and compared. The rules, with examples, are in
docs/risk.md; each is tested in tests/test_contacts.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

CONTACT_KINDS = ("phone", "email", "address", "website")
"""The contact details an annual report states (vocabulary.yaml, contact_kinds)."""

_SEVERAL = re.compile(r"[;；,，、]|或")
"""What separates several phones, e-mails or websites in one cell: the first is compared."""


def _plain(raw: str) -> str:
    """Compatibility-folded (full-width letters, digits, brackets and spaces to half-width)."""
    return unicodedata.normalize("NFKC", raw).strip()


@cache
def _separators(also: str) -> re.Pattern[str]:
    """_SEVERAL, and also the characters `also` (each set compiled once: a load normalises
    every annual report's contacts)."""
    return re.compile(f"{_SEVERAL.pattern}|[{re.escape(also)}]") if also else _SEVERAL


def _first(text: str, also: str = "") -> str:
    """The first of several values (split also at the characters `also`)."""
    for part in _separators(also).split(text):
        if first := part.strip():
            return first
    return ""


_EXTENSION = re.compile(r"(转|分机|ext\.?|x).*$", re.IGNORECASE)
_MIN_DIGITS = 7
_NON_DIGITS = re.compile(r"\D")


def normalise_phone(raw: str) -> str | None:
    """Digits only, the first number of a cell, extension and country code (+86, 0086) left
    out: `+86 (10) 6123-4567 转 8` and `010-61234567` are both `01061234567`."""
    text = _EXTENSION.sub("", _first(_plain(raw), "/"))
    digits = _NON_DIGITS.sub("", text)
    international = text.startswith("+") or digits.startswith("0086")
    if digits.startswith("0086"):
        digits = digits[2:]
    if digits.startswith("86") and (international or (len(digits) == 13 and digits[2] == "1")):
        digits = digits[2:]
        if not (len(digits) == 11 and digits.startswith("1")):
            digits = "0" + digits  # a landline's area code takes its trunk 0 at home
    return digits if len(digits) >= _MIN_DIGITS else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(raw: str) -> str | None:
    """Lower case without blanks; None when it is no address (`name@host.tld`)."""
    text = _first(_plain(raw), " /").lower()
    return text if _EMAIL.match(text) else None


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def normalise_website(raw: str) -> str | None:
    """Lower case, without the scheme, a leading `www.` or a trailing `/`: `HTTPS://WWW.
    Example.com/` is `example.com`; None without a dot."""
    text = _first(_plain(raw), " ").lower()
    text = _SCHEME.sub("", text).removeprefix("www.").rstrip("/")
    return text if "." in text else None


_PUNCTUATION = re.compile(r"[\s,，。.、·;；:：\"'“”‘’]")
_BUILDING = re.compile(r"(\d+)(?:号楼|幢|栋)")
_FLOOR = re.compile(r"(\d+)(?:层|F)(?=\d|$)", re.IGNORECASE)
_ROOM = re.compile(r"(\d+)(?:号房|号室|房间|室|房|号)?$")
_MARKER = re.compile(r"号|栋|楼|座|单元")


def normalise_address(raw: str) -> str | None:
    """Blanks and punctuation out; a building (号楼, 幢, 栋) is 栋, a floor (层, F) is 楼, and a
    room at the end (1203室, 1203号, 1203房, 1203号房, a bare 1203) is 室 once a street
    number or building came before it. So `中关村大街 1 号 3 幢 1203 号` and
    `中关村大街1号3栋1203室` are the same address, while `中关村大街100号` stays a street number."""
    text = _PUNCTUATION.sub("", _plain(raw))
    text = _BUILDING.sub(r"\1栋", text)
    text = _FLOOR.sub(r"\1楼", text)
    room = _ROOM.search(text)
    if room is not None and _MARKER.search(text[:room.start()]):
        text = f"{text[:room.start()]}{room.group(1)}室"
    return text or None


NORMALISERS: dict[str, Callable[[str], str | None]] = {
    "phone": normalise_phone,
    "email": normalise_email,
    "address": normalise_address,
    "website": normalise_website,
}


def normalise_contact(kind: str, raw: str | None) -> str | None:
    """The compared form of a contact value of a kind (CONTACT_KINDS); None when there is
    nothing to compare."""
    if raw is None or not raw.strip():
        return None
    return NORMALISERS[kind](raw)


def norm_property(kind: str) -> str:
    """The report property that keeps a kind's compared form."""
    return f"{kind}_norm"
