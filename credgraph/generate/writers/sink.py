"""The dataset files: one UTF-8 CSV per section, columns as credgraph/loaders/sections.yaml
declares them (docs/data-format.md), and the text forms of values."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import IO

import numpy as np

from credgraph.exc import ConfigurationError
from credgraph.generate.arrays import Arr
from credgraph.loaders.spec import load_sections, own_columns


class Sink:
    """Writes rows of every snapshot section of sections.yaml (feed-only sections and the
    common feed columns left out), each column named: a column renamed, added or removed there
    stops the generator with the section and column named."""

    def __init__(self, out_dir: Path, sections: Collection[str] | None = None) -> None:
        """Files for every snapshot section, or for the `sections` named (a feed's)."""
        self.columns = {name: own_columns(spec) for name, spec in load_sections().items()
                        if not spec.feed and (sections is None or name in sections)}
        out_dir.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = dict.fromkeys(self.columns, 0)
        for section, columns in self.columns.items():
            fh = (out_dir / f"{section}.csv").open("w", encoding="utf-8", newline="")
            fh.write(",".join(columns) + "\n")
            self.files[section] = fh

    def write(self, section: str, rows: Mapping[str, Sequence[str]]) -> None:
        """Rows given column by column: every column of the section, texts without commas,
        quotes or newlines (the word pools and codes are made so)."""
        columns = self.columns.get(section)
        if columns is None:
            raise ConfigurationError(f"sections.yaml has no section {section!r}")
        if set(rows) != set(columns):
            missing = [c for c in columns if c not in rows]
            unknown = [c for c in rows if c not in columns]
            problems = ([f"does not write column(s) {', '.join(missing)} of sections.yaml"]
                        if missing else [])
            if unknown:
                problems.append(f"writes column(s) {', '.join(unknown)} unknown to sections.yaml")
            raise ConfigurationError(f"{section}: the generator " + " and ".join(problems))
        n = len(rows[columns[0]])
        if n == 0:
            return
        self.files[section].write(
            "\n".join(map(",".join, zip(*(rows[c] for c in columns), strict=True))) + "\n"
        )
        self.counts[section] += n

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def const(value: str, n: int) -> list[str]:
    return [value] * n


def pick(values: Sequence[str], idx: Arr) -> list[str]:
    """values[i] for each code i."""
    return [values[i] for i in np.asarray(idx, dtype=np.int64).tolist()]


def hundredths(values: Arr) -> list[str]:
    """Integer hundredths as decimal text: 1234 → '12.34', 10000 → '100', -1 → ''."""
    out: list[str] = []
    for v in np.asarray(values, dtype=np.int64).tolist():
        if v < 0:
            out.append("")
        elif v % 100 == 0:
            out.append(str(v // 100))
        else:
            out.append(f"{v // 100}.{v % 100:02d}")
    return out
