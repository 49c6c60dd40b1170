"""Synthetic registry dataset generator: ``credgraph generate --enterprises N --seed S --out DIR``.

Writes a dataset folder in the format of docs/data-format.md (one UTF-8 CSV per
section) describing a plausible population of Chinese enterprises, the people behind
them and the public credit record around them, with hits of the appointment-restriction
rules (docs/restriction-rules.md) planted on purpose.

Design
------
* Deterministic: every draw comes from a named numpy stream seeded from the seed
  (streams.py), and Faker, seeded the same, only fills small word pools. The same seed
  and size give byte-identical files (tests/test_generate.py pins the digests).
* Streaming: a compact world plan (numpy arrays of one entry per enterprise or person)
  is built first; rows are then drawn and written per block of 25,000 enterprises, so
  memory stays flat whatever the size.
* Enterprise index order is the order of establishment, so a holding parent (always an
  earlier index) never postdates its subsidiary and holding chains are acyclic, except
  for the cross-holdings planted on purpose.

Layout
------
* Vocabulary pools: ``words`` (fixed texts: industries, company types, reasons ...),
  ``places`` (cities, districts, their bureaus and courts), ``pools`` (Faker name and
  address pools), ``values`` (record values, checked against the model's
  vocabulary.yaml).
* Identifiers: ``identifiers`` (USCCs with check characters, registration numbers,
  person ids, document and filing numbers).
* World plan: ``plan/`` (one module per phase, run in order by ``plan.world.build_world``).
* Writers: ``writers/`` (one module per section; ``writers.sink`` takes the columns from
  credgraph/loaders/sections.yaml).
* Helpers: ``days`` (dates as day numbers), ``arrays``, ``streams``.

Adding a planted pattern (e.g. data-quality contradictions; plan/dense.py is one)
------------------------------------------------------------------------------
1. Add a member to ``streams.Stream`` (a new number) for the pattern's draws, so adding
   it leaves every existing draw, and so every existing row, where it was.
2. Write ``plan/<pattern>.py``: a dataclass of arrays (sorted by enterprise where rows
   are written per block) and a function that takes the parts it reads and returns it.
   A pattern that changes existing facts (a legal representative, a status) mutates
   those parts in place, keeping their dtypes.
3. In ``plan/world.py``: call it in ``build_world`` after the phases it reads, pass the
   result to ``compact``, add it as a field of ``World``.
4. Have a writer turn it into rows: slice the block's entries with ``np.searchsorted``
   on the enterprise array, as writers/officers.py does with ``World.posts``.

Adding a section (e.g. annual reports, feed deltas)
---------------------------------------------------
1. The section and its columns must be in credgraph/loaders/sections.yaml (the sink
   writes exactly those columns and fails naming any it lacks or does not know); record
   values of vocabulary.yaml are taken through ``values.checked``.
2. Plan what it needs (as a pattern above), then write ``writers/<section>.py``: a
   function of a ``Block`` (enterprise rows) or of the ``World`` (other rows) that calls
   ``sink.write(section, {column: texts})``.
3. Call it from ``writers.write_block`` or ``writers.write_people``. It draws from a
   stream of its own (``stream(seed, Stream.NEW, block_number)``), not the block's, and
   numbers documents in series of its own (``RunningNumbers``), so that every other
   section keeps its bytes.

Feeds with planted contradictions
---------------------------------
After the registry's files (and their manifest.yaml, source SAMR-registration), ``OUT/feeds/``
holds three delta feeds of other departments, to be loaded after it in order
(``credgraph load OUT OUT/feeds/*``): they plant the contradictions the cross-checks find and
a few rows that break the data standard (plan/contradictions.py, writers/feeds.py, and
docs/cross-checks.md for the counts). They draw from Stream.FEEDS, so the registry's files
keep their bytes.

Any intended change of output changes the digests pinned in tests/test_generate.py:
re-pin them in the same commit, saying why.
"""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress

from credgraph.generate.bounds import MIN_ENTERPRISES
from credgraph.generate.days import AS_OF
from credgraph.generate.identifiers import RunningNumbers
from credgraph.generate.plan import build_world
from credgraph.generate.writers import BLOCK_SIZE, Block, Sink, write_block, write_people
from credgraph.generate.writers.feeds import write_feeds
from credgraph.loaders.manifest import MANIFEST

REGISTRY_SOURCE = "SAMR-registration"
"""The source the registry's own extract names in its manifest.yaml."""

__all__ = ["AS_OF", "MIN_ENTERPRISES", "generate"]


def generate(
    out_dir: Path, enterprises: int, seed: int, progress: bool | Progress = False,
    dense_groups: int = 0,
) -> dict[str, int]:
    """Write a synthetic dataset folder of ``enterprises`` enterprises.

    Returns the number of data rows written per section (file stem), and per feed folder
    (``feeds/NAME``). The same ``seed`` and size give byte-identical files. ``dense_groups``
    plants that many densely cross-held groups (plan/dense.py; none by default, which leaves
    the files as they were). ``progress`` may be ``True`` (a rich progress bar on the
    console) or a running ``rich.progress.Progress`` to add a task to.
    """
    if enterprises < MIN_ENTERPRISES:
        raise ValueError(f"enterprises must be at least {MIN_ENTERPRISES}")
    out_dir = Path(out_dir)
    own: Progress | None = None
    prog: Progress | None = None
    if isinstance(progress, Progress):
        prog = progress
    elif progress:
        own = prog = Progress()
        own.start()
    n_blocks = -(-enterprises // BLOCK_SIZE)
    task = prog.add_task("generating dataset", total=n_blocks + 2) if prog else None
    sink: Sink | None = None
    try:
        world = build_world(enterprises, seed, dense_groups)
        if prog is not None and task is not None:
            prog.advance(task)
        sink = Sink(out_dir)
        numbers = RunningNumbers()
        for number in range(n_blocks):
            write_block(Block(world, number, sink, numbers))
            if prog is not None and task is not None:
                prog.advance(task)
        write_people(world, sink)
        (out_dir / MANIFEST).write_text(f"source: {REGISTRY_SOURCE}\nkind: delta\n",
                                        encoding="utf-8")
        counts = dict(sink.counts)
        counts.update(write_feeds(world, out_dir))
        if prog is not None and task is not None:
            prog.advance(task)
        return counts
    finally:
        if sink is not None:
            sink.close()
        if own is not None:
            own.stop()
