"""The formats credgraph exchanges, by name: what the CLI and the API export and import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from credgraph.exc import DatasetError
from credgraph.interop.bods import BO_THRESHOLD, export_bods
from credgraph.interop.bods_import import read_bods
from credgraph.interop.ftm import export_ftm
from credgraph.interop.ftm_import import read_ftm
from credgraph.interop.gexf import export_gexf
from credgraph.interop.graphml import export_graphml
from credgraph.interop.rows import json_records
from credgraph.interop.scope import Reader, Scope
from credgraph.loaders.rows import Rows
from credgraph.queries.analyses import Analyses


@dataclass(frozen=True)
class Options:
    """What some formats take besides the scope."""

    threshold: float = BO_THRESHOLD
    """BODS: the share from which a person is a beneficial owner."""
    published: str | None = None
    """BODS, GEXF: the publication date (default today)."""
    lines: bool = False
    """BODS: JSON lines instead of one JSON array."""


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    write: Callable[[Reader, Options], Iterator[bytes]]


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("bods", "application/json", ".bods.json",
           lambda r, o: export_bods(r, o.lines, o.threshold, o.published)),
    Format("ftm", "application/x-ndjson", ".ftm.json", lambda r, o: export_ftm(r)),
    Format("graphml", "application/graphml+xml", ".graphml", lambda r, o: export_graphml(r)),
    Format("gexf", "application/gexf+xml", ".gexf", lambda r, o: export_gexf(r, o.published)),
)}


def export_pieces(name: str, analyses: Analyses, scope: Scope,
                  options: Options = Options()) -> Iterator[bytes]:
    """The export in pieces; the scope is checked (root, hops …) before the first piece."""
    return FORMATS[name].write(Reader(analyses, scope), options)


def export_to(name: str, analyses: Analyses, scope: Scope, out: Path, **options: Any) -> int:
    """Write an export to a file (BODS as JSON lines when it ends in .jsonl); bytes written."""
    chosen = Options(lines=out.suffix.lower() == ".jsonl", **options)
    pieces = export_pieces(name, analyses, scope, chosen)
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        for piece in pieces:
            fh.write(piece)
            written += len(piece)
    return written


DETECT_RECORDS = 100
"""Records read to tell a BODS file from an FtM one (malformed ones are skipped)."""


def detect(path: Path) -> str | None:
    """`bods` or `ftm` from a file's first recognisable record, None for a folder or another
    kind of file."""
    if not path.is_file() or path.suffix.lower() not in (".json", ".jsonl", ".ndjson"):
        return None
    for _, record in islice(json_records(path), DETECT_RECORDS):
        if isinstance(record, dict) and ("recordType" in record or "statementType" in record):
            return "bods"
        if isinstance(record, dict) and "schema" in record and "properties" in record:
            return "ftm"
    raise DatasetError(path.name, "neither BODS statements nor FollowTheMoney entities")


IMPORTS: dict[str, Callable[[Path], Rows]] = {"bods": read_bods, "ftm": read_ftm}


def import_rows(path: Path) -> Rows:
    """The rows of a BODS or FtM file (detected from its content)."""
    kind = detect(path)
    if kind is None:
        raise DatasetError(path.name, "not a .json, .jsonl or .ndjson file")
    return IMPORTS[kind](path)
