"""Generated dataset folders of valid and invalid rows, and the check that the API shows
every valid row with its values and the rejects report names every other row.

The generator draws canonical values (a day, a share, an amount in 万元, an id) and
writes each in one of the styles docs/data-format.md accepts: date styles, full-width
characters, Chinese headers, UTF-8 with or without BOM or GB18030, shuffled and unknown
columns, .xlsx with typed cells and number formats, multi-line cells, USCCs of every
registration authority. Each invalid row breaks exactly one rule and records the column
the report must name. What the API must show is worked out here from the canonical
values, never read back from the loader.

tests/fuzz_check.py checks a loaded dataset; tests/test_fuzz_loader.py (hypothesis draws
the seed) and benchmarks/fuzz_loader.py (seeded runs over many datasets) use both.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from tests.spreadsheets import Formatted, write_xlsx

# --- the contract, written out from docs/data-format.md -----------------------------------

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "enterprises": {
        "uscc": ("统一社会信用代码",), "reg_no": ("注册号",), "name": ("企业名称", "名称"),
        "type": ("类型", "企业类型"), "status": ("登记状态",), "established": ("成立日期",),
        "registered_capital": ("注册资本",), "currency": ("币种",), "authority": ("登记机关",),
        "address": ("住所",), "business_scope": ("经营范围",),
    },
    "persons": {"person_id": ("人员编号",), "name": ("姓名",), "id_number": ("证件号码",),
                "nationality": ("国籍",)},
    "shareholdings": {
        "enterprise": ("企业统一社会信用代码",), "holder": ("股东证照号码", "股东编号"),
        "holder_type": ("股东类型",), "holder_name": ("股东名称",), "percent": ("持股比例",),
        "subscribed_amount": ("认缴出资额",), "start_date": ("起始日期",),
        "end_date": ("截止日期",),
    },
    "officers": {"enterprise": ("企业统一社会信用代码",), "person_id": ("人员编号",),
                 "name": ("姓名",), "role": ("职务",), "start_date": ("任职日期",),
                 "end_date": ("离任日期",)},
    "equity_pledges": {
        "reg_no": ("登记编号",), "enterprise": ("标的企业",), "pledgor": ("出质人证照号码",),
        "pledgor_type": ("出质人类型",), "pledgor_name": ("出质人",),
        "pledgee": ("质权人证照号码",), "pledgee_type": ("质权人类型",),
        "pledgee_name": ("质权人",), "amount": ("出质股权数额",),
        "registered_on": ("股权出质设立登记日期",), "status": ("状态",),
        "cancelled_on": ("注销日期",),
    },
    "chattel_mortgages": {
        "reg_no": ("登记编号",), "mortgagor": ("抵押人证照号码",),
        "mortgagor_type": ("抵押人类型",), "mortgagor_name": ("抵押人",),
        "mortgagee": ("抵押权人证照号码",), "mortgagee_type": ("抵押权人类型",),
        "mortgagee_name": ("抵押权人",), "secured_amount": ("被担保债权数额",),
        "registered_on": ("登记日期",), "authority": ("登记机关",), "status": ("状态",),
        "cancelled_on": ("注销日期",), "collateral": ("抵押物概况",),
    },
    "list_entries": {
        "subject": ("主体编号",), "subject_type": ("主体类型",), "list": ("名单类型",),
        "reason": ("列入原因",), "authority": ("作出决定机关",), "listed_on": ("列入日期",),
        "removed_on": ("移出日期",), "removal_reason": ("移出原因",), "doc_no": ("文号",),
    },
    "penalties": {"enterprise": ("企业统一社会信用代码",), "doc_no": ("决定书文号",),
                  "violation_type": ("违法行为类型",), "content": ("行政处罚内容",),
                  "authority": ("决定机关",), "decided_on": ("处罚决定日期",)},
    "enterprise_events": {"enterprise": ("企业统一社会信用代码",), "event": ("事件",),
                          "date": ("日期",), "reason": ("原因",), "authority": ("决定机关",),
                          "liable_persons": ("负有个人责任人员",)},
}
"""Each section's columns with their Chinese headers, in the order of the tables."""

REQUIRED = {
    "enterprises": {"name"}, "persons": {"person_id", "name"},
    "shareholdings": {"enterprise", "holder", "holder_type"},
    "officers": {"enterprise", "person_id", "role"},
    "equity_pledges": {"reg_no", "enterprise", "pledgor", "pledgor_type", "pledgor_name",
                       "pledgee", "pledgee_type", "pledgee_name", "registered_on"},
    "chattel_mortgages": {"reg_no", "mortgagor", "mortgagor_type", "mortgagor_name",
                          "mortgagee", "mortgagee_type", "mortgagee_name", "registered_on"},
    "list_entries": {"subject", "subject_type", "list", "listed_on"},
    "penalties": {"enterprise", "doc_no", "decided_on"},
    "enterprise_events": {"enterprise", "event", "date"},
}
"""Columns every row of the section must fill."""
IN_EVERY_FILE = {**REQUIRED, "enterprises": {"uscc", "name"}}
"""Columns every file of the section has: the required ones, and a key column for enterprises
(a file without them stops the load)."""

