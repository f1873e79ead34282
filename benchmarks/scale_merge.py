"""Linking alone: one LinkState on the driver against partitioned linking on an executor.

`python benchmarks/scale_merge.py [--sizes N ...] [--configs state local dask1 dask2]`

Evidence shaped like the corpus (`benchmarks/link.py`'s generator: long-tailed networks,
text templates, reposted images, the sites' own numbers) is generated in each child
process. `state` links it with `link_ads` on the driver (what `analyze` does in process);
the others run `link_partitioned` over partitions of 50,000 ads (in process, or on a
LocalCluster of 1 or 2 workers). Printed per run: wall and CPU seconds of the driver, its
peak RSS over the input, each worker's peak RSS, networks, and whether the networks equal
those of `state` (checked when `state` ran first). Then the driver memory per ad of each
and its projection to a 50-million-ad history.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))

CONFIGS = {"state": ("state", 0), "local": ("local", 0), "dask1": ("dask", 1), "dask2": ("dask", 2)}
PARTITION = 50_000
HISTORY = 50_000_000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _networks_digest(pairs: list[tuple[str, str]]) -> str:
    return hashlib.sha256(orjson.dumps(sorted(pairs))).hexdigest()[:16]


def _link(mode: str, workers: int, ads: list[Any]) -> tuple[list[tuple[str, str]], Any]:
    from threadline.link import link_ads
    from threadline.link._result import stable_id
    from threadline.pipeline import make_executor
    from threadline.pipeline._partitioned import link_partitioned, prepare

    if mode == "state":
        return sorted(link_ads(ads).network_of().items()), None
    executor = make_executor("dask" if mode == "dask" else "local", None, workers or None)
    starts = list(range(0, len(ads), PARTITION))
    # Sent ahead (put), as analyze sends what it reads: a task's own arguments would stay in
    # the scheduler, in this process, for as long as its result is held.
    parts = [
        executor.submit(prepare, executor.put(ads[s : s + PARTITION]), range(s, s + PARTITION))
        for s in starts
    ]
    ids = [item.ad_id for item in ads]
    ads.clear()  # the partitions hold the evidence now (on the workers, with Dask)
    shards = 2 * max(workers, 1)
    linked = link_partitioned(executor, parts, starts, shards)
    labels = [label for handle in linked.labels for label in handle.result()]
    return [(i, stable_id("N", label)) for i, label in zip(ids, labels, strict=True)], executor


def child(mode: str, workers: int, size: int) -> None:
    """One run; prints a JSON object of figures."""
    from link import Generator

    ads = Generator(1).networks(size)
    base_mb = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    networks, executor = _link(mode, workers, ads)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    client = getattr(executor, "client", None)
    worker_mb = sorted(client.run(_rss_mb).values()) if client is not None else []
    if executor is not None:
        executor.close()
    figures = {"wall_s": wall, "cpu_s": cpu, "driver_mb": _rss_mb(), "input_mb": base_mb}
    figures |= {"worker_mb": worker_mb, "networks": len({n for _, n in networks})}
    figures |= {"digest": _networks_digest(networks)}
    print(orjson.dumps(figures).decode())


def main() -> None:
    """Each size and configuration in a child process, then the projection."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for size in args.sizes:
        for config in args.configs:
            mode, workers = CONFIGS[config]
            command = [sys.executable, __file__, "--child", mode, str(workers), str(size)]
            answer = subprocess.run(command, capture_output=True, check=True)
            r = results[(size, config)] = orjson.loads(answer.stdout.splitlines()[-1])
            own = r["driver_mb"] - r["input_mb"]
            reference = results.get((size, "state"))
            same = "-" if reference is None else str(reference["digest"] == r["digest"]).lower()
            workers_mb = ", ".join(f"{mb:,.0f}" for mb in r["worker_mb"]) or "-"
            print(
                f"{size:>9,} ads {config:<6} wall {r['wall_s']:6.1f} s  driver CPU "
                f"{r['cpu_s']:6.1f} s ({r['cpu_s'] / size * 1e6:5.1f} us/ad)  driver peak "
                f"{r['driver_mb']:,.0f} MB (linking {own:,.0f} MB over the input)  workers "
                f"[{workers_mb}] MB  networks {r['networks']:,} (equal to state: {same})",
                flush=True,
            )
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    size = max(args.sizes)
    for config in args.configs:
        r = results[(size, config)]
        per_ad = (r["driver_mb"] - r["input_mb"]) / size
        print(
            f"projected driver memory for linking {HISTORY:,} ads ({config}, from {size:,}): "
            f"{per_ad * HISTORY / 1024:,.1f} GB; "
            f"driver CPU {r['cpu_s'] / size * HISTORY / 3600:,.2f} h"
        )


if __name__ == "__main__":
    main()
