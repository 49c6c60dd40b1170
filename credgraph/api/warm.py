"""Registry-wide runs made ready before anyone asks for them.

The cross-check run and the risk ranking read the whole register; each is kept per data
version and day, so only the first request after a load pays for it, and on a large
register that first request can take longer than a request may. A server started with
`warm_seconds` > 0 looks at the store's data version that often and, when it or the day has
changed, computes both for today as recorded now (what a request without `asOf` or
`knownAt` asks), outside any request, so that the first request reads them. A load writes
many change sets, each a new data version: the runs wait until the version has stood still
for one look, so that they are made for the loaded register, not for every step of a load.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from credgraph import deadline
from credgraph.exc import DeadlineExceededError
from credgraph.queries.analyses import Analyses
from credgraph.queries.time import Moment

log = logging.getLogger(__name__)


class Warmer:
    """A daemon thread that computes the registry-wide runs after each load."""

    def __init__(self, analyses: Analyses, every_seconds: float) -> None:
        self.analyses, self.every_seconds = analyses, every_seconds
        self._stop = threading.Event()
        self._budget = deadline.Budget(math.inf)
        """No time limit, but stop() cancels a run under way at its next check."""
        self._thread: threading.Thread | None = None
        self._seen: tuple[int, str] | None = None
        self.ready_for: tuple[int, str] | None = None
        """The data version and day the runs were last computed for."""
        self.runs = 0
        """How many times the runs were computed."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="credgraph-warm", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._budget.cancel("the server is stopping")
        if self._thread is not None:
            self._thread.join(timeout=30)

    def warm(self) -> None:
        """Compute the runs if the data version or the day changed since they were made and
        has not changed since the last look."""
        at = Moment.on()
        key = (self.analyses.backend.data_version(), at.day)
        settled, self._seen = key == self._seen, key
        if not settled or key == self.ready_for:
            return
        started = time.perf_counter()
        self.analyses.checks.run(at)
        self.analyses.risk.ranking(at)
        self.ready_for, self.runs = key, self.runs + 1
        log.info("registry-wide runs ready for data version %s, %s, in %.1f s",
                 key[0], at.day, time.perf_counter() - started)

    def _loop(self) -> None:
        with deadline.within(self._budget):
            while not self._stop.is_set():
                try:
                    self.warm()
                except DeadlineExceededError:
                    return  # stop() cancelled the run
                except Exception:  # tried again at the next look: never fatal to the server
                    log.warning("computing the registry-wide runs failed", exc_info=True)
                self._stop.wait(self.every_seconds)
