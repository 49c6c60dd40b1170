"""Enterprise names and the identities of state holders.

A name is city + brand + industry word + company form (the city may follow the brand).
Brand and industry come from a bijection of the enterprise index, so names are unique
without a lookup table, and an enterprise's industry (its business scope) follows from
its index alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr, obj_array, perm
from credgraph.generate.identifiers import usccs
from credgraph.generate.places import CITIES
from credgraph.generate.pools import Pools
from credgraph.generate.words import INDUSTRIES, SCOPE_TAIL

INDUSTRY_WORDS = obj_array([word for word, _ in INDUSTRIES])
INDUSTRY_SCOPES = obj_array([scope + SCOPE_TAIL for _, scope in INDUSTRIES])


@dataclass(frozen=True)
class Naming:
    brand_chars: Arr
    brand_len: int
    """Brand characters per name: 2, or 3 when 2 would not give every enterprise its own."""
    core_mod: int
    core_mul: int
    state_name: Arr
    """Per city, its state asset commission (a state holder)."""
    state_id: list[str]
    """Per city, the commission's USCC."""

    @classmethod
    def build(cls, n: int, pools: Pools) -> Naming:
        nbrand = len(pools.brand)
        nind = len(INDUSTRIES)
        brand_len = 2 if n <= nbrand**2 * nind else 3
        core_mod = nbrand**brand_len * nind
        mul = 1_000_003
        while math.gcd(mul, core_mod) != 1:
            mul += 2
        return cls(
            brand_chars=pools.brand,
            brand_len=brand_len,
            core_mod=core_mod,
            core_mul=mul,
            state_name=obj_array([f"{c[0]}人民政府国有资产监督管理委员会" for c in CITIES]),
            state_id=usccs(
                "11",
                np.array([int(c[3]) for c in CITIES]),
                n + np.arange(len(CITIES)),
                np.zeros(len(CITIES), dtype=bool),
            ),
        )

    def industry(self, idx: Arr) -> Arr:
        """Index in INDUSTRIES of enterprises idx."""
        core = perm(idx, self.core_mod, self.core_mul, 7)
        return np.asarray(core % len(INDUSTRIES), dtype=np.int64)

    def brand(self, idx: Arr) -> Arr:
        """The brand (字号) of enterprises idx."""
        nbrand = len(self.brand_chars)
        b = perm(idx, self.core_mod, self.core_mul, 7) // len(INDUSTRIES)
        brand: Arr = self.brand_chars[b % nbrand]
        for _ in range(self.brand_len - 1):
            b = b // nbrand
            brand = brand + self.brand_chars[b % nbrand]
        return brand
