"""The world plan: which enterprises, persons, holdings, posts, listings and events exist.

Each module is one phase: a dataclass of numpy arrays and the function that draws it
from the phases before it. `build_world` runs them in order and keeps them in a `World`,
which the writers read.
"""

from credgraph.generate.plan.world import World, build_world

__all__ = ["World", "build_world"]
