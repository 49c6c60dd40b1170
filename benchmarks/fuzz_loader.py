"""Loader fuzz run: generated datasets loaded and every row looked up through the API.

    python benchmarks/fuzz_loader.py --datasets 1000
    python benchmarks/fuzz_loader.py --first-seed 123 --datasets 1 --size 4   # replay one

The same property as tests/test_fuzz_loader.py, over many larger datasets (seeds
first-seed, first-seed+1, ...): each dataset of --size enterprises and the rows that refer
to them (about 3.6 rows per enterprise, a quarter of them invalid) is written in the file
shapes docs/data-format.md accepts, loaded into the embedded store (or Neo4j with
--neo4j-uri), and checked row by row. Prints the rows, the lost rows (neither shown with
their values nor reported), the false rejects (valid rows refused) and the invalid rows
handled wrongly (loaded anyway, or refused for another column); exits 1 if any.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=30, help="enterprises per dataset")
    parser.add_argument("--neo4j-uri", default=os.environ.get("CREDGRAPH_NEO4J_URI"))
    parser.add_argument("--show", type=int, default=20, help="problems to print")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # the generator and the API client live with the tests
    from credgraph.exc import DatasetError
    from credgraph.graph.memory import MemoryStore
    from credgraph.graph.neo4j_store import Neo4jStore
    from credgraph.graph.store import GraphStore
    from credgraph.loaders.load import load_dataset
    from credgraph.loaders.report import read_findings
    from tests.fuzz_check import Outcome, check
    from tests.fuzz_datasets import generate, write_dataset
    from tests.test_api_dataset import client_for, post

    total = Outcome()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        store: GraphStore = (
            Neo4jStore(args.neo4j_uri, password=os.environ.get("CREDGRAPH_NEO4J_PASSWORD", ""))
            if args.neo4j_uri else MemoryStore(Path(work) / "graph.pickle"))
        with store, client_for(store) as client:
            for seed in range(args.first_seed, args.first_seed + args.datasets):
                rng = random.Random(seed)
                data = generate(rng, args.size)
                store.clear()
                folder = Path(work) / f"dataset-{seed}"
                write_dataset(rng, data, folder)
                rejects = Path(work) / f"rejects-{seed}.csv"
                try:
                    load_dataset(folder, store, rejects_path=rejects,
                                 batch_size=rng.choice([2, 7, 5000]))
                except DatasetError as e:
                    outcome = Outcome(rows=len(data.rows), lost=[f"not loaded: {e}"] * len(
                        data.rows))
                else:
                    outcome = check(data, lambda query: post(client, query),
                                    read_findings(rejects))
                for problems in (outcome.lost, outcome.false_rejects, outcome.wrong):
                    problems[:] = [f"seed {seed}: {p}" for p in problems]
                total.add(outcome)
                if (seed - args.first_seed + 1) % 50 == 0:
                    print(f"{seed - args.first_seed + 1} datasets, {total.rows} rows, "
                          f"{time.perf_counter() - started:.0f} s", flush=True)
    seconds = time.perf_counter() - started
    print(f"datasets {args.datasets}  rows {total.rows}  invalid rows {total.invalid_rows}  "
          f"lost {len(total.lost)}  false rejects {len(total.false_rejects)}  "
          f"wrongly handled invalid rows {len(total.wrong)}  seconds {seconds:.0f}")
    for problem in (total.lost + total.false_rejects + total.wrong)[:args.show]:
        print("  " + problem[:500])
    return 1 if total.lost or total.false_rejects or total.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