ROLES = {"legal_representative": "法定代表人", "chair": "董事长", "director": "董事",
         "supervisor": "监事", "manager": "总经理", "deputy_manager": "副经理",
         "cfo": "财务负责人", "board_secretary": "董事会秘书", "responsible_person": "负责人",
         "partner": "执行事务合伙人"}
LISTS = {"abnormal_operations": "经营异常名录", "serious_illegal": "严重违法失信名单",
         "dishonest_debtor": "失信被执行人", "consumption_restricted": "限制高消费",
         "criminal_sentence": "刑事判决"}
EVENTS = {"licence_revoked": "吊销营业执照", "ordered_closed": "责令关闭",
          "bankruptcy_liquidated": "破产清算完结", "registration_revoked": "撤销登记",
          "deregistered": "注销"}
PARTY_KINDS = {"person": ("person", "自然人股东"), "enterprise": ("enterprise", "企业法人", "企业"),
               "other": ("other",)}
PLEDGE_STATUSES = {"valid": "有效", "invalid": "无效"}

USCC_KINDS = ("91", "91", "91", "92", "93", "12", "11", "51", "52", "53", "N2", "N1", "Y1",
              "31", "71", "A1")
"""Registration authority and entity type of generated USCCs (enterprises mostly)."""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGIONS = ("110108", "310115", "330106", "440300", "500105", "620105", "350211", "100000")
FIRST_DAY, LAST_DAY = date(1995, 1, 1), date(2023, 12, 31)

# --- values and how they are written ------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Written as it stands (an id, a name, or a deliberately bad value)."""

    raw: str


@dataclass(frozen=True)
class Day:
    value: date


@dataclass(frozen=True)
class Share:
    """A percent 0-100 (or beyond, for a bad row)."""

    value: Decimal


@dataclass(frozen=True)
class Amount:
    """An amount in 万元."""

    value: Decimal


@dataclass(frozen=True)
class Ident:
    """An identifier written plain or in full-width characters."""

    value: str


Value = Text | Day | Share | Amount | Ident


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def render_text(rng: random.Random, value: Value) -> str:
    """How a person typing a CSV file (or a text cell) might write the value."""
    if isinstance(value, Text):
        return value.raw
    if isinstance(value, Ident):
        text = full_width(value.value) if rng.random() < 0.15 else value.value
        if rng.random() < 0.1:
            text = rng.choice([" ", "\u3000", "\u00a0"]) + text + rng.choice(["", " ", "\t"])
        return text
    if isinstance(value, Day):
        d = value.value
        return rng.choice([
            d.isoformat(), f"{d.year}/{d.month:02d}/{d.day:02d}", d.strftime("%Y%m%d"),
            f"{d.year}年{d.month}月{d.day}日", full_width(d.isoformat()),
        ])
    if isinstance(value, Share):
        number = _plain(value.value)
        return rng.choice([number, f"{number}%", full_width(f"{number}%")])
    number = _plain(value.value)
    styles = [number, f"{number}万元", f"{number}万元人民币", f"{number}万",
              f"{_plain(value.value * 10000)}元"]
    if value.value == value.value.to_integral_value() and value.value >= 1000:
        styles.append(f"{int(value.value):,}")
    if value.value >= 10000:
        styles.append(f"{_plain(value.value / 10000)}亿元")
    return rng.choice(styles)


def render_cell(rng: random.Random, value: Value) -> Any:
    """An .xlsx cell for the value: text, or a typed cell with a number format."""
    if isinstance(value, Ident) and len(value.value) == 15 and value.value.isdigit():
        return rng.choice([value.value, int(value.value),
                           Formatted(int(value.value), "000000000000000")])
    if rng.random() < 0.2 or isinstance(value, Text | Ident):
        return render_text(rng, value)
    if isinstance(value, Day):
        # A date cell stores the serial day (of the workbook's 1900 or 1904 epoch), maybe
        # with a time of day, shown through a date format.
        moment = datetime.combine(value.value, datetime.min.time())
        moment += timedelta(hours=rng.choice([0, 0, 9.5]))
        return rng.choice([moment, Formatted(moment, "yyyy-mm-dd"),
                           Formatted(moment, 'yyyy"年"m"月"d"日"'), Formatted(moment, "m/d/yyyy")])
    if isinstance(value, Share):
        return rng.choice([_number(value.value), Formatted(_number(value.value / 100), "0.00%")])
    yuan = value.value * 10000
    return rng.choice([_number(value.value), Formatted(_number(value.value), '#,##0.00"万元"'),
                       Formatted(_number(yuan), '0!.0000"万"'), Formatted(_number(yuan), '0"元"')])


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


