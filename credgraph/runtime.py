"""How long-running processes (the API server, a load, a benchmark) keep what they hold out
of the garbage collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial


def freeze_survivors(generation: int = 2) -> None:
    """Collect the generations up to `generation`, then leave every object that survived out
    of the collector's later passes (frozen objects are never scanned, and are freed as usual
    when nothing refers to them any more).

    A full pass walks every tracked object, and CPython starts one whenever the objects that
    survived the younger passes grow by a quarter of the old ones: a process that keeps much
    for long pays for scanning it again and again."""
    gc.collect(generation)
    gc.freeze()


def freeze_startup_objects() -> None:
    """Leave what start-up built (modules, the app, an embedded store's graph) out of the
    garbage collector's full passes from now on.

    A large answer (an ownership chain through a densely cross-held group holds tens of
    thousands of objects until it is returned) set a full pass off every call or two, about
    100 ms each for the 140,000 objects of a bare analyses process on a loaded 2-core
    machine, more with an app or an embedded store. Done once, when start-up is over, after a
    full collection, so that its garbage is not kept."""
    freeze_survivors()


@contextmanager
def collector_settled() -> Iterator[Callable[[], None]]:
    """A load keeps what it has read (heads, identities, a chunk in flight) for long: full
    collections came every few chunks and went through everything kept so far, a cost
    growing with the square of the rows (a third of a bulk load's CPU at 30,000
    enterprises). Within this context the objects that lived through a chunk are frozen
    after the young generations are collected; at the end they are handed back to the
    collector.

    Yields the call to make after each chunk. A process that froze objects itself (a
    server that loads) keeps them frozen."""
    settle = partial(freeze_survivors, 1)
    ours = gc.get_freeze_count() == 0
    settle()
    try:
        yield settle
    finally:
        if ours:
            gc.unfreeze()
