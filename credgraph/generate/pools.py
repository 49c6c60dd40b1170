"""Word pools drawn once per seed: surnames, given names, streets, buildings, brand characters.

Faker (zh_CN), seeded with the seed, fills the name and address pools; numpy's BRANDS
stream orders the brand characters. Rows then pick from the pools by index, so the
cost of Faker does not grow with the size of the dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

from credgraph.generate.arrays import Arr, obj_array
from credgraph.generate.streams import Stream, stream
from credgraph.generate.words import BRAND_CHARS

_BUILDING_KINDS = ("大厦", "科技园", "广场", "中心", "商务楼")


@dataclass(frozen=True)
class Pools:
    surnames: Arr
    given: Arr
    streets: Arr
    buildings: Arr
    brand: Arr
    """The distinct characters of BRAND_CHARS in a seeded order."""


def _clean(items: Sequence[str]) -> list[str]:
    """Texts safe in an unquoted CSV field: no comma (full-width instead), quote or newline."""
    bad = str.maketrans({",": "，", '"': "", "\n": "", "\r": ""})
    return [s.translate(bad).strip() for s in items]


def make_pools(seed: int) -> Pools:
    fk = Faker("zh_CN")
    fk.seed_instance(seed)
    surnames = _clean([fk.last_name() for _ in range(5000)])
    given = _clean(
        [
            fk.first_name() if k % 2 == 0 else fk.first_name()[0] + fk.first_name()[-1]
            for k in range(5000)
        ]
    )
    streets = _clean([fk.street_name() for _ in range(2000)])
    chars = list(dict.fromkeys(BRAND_CHARS))
    order = stream(seed, Stream.BRANDS).permutation(len(chars))
    brand = [chars[k] for k in order]
    buildings = _clean(
        [fk.company_prefix()[:2] + _BUILDING_KINDS[k % 5] for k in range(500)]
    )
    return Pools(obj_array(surnames), obj_array(given), obj_array(streets),
                 obj_array(buildings), obj_array(brand))