# --- the generated registry ---------------------------------------------------------------


@dataclass
class Enterprise:
    key: str
    """The node id: its USCC, or its registration number when it has none."""
    uscc: str | None
    reg_no: str | None
    capital: Decimal | None
    loaded: bool
    """Its row is valid, so the graph has it and rows may refer to it."""


@dataclass
class Fact:
    """Something the API must show for a valid row, found by its provenance."""

    kind: str
    """enterprise, person, holding, self_holding, appointment, pledge, mortgage, listing,
    penalty or event."""
    where: str
    """The entity (enterprise key or person id) whose view shows it."""
    values: dict[str, Any]


@dataclass
class GenRow:
    section: str
    cells: dict[str, Value]
    valid: bool
    fault: str = ""
    """For an invalid row: the rule it breaks."""
    columns: frozenset[str] = frozenset()
    """For an invalid row: the columns the report may name for it ('' for a stray cell)."""
    facts: list[Fact] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    """Cells written beyond the header (a malformed row)."""
    file: str = ""
    number: int = 0


@dataclass
class Dataset:
    rows: list[GenRow] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    persons: dict[str, set[str]] = field(default_factory=dict)
    """Person ids the graph must have, with the names it may show (a placeholder's)."""
    person_rows: dict[str, GenRow] = field(default_factory=dict)
    """Valid persons rows by id."""


def _code(rng: random.Random, kind: str, serial: int) -> str:
    """A valid USCC of the kind; `serial` (written in its last four signs) makes it unique."""
    tail = ""
    for _ in range(4):
        serial, sign = divmod(serial, len(ALPHABET))
        tail = ALPHABET[sign] + tail
    body = kind + rng.choice(REGIONS) + "".join(rng.choice(ALPHABET) for _ in range(5)) + tail
    return body + stdnum_uscc.calc_check_digit(body)


def _bad_code(rng: random.Random, code: str) -> tuple[str, str]:
    """A refused variant of a USCC and the rule it breaks."""
    fault = rng.choice(["check", "alphabet", "length"])
    if fault == "check":
        wrong = rng.choice([c for c in ALPHABET if c != code[17]])
        return code[:17] + wrong, fault
    if fault == "alphabet":
        i = rng.randrange(8, 17)
        return code[:i] + rng.choice("IOSVZ") + code[i + 1:], fault
    return code[:17], fault


def _day(rng: random.Random, after: date | None = None) -> date:
    start = after or FIRST_DAY
    span = (LAST_DAY - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def _share(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 10000)) / 100


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(1, 2000000)) / Decimal(rng.choice([1, 10, 100]))


PERSON_NAMES = ("张三", "李四", "王五", "赵六", "钱七", " 孙八 ", "欧阳娜娜")
NAME_PARTS = ("华", "兴", "达", "盛", "通", "远", "泰", "和", "丰", "源", "鑫", "安")


def _name(rng: random.Random, suffix: str) -> str:
    core = "".join(rng.choice(NAME_PARTS) for _ in range(rng.randint(2, 4)))
    city = rng.choice(["深圳市", "杭州市", "北京", "上海", ""])
    name = f"{city}{core}{suffix}"
    roll = rng.random()
    if roll < 0.1:
        name += "（集团）"
    elif roll < 0.15:
        name = f"  {name} "
    return name


def _prose(rng: random.Random) -> str:
    text = rng.choice(["设备", "房产及土地使用权", "虚假宣传", "连续六个月未开业", "履行完毕",
                       '含"引号",逗号与\t制表符', "吉祥𠮷字", "\u3000全角空格在前"])
    if rng.random() < 0.3:
        text += "\n" + rng.choice(["第二行说明", "详见附件", "（含附属设施）"])
    return text


