"""Experiment behind one suggested optimisation: which idle worker should take the next query?

``tpgraph.store.sandbox.WorkerPool`` keeps idle workers in a FIFO ``queue.Queue``: a worker goes to the back after
each query, so with 8 workers every query runs in the worker that has been idle longest, whose memory (the
Python objects it touches, its share of the CPU caches) is the coldest. This script times ``WorkerPool.run``
round trips, per template, for: the pool as shipped (FIFO, 8 workers), the same pool with a LIFO idle queue
(the most recently used worker first), a single worker, and ``OxigraphStore.execute`` in-process (no IPC).
The variants take turns, so noise from other processes falls on all of them. It changes nothing in tpgraph:
the LIFO variant swaps the queue object on a pool instance before ``start()``.

    taskset -c 1 python bench/pool_experiment.py DIST_DIR        # DIST_DIR from `tpgraph build --out`
"""

from __future__ import annotations

import queue
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import N_BASE, TEMPLATES


def main() -> int:
    from tpgraph.store.sandbox import SandboxSettings, WorkerPool
    from tpgraph.store.embedded import OxigraphStore
    from tpgraph.store.interface import QueryJob

    dist = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    per_round = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    store = OxigraphStore.from_dist(dist)
    pools: dict[str, WorkerPool] = {}
    for name, workers, lifo in (("fifo-8 (as shipped)", 8, False), ("lifo-8", 8, True), ("single worker", 1, False)):
        pool = WorkerPool(store, SandboxSettings(workers=workers, timeout=10, acquire_timeout=1.0))
        if lifo:
            pool._idle = queue.LifoQueue()  # the experiment's only change
        pool.start()
        pools[name] = pool
    variants = [*pools, "in-process execute"]
    samples: dict[tuple[str, str], list[float]] = {}
    n = N_BASE + 50_000_000
    try:
        for _ in range(rounds):
            for template in TEMPLATES:
                for variant in variants:
                    kept = samples.setdefault((template.name, variant), [])
                    for i in range(per_round):
                        n += 1
                        job = QueryJob(template.text(n), "application/sparql-results+json")
                        started = time.perf_counter()
                        if variant in pools:
                            answer = pools[variant].run(job)
                        else:
                            answer = store.execute(job)
                        elapsed = time.perf_counter() - started
                        if answer.status != 200:
                            raise RuntimeError(f"{template.name} {variant}: {answer.status} {answer.error}")
                        if i >= 3:
                            kept.append(elapsed)
    finally:
        for pool in pools.values():
            pool.close()
    width = max(len(v) for v in variants)
    print(f"{'template':<20} " + " ".join(f"{v:>{width}}" for v in variants) + "   (median ms)")
    medians: dict[str, list[float]] = {v: [] for v in variants}
    for template in TEMPLATES:
        row = []
        for variant in variants:
            value = statistics.median(samples[(template.name, variant)]) * 1000
            medians[variant].append(value)
            row.append(f"{value:>{width}.3f}")
        print(f"{template.name:<20} " + " ".join(row))
    print(f"{'median of templates':<20} " + " ".join(f"{statistics.median(medians[v]):>{width}.3f}" for v in variants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
