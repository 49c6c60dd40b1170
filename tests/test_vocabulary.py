"""One vocabulary for every layer: a word added to vocabulary.yaml reaches the loader, the rule
table's checks and the GraphQL schema; a malformed table names its file and key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from credgraph.exc import ConfigurationError
from credgraph.graph.model import build_model
from credgraph.graph.vocabulary import load_vocabulary, parse_vocabulary, vocabulary_file
from credgraph.loaders.normalize import parse_event, parse_list_type, parse_roles
from credgraph.loaders.spec import parse_sections

PACKAGE = Path(__file__).resolve().parent.parent / "credgraph"

PROBE = """
from credgraph.api.sdl import sdl
from credgraph.loaders.normalize import parse_roles
print(parse_roles("清算组成员兼董事"))
print(sdl())
"""


def test_a_role_added_to_the_vocabulary_reaches_the_loader_and_the_schema(
        tmp_path: Path) -> None:
    copy = tmp_path / "credgraph"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    vocabulary = copy / "graph" / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    anchor = "  partner: {zh: 执行事务合伙人"
    assert anchor in text
    vocabulary.write_text(text.replace(anchor, "  liquidator: {zh: 清算组成员, en: liquidator, "
                                               "spellings: [清算组成员]}\n" + anchor),
                          encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True,
                            text=True, check=False, env={"PYTHONPATH": str(tmp_path),
                                                         "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    roles, sdl = result.stdout.split("\n", 1)
    assert roles == "['liquidator', 'director']"
    enum = sdl[sdl.index("enum Role {"):]
    enum = enum[:enum.index("}")]
    assert "  LIQUIDATOR\n" in enum and "  PARTNER\n" in enum
    assert "LIQUIDATOR" not in (PACKAGE / "api" / "schema.graphql").read_text(encoding="utf-8")


def test_spellings_map_to_values() -> None:
    assert parse_roles("董事长兼总经理") == ["chair", "manager"]
    assert parse_list_type("严重违法失信企业名单") == "serious_illegal"
    assert parse_event("吊销") == "licence_revoked"
    with pytest.raises(ValueError, match="unknown role"):
        parse_roles("清算组成员")
    vocabulary = load_vocabulary()
    assert vocabulary.triggers[:2] == ("abnormal_operations", "serious_illegal")
    assert {"manager", "cfo"} <= vocabulary.senior_managers


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  chair: {zh: 董事长", "  Chair: {zh: 董事长", "roles: .*lower_snake_case"),
    ("spellings: [董事长]}", "spellings: [董事长], colour: red}", r"roles\.chair\.colour"),
    ("spellings: [监事, 监事会主席", "spellings: [董事, 监事会主席", "roles: .董事. spells both"),
    ("  legal_representative: {zh", "  legal_rep: {zh", "roles: legal_representative must"),
])
def test_a_malformed_vocabulary_names_file_and_key(old: str, new: str, message: str) -> None:
    text = vocabulary_file().read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ConfigurationError, match=f"vocabulary.yaml: {message}"):
        parse_vocabulary(text.replace(old, new, 1), "vocabulary.yaml")


def test_a_malformed_section_table_names_file_and_key() -> None:
    text = (PACKAGE / "loaders" / "sections.yaml").read_text(encoding="utf-8")
    broken = text.replace("type: roles}", "type: posts}", 1)
    with pytest.raises(ConfigurationError, match=r"sections.yaml: officers\.columns\.role"):
        parse_sections(broken, "sections.yaml")
    dangling = text.replace("after: start_date}", "after: begin}", 1)
    with pytest.raises(ConfigurationError, match="refers to unknown column 'begin'"):
        parse_sections(dangling, "sections.yaml")


def test_a_malformed_model_names_file_and_key() -> None:
    folder = PACKAGE / "graph" / "schema"
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yaml")}
    build_model(files)
    broken = dict(files)
    broken["OFFICER.yaml"] = files["OFFICER.yaml"].replace("link: true", "link: sometimes")
    with pytest.raises(ConfigurationError, match=r"graph schema OFFICER.yaml: link"):
        build_model(broken)
