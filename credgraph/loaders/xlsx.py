"""What an .xlsx cell says: its stored value read through its number format.

A spreadsheet stores 60% as 0.6, 2001年2月27日 as the serial day 36949, a yuan
amount shown as 123.4567万 as 1234567, and a registration number shown as
011010801234567 as the number 11010801234567. The loaders read the text a clerk
sees in the cell (with full precision: no rounding to the format's decimals), so
the rules of docs/data-format.md apply to .xlsx cells as to CSV text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.datetime import from_excel

EAST_ASIAN_BUILTIN_FORMATS: dict[int, str] = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"', 32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"', 36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
"""ECMA-376 §18.8.30 built-in formats whose code depends on the locale (zh-CN codes).

A workbook names them by id only, and openpyxl knows just the locale-independent
ids: without this table a date that Chinese Excel shows as 2001年2月27日 (id 31)
reads as its serial number.
"""

EXCEL_DIGITS = 15
"""Significant digits a spreadsheet keeps: a longer number typed in has lost digits."""

_TOKEN = re.compile(r'"[^"]*"|\\.|!.|\[[^\]]*\]|_.|\*.|[eE][+-]|.', re.DOTALL)
_PLACEHOLDERS = ("0", "#", "?")
_GENERAL = re.compile(r"G/通用格式|General", re.IGNORECASE)


class CellFault(ValueError):
    """A cell whose content cannot stand for any value (a spreadsheet error, a lost number)."""


def format_code(cell: Any) -> str:
    """The cell's number format code, East Asian built-in ids included."""
    if getattr(cell, "has_style", False):
        code = EAST_ASIAN_BUILTIN_FORMATS.get(cell.style_array.numFmtId)
        if code is not None:
            return code
    number_format: str | None = getattr(cell, "number_format", None)
    return number_format or "General"


def cell_text(value: Any, data_type: str, code: str, epoch: datetime) -> str:
    """The text a cell shows, as the loaders read it; raises CellFault for an unusable cell."""
    if value is None:
        return ""
    if data_type == "e":
        raise CellFault(f"the cell holds the spreadsheet error {value}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and is_date_format(code):
        try:
            value = from_excel(value, epoch)
        except (OverflowError, ValueError):
            raise CellFault(f"{value} is formatted as a date but is no day") from None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        return number_text(value, code)
    return str(value)


def _tokens(code: str) -> list[str]:
    """The tokens of a format's first section (the one for positive numbers).

    `General` and Chinese Excel's `G/通用格式` stand for the number as it is: one digit
    placeholder without padding.
    """
    tokens: list[str] = []
    for token in _TOKEN.findall(_GENERAL.sub("#", code)):
        if token == ";":
            break
        tokens.append(token)
    return tokens


def number_text(value: int | float, code: str) -> str:
    """A number as its format shows it, at full precision.

    Honoured: percent signs (x100 each), thousands-scaling commas (/1000 each), the
    literal-point trick that shows yuan as 万 (`0!.0000"万"`: /10^4), zero padding of
    the integer part (`000000000000000` keeps a registration number's leading zero)
    and the literal text before and after the digits (`"万元"`, `"元"`).
    """
    if isinstance(value, float) and abs(value) >= 10 ** EXCEL_DIGITS and value.is_integer():
        raise CellFault(
            f"the number {value:.15g} has more than {EXCEL_DIGITS} digits, which a spreadsheet "
            "does not keep: write identifiers as text")
    prefix: list[str] = []
    suffix: list[str] = []
    seen_digit = in_decimals = literal_point = False
    zeros = percent = scale = shift = 0
    tokens = _tokens(code)
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _PLACEHOLDERS:
            seen_digit = True
            suffix.clear()  # literal text between digits is no part of the value
            if literal_point:
                shift += 1
            elif token == "0" and not in_decimals:
                zeros += 1
        elif token == ".":
            in_decimals = True
        elif token == ",":
            scale += seen_digit and following not in _PLACEHOLDERS
        elif (literal := _literal(token)) == "." and seen_digit and not in_decimals:
            literal_point = True
        elif literal:
            percent += literal == "%"
            (suffix if seen_digit else prefix).append(literal)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    number = number.scaleb(2 * percent - 3 * scale - shift)
    text = format(number.normalize(), "f") if number else "0"
    if zeros and not shift and "." not in text:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        text = sign + digits.zfill(zeros)
    return "".join(prefix) + text + "".join(suffix)


def _literal(token: str) -> str:
    """The text a format token shows as itself ('' for directives such as [Red], _x, *x, @)."""
    if token.startswith('"'):
        return token[1:-1]
    if token[0] in "\\!":
        return token[1:]
    if token[0] in "[_*@" or (len(token) == 2 and token[0] in "eE"):
        return ""
    return token
