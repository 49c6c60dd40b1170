"""Settings of a long-running process that answers questions (the API server, a benchmark)."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Leave what start-up built (modules, the app, an embedded store's graph) out of the
    garbage collector's full passes from now on.

    A full pass walks every tracked object, and CPython starts one whenever the objects that
    survived the younger passes grow by a quarter of the old ones: a large answer (an
    ownership chain through a densely cross-held group holds tens of thousands of objects
    until it is returned) set one off every call or two, about 100 ms each for the 140,000
    objects of a bare analyses process on a loaded 2-core machine, more with an app or an
    embedded store. Frozen objects are never freed, so this is done once, when start-up is
    over (after a collection, so that its garbage is not kept).
    """
    gc.collect()
    gc.freeze()
