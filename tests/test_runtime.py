"""freeze_startup_objects: what is alive is frozen, the garbage of start-up is not kept."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, weakref
from credgraph.runtime import freeze_startup_objects

class Node:
    pass

kept = [Node() for _ in range(50_000)]
cycle = Node(); cycle.me = cycle  # garbage only a collection frees
gone = weakref.ref(cycle)
del cycle
gc.disable()  # no automatic pass may free it before the function does
before = gc.get_freeze_count()
freeze_startup_objects()
print(gc.get_freeze_count() - before >= len(kept), gone() is None)
"""


def test_freezes_the_living_and_frees_the_garbage() -> None:
    # A process of its own: frozen objects stay for the rest of the process.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True"]