class Generator:
    """Builds one dataset; every choice comes from `rng`."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng, self.size = rng, size
        self.data = Dataset()
        self.count = 0
        self.keys: set[str] = set()
        self.person_ids: list[str] = []

    def serial(self) -> int:
        """A number no other id of the dataset uses: ids stay unique however `rng` draws."""
        self.count += 1
        return self.count

    def invalid(self, rate: float = 0.25) -> bool:
        return self.rng.random() < rate

    def build(self) -> Dataset:
        self.enterprises()
        self.persons()
        makers: tuple[tuple[float, Callable[[], GenRow | None]], ...] = (
            (1.5, self.shareholding), (1.5, self.officer), (0.4, self.pledge),
            (0.4, self.mortgage), (0.6, self.listing), (0.5, self.penalty), (0.4, self.event),
        )  # rows per enterprise at most, by section
        for per_enterprise, make in makers:
            if self.rng.random() < 0.15:
                continue  # the section is absent from the folder
            for _ in range(self.rng.randint(0, max(1, round(per_enterprise * self.size)))):
                row = make()
                if row is not None:
                    self.data.rows.append(row)
        return self.data

    # -- references ------------------------------------------------------------------

    def enterprise_ref(self, row: GenRow, column: str, avoid: Iterable[str] = ()
                       ) -> Enterprise | None:
        """A reference to an enterprise: mostly a loaded one; else the row is refused for it.

        Returns the enterprise the row names when it is loaded, None when the reference
        refuses the row (a refused row, an unknown code, a code that fails its check).
        """
        rng = self.rng
        avoided = set(avoid)
        loaded = [e for e in self.data.enterprises if e.loaded and e.key not in avoided]
        refused = [e.uscc for e in self.data.enterprises if not e.loaded and e.uscc]
        roll = rng.random()
        if loaded and roll < 0.88:
            target = rng.choice(loaded)
            by_reg_no = target.reg_no and (not target.uscc or rng.random() < 0.5)
            row.cells[column] = Ident((target.reg_no if by_reg_no else target.uscc) or "")
            return target
        self.refuse(row, "reference", column)
        if refused and roll < 0.94:
            row.cells[column] = Ident(rng.choice(refused))
        elif roll < 0.97:
            row.cells[column] = Ident(_code(rng, "91", self.serial()))
        else:
            row.cells[column] = Text(_bad_code(rng, _code(rng, "91", self.serial()))[0])
        return None

    def person_ref(self, avoid: Iterable[str] = ()) -> str:
        """A person id: from the persons file (its row valid or not) or unknown to it."""
        avoided = set(avoid)
        known = [p for p in self.person_ids if p not in avoided]
        if known and self.rng.random() < 0.75:
            return self.rng.choice(known)
        return f"P{self.serial():05d}"

    def fresh_key(self, *parts: str | None) -> bool:
        """Whether no earlier row has this fact key (a later one would replace it)."""
        key = "|".join(p or "" for p in parts)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def refuse(self, row: GenRow, fault: str, *columns: str) -> None:
        if row.valid:
            row.valid, row.fault, row.columns = False, fault, frozenset(columns)
        else:
            row.columns |= frozenset(columns)

    def party(self, row: GenRow, column: str, kind_column: str, name_column: str | None,
              kinds: tuple[str, ...] = ("person", "enterprise", "other"),
              avoid: Iterable[str] = (), named: bool = False
              ) -> tuple[str, str, str | None] | None:
        """Fill a party's columns (`named`: its name column is required); (kind, node id,
        name given), or None when it refuses the row."""
        rng = self.rng
        kind = rng.choice(kinds)
        row.cells[kind_column] = Text(rng.choice(PARTY_KINDS[kind]))
        name: str | None = None
        if kind == "person":
            node = self.person_ref(avoid)
            row.cells[column] = Ident(node)
            if name_column and (named or rng.random() < 0.7):
                name = rng.choice(PERSON_NAMES).strip()
        elif kind == "enterprise":
            target = self.enterprise_ref(row, column, avoid)
            node = target.key if target else ""
            name = _name(rng, "有限公司").strip() if name_column else None
        else:
            node = f"G{self.serial():04d}"
            row.cells[column] = Ident(node)
            name = rng.choice(["国务院国有资产监督管理委员会", "某村集体", "FOREIGN HOLDINGS LTD",
                               "某某基金会"])
        if name_column and name:
            row.cells[name_column] = Text(name)
        return (kind, node, name) if node else None

    def note_person(self, pid: str, name: str | None) -> None:
        """A person a valid row names: the graph has it, from persons or as a placeholder."""
        self.data.persons.setdefault(pid, set()).update({pid} | ({name.strip()} if name else set()))

    def stray(self, row: GenRow) -> None:
        if self.rng.random() < 0.04:
            row.stray = [self.rng.choice(["x", "多余", "1"])] * self.rng.randint(1, 2)
            self.refuse(row, "stray", "")

    # -- sections --------------------------------------------------------------------

    def enterprises(self) -> None:
        rng = self.rng
        for _ in range(self.size):
            code = _code(rng, rng.choice(USCC_KINDS), self.serial())
            reg_no = f"{rng.choice(REGIONS[:-1])}{self.serial():09d}"
            style = rng.choice(["uscc", "uscc", "uscc", "reg_no", "both"])
            uscc = code if style != "reg_no" else None
            reg = reg_no if style != "uscc" else None
            capital = _amount(rng) if rng.random() < 0.85 else None
            row = GenRow("enterprises", {}, True)
            if uscc:
                row.cells["uscc"] = Ident(uscc)
            if reg:
                row.cells["reg_no"] = Ident(reg)
            name = _name(rng, rng.choice(["有限公司", "股份经济合作社", "个体店", "基金会"]))
            row.cells["name"] = Text(name)
            values: dict[str, Any] = {"name": name.strip(), "uscc": uscc, "regNo": reg,
                                      "registeredCapital": capital}
            if capital is not None:
                row.cells["registered_capital"] = Amount(capital)
            established = _day(rng) if rng.random() < 0.8 else None
            if established:
                row.cells["established"] = Day(established)
            values["established"] = established.isoformat() if established else None
            for column, api, choices in (
                ("type", "type", ["有限责任公司(自然人投资或控股)", "个体工商户", "股份有限公司"]),
                ("status", "status", ["存续", "在业", "吊销", "注销"]),
                ("currency", "currency", ["CNY", "USD"]),
                ("authority", "authority", ["深圳市市场监督管理局", "杭州市西湖区农业农村局"]),
                ("address", "address", ["深圳市南山区科技园", "杭州市西湖区\n某某村"]),
                ("business_scope", "businessScope", ["技术开发；技术咨询", "农业生产\n经营管理"]),
            ):
                if rng.random() < 0.6:
                    row.cells[column] = Text(rng.choice(choices))
                    values[api] = row.cells[column].raw  # type: ignore[union-attr]
                else:
                    values[api] = "CNY" if column == "currency" else None
            if self.invalid(0.2):
                self._break_enterprise(row, uscc)
            self.stray(row)
            key = uscc or reg
            assert key is not None
            enterprise = Enterprise(key, uscc, reg, capital, row.valid)
            if not row.valid and row.fault in ("check", "alphabet", "length", "missing_key"):
                enterprise.uscc = None  # nothing valid to refer to
            if row.valid:
                row.facts.append(Fact("enterprise", key, values))
            self.data.enterprises.append(enterprise)
            self.data.rows.append(row)

    def _break_enterprise(self, row: GenRow, uscc: str | None) -> None:
        rng = self.rng
        faults = ["date", "impossible_date", "amount", "missing_name", "missing_key"]
        if uscc:
            faults += ["code", "code"]
        fault = rng.choice(faults)
        if fault == "code":
            bad, kind = _bad_code(rng, uscc or "")
            row.cells["uscc"] = Text(bad)
            self.refuse(row, kind, "uscc")
        elif fault == "date":
            row.cells["established"] = Text(rng.choice(["2020.01.02", "02/01/2020", "去年"]))
            self.refuse(row, fault, "established")
        elif fault == "impossible_date":
            row.cells["established"] = Text(rng.choice(["2021-02-30", "2019年13月1日"]))
            self.refuse(row, fault, "established")
        elif fault == "amount":
            row.cells["registered_capital"] = Text(rng.choice(["一百万", "100 dollars", "约100"]))
            self.refuse(row, fault, "registered_capital")
        elif fault == "missing_name":
            row.cells["name"] = Text(rng.choice(["", "   "]))
            self.refuse(row, fault, "name")
        else:
            row.cells.pop("uscc", None)
            row.cells.pop("reg_no", None)
            self.refuse(row, fault, "uscc/reg_no")

    def persons(self) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            return
        for _ in range(rng.randint(0, self.size + 2)):
            pid = f"P{self.serial():05d}"
            name = rng.choice(["张三", "李四", "王五", "赵六", "钱七", " 孙八 ", "欧阳\n娜娜"])
            row = GenRow("persons", {"person_id": Ident(pid), "name": Text(name)}, True)
            id_number = rng.choice([None, "440301199001011234", "440301********1234"])
            if id_number:
                row.cells["id_number"] = Text(id_number)
            nationality = rng.choice([None, "中国", "中国香港"])
            if nationality:
                row.cells["nationality"] = Text(nationality)
            if self.invalid(0.15):
                if rng.random() < 0.5:
                    row.cells["name"] = Text("")
                    self.refuse(row, "missing_name", "name")
                else:
                    row.cells["person_id"] = Text("")
                    self.refuse(row, "missing_id", "person_id")
                    pid = ""
            self.stray(row)
            if pid:
                self.person_ids.append(pid)
            if row.valid:
                row.facts.append(Fact("person", pid, {
                    "name": name.strip(), "nationality": nationality, "placeholder": False,
                    "idNumber": id_number}))
                self.data.person_rows[pid] = row
            self.data.rows.append(row)

    def _dates(self, row: GenRow, start: str, end: str, required: bool = False
               ) -> tuple[date | None, date | None]:
        rng = self.rng
        first = _day(rng) if required or rng.random() < 0.7 else None
        last = _day(rng, first) if first and rng.random() < 0.3 else None
        if first:
            row.cells[start] = Day(first)
        if last:
            row.cells[end] = Day(last)
        if self.invalid(0.06) and first and first > FIRST_DAY:
            row.cells[end] = Day(first - timedelta(days=rng.randint(1, 300)))
            self.refuse(row, "end_before_start", end)
        elif self.invalid(0.04):
            row.cells[start] = Text(rng.choice(["2021-02-30", "20211301", "昨天"]))
            self.refuse(row, "bad_date", start)
        return first, last

    def shareholding(self) -> GenRow | None:
        rng = self.rng
        row = GenRow("shareholdings", {}, True)
        target = self.enterprise_ref(row, "enterprise")
        party: tuple[str, str, str | None] | None
        self_holding = target is not None and rng.random() < 0.1
        if target is not None and self_holding:
            row.cells["holder_type"] = Text(rng.choice(PARTY_KINDS["enterprise"]))
            row.cells["holder"] = Ident(target.uscc or target.reg_no or "")
            party = ("enterprise", target.key, None)
        else:
            party = self.party(row, "holder", "holder_type", "holder_name",
                               avoid=[target.key] if target else [])
        percent = _share(rng) if rng.random() < 0.7 else None
        amount = _amount(rng) / 10 if rng.random() < 0.4 else None
        if percent is not None:
            row.cells["percent"] = Share(percent)
        if amount is not None:
            row.cells["subscribed_amount"] = Amount(amount)
        start, end = self._dates(row, "start_date", "end_date")
        if self.invalid(0.12):
            fault = rng.choice(["percent", "percent_text", "kind", "no_holder"])
            if fault == "percent":
                row.cells["percent"] = Share(Decimal(rng.choice(["150", "100.5", "1000"])))
                self.refuse(row, fault, "percent")
            elif fault == "percent_text":
                row.cells["percent"] = Text(rng.choice(["约六成", "60 percent"]))
                self.refuse(row, fault, "percent")
            elif fault == "kind":
                row.cells["holder_type"] = Text("robot")
                self.refuse(row, fault, "holder_type")
            else:
                row.cells["holder"] = Text("")
                self.refuse(row, fault, "holder")
        if party and party[0] == "other" and rng.random() < 0.1:
            row.cells.pop("holder_name", None)
            self.refuse(row, "other_without_name", "holder_name")
        self.stray(row)
        if row.valid and target is not None and party is not None and self.fresh_key(
                "holding", target.key, party[1], _iso(start)):
            kind, holder, name = party
            if kind == "person":
                self.note_person(holder, name)
            source = "reported"
            if percent is None:
                source = "unknown"
                if amount is not None and target.capital:
                    derived = amount / target.capital * 100
                    if derived <= 100:
                        percent, source = derived, "subscribed"
            values = {"holder": holder, "enterprise": target.key, "percent": percent,
                      "percentSource": source, "subscribedAmount": amount,
                      "start": _iso(start), "end": _iso(end), "treasury": self_holding}
            # A holding of an enterprise in itself is shown among its shareholders, marked as
            # treasury shares.
            row.facts.append(Fact("self_holding" if self_holding else "holding", target.key,
                                  values))
        elif row.valid:
            return None  # its key repeats an earlier row's, which it would replace
        return row

    def officer(self) -> GenRow | None:
        rng = self.rng
        row = GenRow("officers", {}, True)
        target = self.enterprise_ref(row, "enterprise")
        pid = self.person_ref()
        row.cells["person_id"] = Ident(pid)
        name = None
        if rng.random() < 0.6:
            name = rng.choice(PERSON_NAMES)
            row.cells["name"] = Text(name)
        if rng.random() < 0.15:
            roles = ["chair", "manager"]
            row.cells["role"] = Text("董事长兼总经理")
        else:
            role = rng.choice(list(ROLES))
            roles = [role]
            row.cells["role"] = Text(rng.choice([role, ROLES[role]]))
        start, end = self._dates(row, "start_date", "end_date")
        if self.invalid(0.1):
            row.cells["role"] = Text(rng.choice(["首席吹哨人", "CEO of fun"]))
            self.refuse(row, "role", "role")
        self.stray(row)
        if row.valid and target is not None and self.fresh_key(
                "post", target.key, pid, _iso(start)):
            self.note_person(pid, name)
            for role in roles:
                row.facts.append(Fact("appointment", target.key, {
                    "person": pid, "role": role.upper(), "start": _iso(start),
                    "end": _iso(end)}))
        elif row.valid:
            return None
        return row

    def pledge(self) -> GenRow:
        rng = self.rng
        reg_no = f"GQ{self.serial():06d}"
        row = GenRow("equity_pledges", {"reg_no": Ident(reg_no)}, True)
        target = self.enterprise_ref(row, "enterprise")
        avoid = [target.key] if target else []
        pledgor = self.party(row, "pledgor", "pledgor_type", "pledgor_name", avoid=avoid,
                             named=True)
        pledgee = self.party(row, "pledgee", "pledgee_type", "pledgee_name", named=True,
                             avoid=avoid + ([pledgor[1]] if pledgor else []))
        amount = _amount(rng) if rng.random() < 0.7 else None
        if amount is not None:
            row.cells["amount"] = Amount(amount)
        start, end = self._dates(row, "registered_on", "cancelled_on", required=True)
        status = rng.choice([None, "valid", "invalid"])
        if status:
            row.cells["status"] = Text(rng.choice([status, PLEDGE_STATUSES[status]]))
        if self.invalid(0.08):
            if rng.random() < 0.5:
                row.cells["status"] = Text("作废中")
                self.refuse(row, "status", "status")
            else:
                row.cells["pledgee_name"] = Text("")
                self.refuse(row, "no_name", "pledgee_name")
        self.stray(row)
        if row.valid and target and pledgor and pledgee:
            for kind, pid, name in (pledgor, pledgee):
                if kind == "person":
                    self.note_person(pid, name)
            row.facts.append(Fact("pledge", target.key, {
                "regNo": reg_no, "enterprise": target.key, "pledgor": pledgor[1],
                "pledgee": pledgee[1], "amount": amount, "status": status,
                "start": _iso(start), "end": _iso(end)}))
        return row

    def mortgage(self) -> GenRow:
        rng = self.rng
        reg_no = f"DY{self.serial():06d}"
        row = GenRow("chattel_mortgages", {"reg_no": Ident(reg_no)}, True)
        mortgagor = self.party(row, "mortgagor", "mortgagor_type", "mortgagor_name",
                               kinds=("enterprise",), named=True)
        mortgagee = self.party(row, "mortgagee", "mortgagee_type", "mortgagee_name",
                               avoid=[mortgagor[1]] if mortgagor else [], named=True)
        if mortgagor and mortgagee and rng.random() < 0.05:
            row.cells["mortgagee_type"] = row.cells["mortgagor_type"]
            row.cells["mortgagee"] = row.cells["mortgagor"]
            self.refuse(row, "same_party", "mortgagee")
        secured = _amount(rng) if rng.random() < 0.7 else None
        if secured is not None:
            row.cells["secured_amount"] = Amount(secured)
        start, end = self._dates(row, "registered_on", "cancelled_on", required=True)
        texts = {}
        for column, api, choices in (("authority", "authority", ["深圳市市场监督管理局"]),
                                     ("status", "status", ["有效", "无效", "已注销"]),
                                     ("collateral", "collateral", None)):
            if rng.random() < 0.6:
                text = rng.choice(choices) if choices else _prose(rng)
                row.cells[column] = Text(text)
                texts[api] = text.strip()
            else:
                texts[api] = None
        self.stray(row)
        if row.valid and mortgagor and mortgagee:
            if mortgagee[0] == "person":
                self.note_person(mortgagee[1], mortgagee[2])
            row.facts.append(Fact("mortgage", mortgagor[1], {
                "regNo": reg_no, "mortgagor": mortgagor[1], "mortgagee": mortgagee[1],
                "securedAmount": secured, "start": _iso(start), "end": _iso(end), **texts}))
        return row

    def listing(self) -> GenRow | None:
        rng = self.rng
        row = GenRow("list_entries", {}, True)
        if rng.random() < 0.6:
            row.cells["subject_type"] = Text("enterprise")
            target = self.enterprise_ref(row, "subject")
            subject = target.key if target else None
        else:
            row.cells["subject_type"] = Text("person")
            subject = self.person_ref()
            row.cells["subject"] = Ident(subject)
        kind = rng.choice(list(LISTS))
        row.cells["list"] = Text(rng.choice([kind, LISTS[kind]]))
        listed, removed = self._dates(row, "listed_on", "removed_on", required=True)
        texts: dict[str, Any] = {}
        for column, api in (("reason", "reason"), ("authority", "authority"),
                            ("removal_reason", "removalReason"), ("doc_no", "docNo")):
            if rng.random() < 0.5:
                text = _prose(rng) if column != "doc_no" else f"深市监〔{rng.randint(2015, 2023)}〕{rng.randint(1, 99)}号"
                row.cells[column] = Text(text)
                texts[api] = text.strip()
            else:
                texts[api] = None
        if self.invalid(0.1):
            if rng.random() < 0.5:
                row.cells["list"] = Text("blacklist_x")
                self.refuse(row, "list", "list")
            else:
                row.cells["subject_type"] = Text("robot")
                self.refuse(row, "subject_type", "subject_type")
        self.stray(row)
        if row.valid and subject is not None and listed is not None and not self.fresh_key(
                "listing", subject, kind, _iso(listed)):
            return None
        if row.valid and subject is not None and listed is not None:
            if row.cells["subject_type"] == Text("person"):
                self.note_person(subject, None)
            row.facts.append(Fact("listing", subject, {
                "subjectId": subject, "list": kind.upper(), "listedOn": listed.isoformat(),
                "removedOn": _iso(removed), **texts}))
        return row

    def penalty(self) -> GenRow:
        rng = self.rng
        doc_no = f"市监罚〔{rng.randint(2015, 2023)}〕{self.serial()}号"
        row = GenRow("penalties", {"doc_no": Text(doc_no)}, True)
        target = self.enterprise_ref(row, "enterprise")
        decided = _day(rng)
        row.cells["decided_on"] = Day(decided)
        texts: dict[str, Any] = {}
        for column, api in (("violation_type", "violationType"), ("content", "content"),
                            ("authority", "authority")):
            if rng.random() < 0.6:
                text = _prose(rng)
                row.cells[column] = Text(text)
                texts[api] = text.strip()
            else:
                texts[api] = None
        if self.invalid(0.08):
            if rng.random() < 0.5:
                row.cells["decided_on"] = Text("2020-13-01")
                self.refuse(row, "bad_date", "decided_on")
            else:
                row.cells["doc_no"] = Text("")
                self.refuse(row, "no_doc_no", "doc_no")
        self.stray(row)
        if row.valid and target is not None:
            row.facts.append(Fact("penalty", target.key, {
                "docNo": doc_no, "decidedOn": decided.isoformat(), **texts}))
        return row

    def event(self) -> GenRow | None:
        rng = self.rng
        row = GenRow("enterprise_events", {}, True)
        target = self.enterprise_ref(row, "enterprise")
        kind = rng.choice(list(EVENTS))
        row.cells["event"] = Text(rng.choice([kind, EVENTS[kind]]))
        day = _day(rng).isoformat()
        row.cells["date"] = Day(date.fromisoformat(day))
        liable: list[str] = []
        if rng.random() < 0.5:
            liable = [self.person_ref() for _ in range(rng.randint(1, 3))]
            liable = list(dict.fromkeys(liable))
            row.cells["liable_persons"] = Text(rng.choice([";", "；", "、"]).join(liable))
        reason = _prose(rng) if rng.random() < 0.5 else None
        if reason:
            row.cells["reason"] = Text(reason)
        if self.invalid(0.08):
            row.cells["event"] = Text("被外星人带走")
            self.refuse(row, "event", "event")
        self.stray(row)
        if row.valid and target is not None and not self.fresh_key("event", target.key, kind,
                                                                    day):
            return None
        if row.valid and target is not None:
            row.facts.append(Fact("event", target.key, {
                "event": kind, "date": day, "liablePersonIds": liable,
                "reason": reason.strip() if reason else None}))
        return row


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def generate(rng: random.Random, size: int) -> Dataset:
    """A dataset of `size` enterprises and the rows that refer to them."""
    return Generator(rng, size).build()


# --- writing the folder -------------------------------------------------------------------


def write_dataset(rng: random.Random, data: Dataset, folder: Path) -> None:
    """Write each section as CSV (some encoding) or .xlsx, numbering the rows as written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_section: dict[str, list[GenRow]] = defaultdict(list)
    for row in data.rows:
        by_section[row.section].append(row)
    if "enterprises" not in by_section:
        by_section["enterprises"] = []
    if rng.random() < 0.2:  # files of no section are left alone
        (folder / "README.txt").write_text("数据说明", encoding="utf-8")
        (folder / "shareholdings_old.csv").write_text("junk\n", encoding="utf-8")
    for section, rows in by_section.items():
        rng.shuffle(rows)
        present = {c for r in rows for c in r.cells} | IN_EVERY_FILE[section]
        columns = [c for c in HEADERS[section] if c in present]
        optional = [c for c in columns if c not in IN_EVERY_FILE[section]]
        for column in optional:  # a column no row of the file fills may be left out
            if all(column not in r.cells for r in rows) and rng.random() < 0.5:
                columns.remove(column)
        rng.shuffle(columns)
        headers = [rng.choice((column, *HEADERS[section][column])) for column in columns]
        unknown = rng.random() < 0.2
        if unknown:
            position = rng.randint(0, len(headers))
            headers.insert(position, rng.choice(["备注", "note_x"]))
            columns.insert(position, "")
        kind = rng.choice(["csv", "xlsx"])
        records: list[list[Any] | None] = []
        for row in rows:
            if rng.random() < 0.05:
                records.append(None)  # a blank line, counted but skipped
            cells: list[Any] = []
            for column in columns:
                value = row.cells.get(column) if column else Text(rng.choice(["", "旧系统"]))
                if value is None:
                    cells.append(None)
                else:
                    cells.append(render_cell(rng, value) if kind == "xlsx"
                                 else render_text(rng, value))
            if row.stray:
                cells.extend(row.stray)
            records.append(cells)
            row.number = len(records) + 1
        name = f"{section}.{kind.upper() if rng.random() < 0.1 else kind}"
        for row in rows:
            row.file = name
        if kind == "xlsx":
            write_xlsx(folder / name, [headers, *[r or [] for r in records]],
                       east_asian_ids=rng.random() < 0.5,
                       dimension="A1:B2" if rng.random() < 0.2 else None,
                       epoch_1904=rng.random() < 0.2, notes_sheet=rng.random() < 0.2)
        else:
            _write_csv(rng, folder / name, headers, records)


def _write_csv(rng: random.Random, path: Path, headers: list[str],
               records: list[list[Any] | None]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=rng.choice(["\r\n", "\n"]),
                        quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer.writerow(headers)
    for record in records:
        writer.writerow([] if record is None else ["" if c is None else c for c in record])
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030"])
    path.write_bytes(buffer.getvalue().encode(encoding))
