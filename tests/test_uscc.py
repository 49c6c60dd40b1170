"""USCCs by GB 32100-2015: real codes of every registration authority and entity type load,
refusals name the part that failed, codes the published tables do not know load with a note.

Every code below was published by or for the organisation it names (the comment says
where it was found); each is checked against python-stdnum's check-character routine,
an implementation independent of credgraph's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum.cn import uscc as stdnum_uscc

from credgraph.graph.ids import enterprise_key, uscc_notes
from credgraph.graph.store import GraphStore
from credgraph.loaders.load import load_dataset
from credgraph.loaders.report import read_findings
from tests.handmade import make_uscc

REAL_CODES = {
    # 91 enterprise: 华为技术有限公司 (bluesky335/IDCheck USCI/USCI_test.go; docs/data-format.md)
    "914403001922038216": "91",
    # 91 enterprise: 北京全聚德 (CSDN article 130267762, "测试全聚德信用码")
    "91110000101623741K": "91",
    # 92 individual business: jaywcjlove/regexp-example issue #23, looked up by the reporter
    # on cods.org.cn (全国组织机构统一社会信用代码数据服务中心)
    "92141127MA0KD1Y64A": "92",
    # 92 individual business: python-stdnum tests/test_cn_uscc.doctest ("found online")
    "92340602MA2PBMEM24": "92",
    # 12 public institution: 北京理工大学 (invoice buyer tax id in a reimbursement tool)
    "12100000400009127B": "12",
    # 12 public institution: Foshan, xbeginagain/generator issue #2 (a code a validator refused)
    "12440600MB2C07549J": "12",
    # 51 social organisation: 中国复合材料工业协会 (top unit of an O2OA deployment script)
    "51100000500009247D": "51",
    # 51 social organisation: 中国医疗保健国际交流促进会 (invoice title and tax number)
    "51100000500012681T": "51",
    # 52 private non-enterprise unit: the example of a data-masking library's USCC pattern
    "52100000500000784G": "52",
    # 53 foundation: 北京理工大学教育基金会 (invoice buyer tax id)
    "53100000500021676K": "53",
    # 53 foundation: a national foundation registered with 民政部 (its published profile)
    "53100000500019795A": "53",
    # N2 village collective: 杭州某村股份经济合作社, the code of the fuzzing report (issue 17)
    "N2330106MACA0FN64J": "N2",
}
"""Published codes by authority and entity type. No published 93 (farmer cooperative) or
Y1 (other authority) code could be found in the material searched; those two kinds are
covered with codes built by python-stdnum's check routine below."""

BUILT_CODES = {
    make_uscc("93330106MA2H00001"): "93",  # farmer cooperative, Hangzhou
    make_uscc("Y1110000MA0000001"): "Y1",  # other authority, Beijing
}
"""Codes of kinds with no published example, completed by an independent check routine."""


@pytest.mark.parametrize("code", [*REAL_CODES, *BUILT_CODES])
def test_codes_of_every_kind_are_valid(code: str) -> None:
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17], "the source's code is wrong"
    assert enterprise_key(code) == code
    assert enterprise_key(code.lower()) == code
    assert uscc_notes(code) == [], "every kind listed is in GB 32100-2015 Table 1"


def test_every_kind_of_the_issue_is_covered() -> None:
    kinds = set(REAL_CODES.values()) | set(BUILT_CODES.values())
    assert kinds >= {"91", "92", "93", "12", "51", "52", "53", "N2", "Y1"}


@pytest.mark.parametrize(("code", "part"), [
    ("91350211M00013FA1N", "check character N does not verify (GB 32100-2015 gives "
                           f"{stdnum_uscc.calc_check_digit('91350211M00013FA1')})"),
    ("N2330106MACA0FN64K", "check character K does not verify (GB 32100-2015 gives J)"),
    ("9144030019220382IO", "character(s) IO are not in the USCC alphabet"),
    ("S1330106MACA0FN64J", "character(s) S are not in the USCC alphabet"),
    ("91440300192203821", "not an 18-character USCC nor a 15-digit registration number"),
])
def test_refusals_name_the_part_that_failed(code: str, part: str) -> None:
    with pytest.raises(ValueError) as refused:
        enterprise_key(code)
    assert part in str(refused.value)


def test_unknown_authority_type_or_division_is_a_note_not_a_refusal() -> None:
    unknown_type = make_uscc("94440300MA0000001")
    unknown_authority = make_uscc("B1440300MA0000001")
    lettered_division = make_uscc("9144A300MA0000001")
    for code in (unknown_type, unknown_authority, lettered_division):
        assert enterprise_key(code) == code
    assert uscc_notes(unknown_type) == [
        "entity type code 4 is not listed for authority 9 (工商)"]
    assert uscc_notes(unknown_authority) == [
        "registration authority code B is not in GB 32100-2015 Table 1"]
    assert uscc_notes(lettered_division) == ["administrative division 44A300 is not six digits"]


VILLAGE = "N2330106MACA0FN64J"


def test_letter_prefixed_enterprise_and_its_references_load(
    store: GraphStore, tmp_path: Path
) -> None:
    """Issue 17 point 1: the village collective and every row naming it were refused."""
    folder = tmp_path / "village"
    folder.mkdir()
    company = "914403001922038216"
    (folder / "enterprises.csv").write_text(
        "uscc,name,registered_capital\n"
        f"{VILLAGE},杭州某村股份经济合作社,500\n"
        f"{company},华为技术有限公司,100\n", encoding="utf-8")
    (folder / "shareholdings.csv").write_text(
        "enterprise,holder,holder_type,holder_name,percent\n"
        f"{company},{VILLAGE},enterprise,杭州某村股份经济合作社,5\n", encoding="utf-8")
    (folder / "officers.csv").write_text(
        f"enterprise,person_id,name,role\n{VILLAGE},P1,张三,法定代表人\n", encoding="utf-8")
    (folder / "list_entries.csv").write_text(
        "subject,subject_type,list,listed_on\n"
        f"{VILLAGE.lower()},enterprise,经营异常名录,2023-01-01\n", encoding="utf-8")
    report = load_dataset(folder, store, rejects_path=tmp_path / "rejects.csv")
    assert read_findings(tmp_path / "rejects.csv") == []
    assert report.rejected == 0
    node = store.get_node(VILLAGE)
    assert node is not None and node["name"] == "杭州某村股份经济合作社"
    assert store.get_edge("SHAREHOLDER", f"{company}|{VILLAGE}|") is not None
    assert store.get_edge("LEGAL_REPRESENTATIVE", f"{VILLAGE}|P1|legal_representative|")
    assert store.get_node(f"{VILLAGE}|abnormal_operations|2023-01-01") is not None


def test_unknown_code_parts_are_warnings_naming_file_row_column(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    unknown_type = make_uscc("94440300MA0000001")
    (folder / "enterprises.csv").write_text(
        f"uscc,name\n{VILLAGE},杭州某村股份经济合作社\n{unknown_type},某某单位\n",
        encoding="utf-8")
    report = load_dataset(folder, store, rejects_path=tmp_path / "rejects.csv")
    assert report.rejected == 0
    assert store.get_node(unknown_type) is not None
    warnings = [(w.file, w.row, w.column, w.value, w.reason)
                for w in read_findings(report.warnings_path)]
    assert warnings == [("enterprises.csv", 3, "uscc", unknown_type,
                         "USCC loaded; entity type code 4 is not listed for authority 9 (工商)")]
