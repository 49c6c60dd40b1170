"""Rows of the persons section."""

from __future__ import annotations

import numpy as np

from credgraph.generate.identifiers import id_numbers, person_ids
from credgraph.generate.plan import World
from credgraph.generate.streams import Stream, stream
from credgraph.generate.words import NATIONALITIES
from credgraph.generate.writers.sink import Sink, pick

PERSON_BLOCK = 100_000
"""Persons per written block."""


def write_persons(w: World, sink: Sink) -> None:
    p = w.persons
    for number, lo in enumerate(range(0, w.m, PERSON_BLOCK)):
        idx = np.arange(lo, min(w.m, lo + PERSON_BLOCK), dtype=np.int64)
        check = stream(w.seed, Stream.PERSONS, number).integers(0, 10, len(idx))
        sink.write("persons", {
            "person_id": person_ids(idx),
            "name": list(w.person_names(idx).tolist()),
            "id_number": id_numbers(w.geo.div[p.unit[idx]], p.tail[idx], p.x_check[idx], check,
                                    p.nationality[idx]),
            "nationality": pick(NATIONALITIES, p.nationality[idx]),
        })
