"""A small dataset written by hand in the dataset layout (docs/data-format.md), with known good and bad rows.

It mixes header languages, encodings (a GB18030 file), formats (an .xlsx file)
and date styles, and plants one of each kind of bad row. EXPECTED_REJECTS and
EXPECTED_COUNTS are worked out by hand from the rows below, not by the loader.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from stdnum.cn import uscc


def make_uscc(body: str) -> str:
    """A valid USCC from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


E1 = "914403001922038216"
E2 = "9144030071526726XG"
E3 = "91330100716105852F"
E4 = "91110108551385082Q"
E5 = "440301000123456"  # a legacy registration number
E4_FULL_WIDTH = "９１１１０１０８５５１３８５０８２Ｑ"
BAD_CHECK = "91350211M00013FA1N"
MISSING = make_uscc("91440300MA5D00001")

ENTERPRISES = f"""\ufeff统一社会信用代码,注册号,企业名称,企业类型,登记状态,成立日期,注册资本,币种,登记机关,住所,备注
{E1},,深圳市甲科技有限公司,有限责任公司,存续,2001年5月3日,1000万元人民币,,深圳市市场监督管理局,深圳市南山区,x
{E2},,深圳市乙控股有限公司（集团）,有限责任公司,存续,2005/06/07,500,CNY,深圳市市场监督管理局,深圳市福田区,
{E3},,杭州丙贸易有限公司,有限责任公司,吊销,20100101,200,CNY,杭州市市场监督管理局,杭州市,
{E4_FULL_WIDTH},,北京丁咨询有限公司,有限责任公司,存续,2012-03-04,100,CNY,北京市海淀区市场监督管理局,北京市,
,{E5},老字号商店,个体工商户,存续,1990-01-01,10,CNY,深圳市工商局,深圳市罗湖区,
{BAD_CHECK},,厦门某某有限公司,有限责任公司,存续,2015-01-01,100,CNY,厦门市市场监督管理局,厦门市,
{make_uscc("91440300MA5D00002")},,深圳市日期有误有限公司,有限责任公司,存续,2021-02-30,100,CNY,,,
"""

PERSONS = """person_id,name,id_number,nationality
P1,张三,440301********1234,中国
P2,李四,440301********2345,中国
P3,王五,,中国
"""

SHAREHOLDINGS = f"""enterprise,holder,holder_type,holder_name,percent,subscribed_amount,start_date,end_date
{E1},{E2},enterprise,深圳市乙控股有限公司,60,,2015-01-01,
{E2},P1,自然人股东,张三,50%,,2015年1月1日,
{E3},P2,person,李四,150,,2016-01-01,
{E1},G1,other,深圳市人民政府国有资产监督管理委员会,40,,2015-01-01,
{E4},P3,person,王五,,25,2018-01-01,
{MISSING},P1,person,张三,10,,2018-01-01,
{E3},P1,person,张三,,,2016-01-01,
{E4},P4,person,赵六,10,,2019-01-01,
"""

OFFICERS = [
    ["企业统一社会信用代码", "人员编号", "姓名", "职务", "任职日期", "离任日期"],
    [E1, "P1", "张三", "法定代表人", "2015-01-01", None],
    [E1, "P1", "张三", "董事长兼总经理", "2015-01-01", None],
    [E2, "P2", "李四", "监事", "2016-01-01", "2020-12-31"],
    [E3, "P3", "王五", "首席吹哨人", "2016-01-01", None],
    [E4, "P2", "李四", "director", "2020-01-01", "2019-01-01"],
]

LIST_ENTRIES = f"""subject,subject_type,list,reason,authority,listed_on,removed_on,removal_reason,doc_no
{E3},enterprise,serious_illegal,隐瞒真实情况,杭州市市场监督管理局,2021-06-01,,,
P2,person,失信被执行人,,某人民法院,2022/01/01,2023-01-01,履行完毕,
P3,person,blacklist_x,,,2022-01-01,,,
{MISSING},enterprise,abnormal_operations,,,2022-01-01,,,
"""

EQUITY_PLEDGES = f"""reg_no,enterprise,pledgor,pledgor_type,pledgor_name,pledgee,pledgee_type,pledgee_name,amount,registered_on,status,cancelled_on
GQ001,{E1},{E2},enterprise,深圳市乙控股有限公司,P3,person,王五,600,2019-01-01,有效,
"""

CHATTEL_MORTGAGES = f"""reg_no,mortgagor,mortgagor_type,mortgagor_name,mortgagee,mortgagee_type,mortgagee_name,secured_amount,registered_on,authority,status,cancelled_on,collateral
DY001,{E3},enterprise,杭州丙贸易有限公司,{E2},enterprise,深圳市乙控股有限公司,300万元,2020-01-01,杭州市市场监督管理局,有效,,生产设备
"""

