"""The compared form of contact details (docs/risk.md, Suspected links): each rule of
`normalise_contact` with a pair that must compare equal and one that must not."""

from __future__ import annotations

import pytest

from credgraph.graph.contacts import normalise_contact


@pytest.mark.parametrize(("kind", "one", "other"), [
    ("phone", "010-6123 4567", "+86 (10) 61234567"),
    ("phone", "010-61234567 转 801", "01061234567"),
    ("phone", "0086 138 0013 8000", "13800138000"),
    ("phone", "8613800138000", "138-0013-8000"),
    ("phone", "０１０－６１２３４５６７；13800138000", "010 61234567"),
    ("email", " Info@Example.COM ", "info@example.com"),
    ("email", "ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "info@example.com"),
    ("website", "HTTPS://WWW.Example.cn/", "example.cn"),
    ("website", "http://example.cn/shop", "www.example.cn/shop/"),
    ("address", "北京市海淀区中关村大街1号3幢1203号", "北京市海淀区中关村大街１号 ３栋 1203室"),
    ("address", "北京市海淀区中关村大街1号3号楼12层1203房", "北京市海淀区中关村大街1号3栋12楼1203室"),
    ("address", "上海市浦东新区张江路88号B座1203", "上海市浦东新区张江路88号B座1203号房"),
    ("address", "深圳市南山区科技园，深南大道9988号", "深圳市南山区科技园深南大道9988号"),
])
def test_same_value_written_two_ways_compares_equal(kind: str, one: str, other: str) -> None:
    assert normalise_contact(kind, one) == normalise_contact(kind, other) is not None


@pytest.mark.parametrize(("kind", "one", "other"), [
    ("phone", "010-61234567", "010-61234568"),
    ("phone", "13800138000", "+852 13800138000"),
    ("email", "info@example.com", "info@example.co"),
    ("website", "example.cn", "example.com.cn"),
    ("address", "北京市海淀区中关村大街1号3栋1203室", "北京市海淀区中关村大街1号3栋1204室"),
    ("address", "北京市海淀区中关村大街100号", "北京市海淀区中关村大街100室"),
    ("address", "北京市海淀区中关村大街1号", "北京市海淀区中关村大街11号"),
])
def test_near_misses_stay_apart(kind: str, one: str, other: str) -> None:
    assert normalise_contact(kind, one) != normalise_contact(kind, other)


def test_the_forms_stored() -> None:
    assert normalise_contact("phone", "+86 10 6123-4567") == "01061234567"
    assert normalise_contact("address", "中关村大街1号3幢1203号") == "中关村大街1号3栋1203室"
    assert normalise_contact("address", "中关村大街100号") == "中关村大街100号"
    assert normalise_contact("website", "https://www.example.cn/") == "example.cn"


@pytest.mark.parametrize(("kind", "text"), [
    ("phone", "无"), ("phone", "12345"), ("email", "none"), ("email", "a@b"),
    ("website", "无"), ("address", "   "), ("phone", ""),
])
def test_nothing_to_compare(kind: str, text: str) -> None:
    assert normalise_contact(kind, text) is None
