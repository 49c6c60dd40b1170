"""The standards' own validators, run offline: libcovebods (Open Ownership) and followthemoney.

libcovebods checks entity identifier schemes against the org-id.guide register, which it
downloads; with no internet here it reads the register's list codes from a fixture taken
from the register itself (tests/fixtures/org-id/list-codes.json, ODbL).

One of libcovebods' statistics (ownership statements by kind of interested party) keeps the
entity and person record ids in lists and looks every interested party up in them: a
quadratic pass that would take days over a 100,000-enterprise register. It runs here with
those ids in sets, the same lookups and the same counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from libcovebods import config as bods_config
from libcovebods import data_reader, jsonschemavalidate, run_tasks, schema
from libcovebods.tasks.checks import legacy_checks, record_based_checks
from libcovebods.tasks.statistics import record_based_statistics

ORG_ID_CODES = Path(__file__).parent / "fixtures" / "org-id" / "list-codes.json"


_Counts = record_based_statistics.StatisticsCountOwnershipOrControlRecordStatements


class _IdSet(set[Any]):
    """Record ids looked up as libcovebods' list did: an unhashable value (an unspecified
    interested party is an object) is compared one by one."""

    def __contains__(self, item: object) -> bool:
        try:
            return super().__contains__(item)
        except TypeError:
            return any(item == known for known in self)


class _CountsWithIdSets(_Counts):  # type: ignore[misc]
    """libcovebods' count, its record ids in sets once the first pass has gathered them."""

    def check_ownership_or_control_statement_second_pass(self, statement: Any) -> None:
        if not isinstance(self.entity_record_ids, _IdSet):
            self.entity_record_ids = _IdSet(self.entity_record_ids)
            self.person_record_ids = _IdSet(self.person_record_ids)
        super().check_ownership_or_control_statement_second_pass(statement)


TASK_CLASSES = [_CountsWithIdSets if task is _Counts else task
                for task in run_tasks.TASK_CLASSES]
"""libcovebods' own tasks, in its order, with the count above in place of its own."""


@contextmanager
def org_id_codes_offline() -> Iterator[None]:
    codes = json.loads(ORG_ID_CODES.read_text(encoding="utf-8"))["codes"]
    saved = (record_based_checks.get_orgids_prefixes, legacy_checks.get_orgids_prefixes)
    record_based_checks.get_orgids_prefixes = legacy_checks.get_orgids_prefixes = lambda: codes
    try:
        yield
    finally:
        record_based_checks.get_orgids_prefixes, legacy_checks.get_orgids_prefixes = saved


@dataclass
class BodsReport:
    schema_version: str
    schema_errors: list[dict[str, Any]]
    """JSON Schema validation errors."""
    checks: list[dict[str, Any]]
    """libcovebods' additional checks that found something (errors and warnings alike)."""
    statistics: dict[str, Any]


def validate_bods(path: Path) -> BodsReport:
    """libcovebods' full review of a BODS JSON file, as its command line runs it."""
    reader = data_reader.DataReader(str(path))
    config = bods_config.LibCoveBODSConfig()
    bods_schema = schema.SchemaBODS(reader, config)
    errors = jsonschemavalidate.JSONSchemaValidator(bods_schema).validate(reader)
    with org_id_codes_offline():
        output = run_tasks.process_additional_checks(reader, config, bods_schema, TASK_CLASSES)
    return BodsReport(bods_schema.schema_version, [e.json() for e in errors],
                      output["additional_checks"], output["statistics"])


def validate_ftm(path: Path) -> list[str]:
    """Every problem followthemoney's model finds in a JSON-lines file of entities.

    Per entity: the schema exists (`get_proxy`), every value is valid for its property's
    type (`Schema.validate` on the values as written), the required properties are there,
    and cleaning changes no value (nothing dropped or rewritten); across the file, every
    entity a property names is in it.
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData
    from followthemoney.types import registry

    problems: list[str] = []
    ids: set[str] = set()
    named: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        data = json.loads(line)
        try:
            proxy = model.get_proxy(data, cleaned=False)
            proxy.schema.validate(data)
        except InvalidData as e:
            problems.append(f"line {number}: {e} {e.errors}")
            continue
        ids.add(proxy.id or "")
        missing = [p for p in proxy.schema.required if not proxy.get(p)]
        if missing:
            problems.append(f"line {number}: {proxy.schema.name} lacks {missing}")
        cleaned = {p: set(v) for p, v in proxy.to_dict()["properties"].items()}
        written = {p: set(v) for p, v in data["properties"].items()}
        if cleaned != written:
            problems.append(f"line {number}: cleaning changes {written} into {cleaned}")
        for prop in proxy.iterprops():
            if prop.type == registry.entity:
                named.extend((number, ref) for ref in proxy.get(prop))
    problems.extend(f"line {n}: names {ref}, which is not in the file"
                    for n, ref in named if ref not in ids)
    return problems