PENALTIES = f"""enterprise,doc_no,violation_type,content,authority,decided_on
{E1},深市监罚〔2020〕1号,虚假宣传,罚款10万元,深圳市市场监督管理局,2020-05-05
{E1},深市监罚〔2020〕2号,虚假宣传,罚款5万元,深圳市市场监督管理局,2020-13-01
"""

EVENTS = f"""enterprise,event,date,reason,authority,liable_persons
{E3},licence_revoked,2022-01-01,连续六个月未开业,杭州市市场监督管理局,P3
"""

EXPECTED_REJECTS = {
    ("enterprises.csv", 7): {"uscc"},
    ("enterprises.csv", 8): {"established"},
    ("shareholdings.csv", 4): {"percent"},
    ("shareholdings.csv", 7): {"enterprise"},
    ("officers.xlsx", 5): {"role"},
    ("officers.xlsx", 6): {"end_date"},
    ("list_entries.csv", 4): {"list"},
    ("list_entries.csv", 5): {"subject"},
    ("penalties.csv", 3): {"decided_on"},
}
"""(file, row) of each bad row and the column(s) it is refused for; the header is row 1."""

EXPECTED_COUNTS = {
    "nodes": {"Enterprise": 5, "Person": 4, "OtherHolder": 1, "ListEntry": 2, "Penalty": 1,
              "Event": 1, "EnterpriseRecord": 5, "PersonRecord": 4, "HolderRecord": 1},
    "edges": {"SHAREHOLDER": 6, "OFFICER": 3, "LEGAL_REPRESENTATIVE": 1, "EQUITY_PLEDGE": 3,
              "CHATTEL_MORTGAGE": 1, "LISTED": 2, "PENALISED": 1, "HAS_EVENT": 1},
}


EXTRACTED_AT = "2026-01-05T09:00:00+08:00"
RECORDED_AT = "2026-01-05T01:00:00Z"
"""The hand-made extract's manifest time, and the recorded time every fact of it gets."""


def write_handmade(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.yaml").write_text(
        f"source: SAMR-registration\nextracted_at: {EXTRACTED_AT}\nkind: delta\n",
        encoding="utf-8")
    (folder / "enterprises.csv").write_text(ENTERPRISES, encoding="utf-8")
    (folder / "persons.csv").write_bytes(PERSONS.encode("gb18030"))
    (folder / "shareholdings.csv").write_text(SHAREHOLDINGS, encoding="utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in OFFICERS:
        sheet.append(row)
    workbook.save(folder / "officers.xlsx")
    (folder / "list_entries.csv").write_text(LIST_ENTRIES, encoding="utf-8")
    (folder / "equity_pledges.csv").write_text(EQUITY_PLEDGES, encoding="utf-8")
    (folder / "chattel_mortgages.csv").write_text(CHATTEL_MORTGAGES, encoding="utf-8")
    (folder / "penalties.csv").write_text(PENALTIES, encoding="utf-8")
    (folder / "enterprise_events.csv").write_text(EVENTS, encoding="utf-8")
    return folder


EXPECTED_SECTIONS = {
    "enterprises": ("enterprises.csv", 7, 5, 2, 1),  # warned: the unknown column 备注
    "persons": ("persons.csv", 3, 3, 0, 0),
    "shareholdings": ("shareholdings.csv", 8, 6, 2, 1),  # warned: 赵六 (P4) made from row 9
    "officers": ("officers.xlsx", 5, 3, 2, 0),
    "list_entries": ("list_entries.csv", 4, 2, 2, 0),
    "equity_pledges": ("equity_pledges.csv", 1, 1, 0, 0),
    "chattel_mortgages": ("chattel_mortgages.csv", 1, 1, 0, 0),
    "penalties": ("penalties.csv", 2, 1, 1, 0),
    "enterprise_events": ("enterprise_events.csv", 1, 1, 0, 0),
}
"""Per section: file, data rows, rows loaded, rows refused, warnings - counted by hand from the
rows above (EXPECTED_REJECTS are the refused ones)."""

EXPECTED_CONFORMANCE = 23 / 32
"""Rows loaded over rows given, the whole dataset: 32 data rows, 9 refused."""

EXPECTED_FILLED = {("enterprises", "uscc"): 6, ("enterprises", "reg_no"): 1,
                   ("enterprises", "currency"): 6, ("enterprises", "address"): 6,
                   ("shareholdings", "percent"): 6, ("shareholdings", "subscribed_amount"): 1,
                   ("officers", "end_date"): 2}
"""Cells with a value, counted by hand (the old shop has a registration number only, 甲科技 no
currency, 日期有误 no address; two holdings give no percent)."""
