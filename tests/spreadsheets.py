"""Writing .xlsx files the way real tools do: typed cells with number formats, the East
Asian built-in format ids Chinese Excel writes, and sheets whose recorded size is wrong."""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

EAST_ASIAN_IDS = {'yyyy"年"m"月"d"日"': 31, 'yyyy"年"m"月"': 57, 'm"月"d"日"': 58}
"""Format codes Chinese Excel stores by built-in id only (ECMA-376 §18.8.30, zh-CN)."""


@dataclass(frozen=True)
class Formatted:
    """A cell value with the number format it is shown with."""

    value: Any
    number_format: str


def write_xlsx(path: Path, rows: list[list[Any]], *, east_asian_ids: bool = False,
               dimension: str | None = None, epoch_1904: bool = False,
               notes_sheet: bool = False) -> Path:
    """Write rows to the first sheet; a Formatted cell gets its number format.

    east_asian_ids: store the formats of EAST_ASIAN_IDS by their built-in id, as Chinese
    Excel does. dimension: the sheet size to record (e.g. a wrong "A1:C2"). epoch_1904:
    count dates from 1904 (old Mac Excel). notes_sheet: add a second sheet, as templates do.
    """
    workbook = openpyxl.Workbook()
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    if notes_sheet:
        workbook.create_sheet("填表说明").append(["统一社会信用代码", "请填写18位代码"])
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            if isinstance(cell, Formatted):
                target = sheet.cell(r, c, cell.value)
                target.number_format = cell.number_format
            elif cell is not None:
                sheet.cell(r, c, cell)
    workbook.save(path)
    if east_asian_ids or dimension:
        _rewrite(path, east_asian_ids, dimension)
    return path


def _rewrite(path: Path, east_asian_ids: bool, dimension: str | None) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if east_asian_ids:
        styles = parts["xl/styles.xml"].decode()
        for match in re.finditer(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"\s*/>', styles):
            builtin = EAST_ASIAN_IDS.get(html.unescape(match.group(2)))
            if builtin is not None:
                styles = styles.replace(match.group(0), "")
                styles = styles.replace(f'numFmtId="{match.group(1)}"', f'numFmtId="{builtin}"')
        parts["xl/styles.xml"] = styles.encode()
    if dimension:
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = re.sub(
            r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', sheet).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
