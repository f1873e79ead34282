"""Identifier linking per partition with a boundary merge, against one LinkState on the driver.

`python benchmarks/scale_merge.py [--sizes N ...] [--configs state local dask1 dask2]`

Synthetic identifier evidence (phones, emails, handles of small networks plus a site-wide
number; short texts, no images) is generated in each child process. `state` links it with
`link_ads` on the driver (what `analyze` does today); the others run
`partitioned_networks` (census and per-partition union-find on the executor, the boundary
merge on the driver). Printed per run: wall and CPU seconds of the driver, its peak RSS,
each worker's peak RSS, the driver's entries (partition roots + boundary edges). Then the
driver memory per ad of each approach and its projection to a 50-million-ad history.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from typing import Any

import orjson

CONFIGS = {"state": ("state", 0), "local": ("local", 0), "dask1": ("dask", 1), "dask2": ("dask", 2)}
PARTITION = 50_000
HISTORY = 50_000_000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _evidence(size: int) -> list[Any]:
    from threadline.model import AdEvidence

    rng = random.Random(1)
    networks = max(1, size // 5)
    ads = []
    for number in range(size):
        net = rng.randrange(networks)
        found = [("phone", f"+1{net % 800 + 200}555{net // 800:04d}")]
        if rng.random() < 0.3:
            found.append(("email", f"net{net}@example.com"))
        if rng.random() < 0.2:
            found.append(("handle", f"kik:n{rng.randrange(networks)}"))
        if rng.random() < 0.02:
            found.append(("phone", "+17025550100"))
        ads.append(AdEvidence(f"ad-{number:08d}", "hi", tuple(found)))
    return ads


def child(mode: str, workers: int, size: int) -> None:
    """One run; prints a JSON object of figures."""
    from threadline.link import link_ads
    from threadline.pipeline import make_executor
    from threadline.pipeline._partitioned import partitioned_networks

    ads = _evidence(size)
    base_mb = _rss_mb()
    executor = make_executor("dask" if mode == "dask" else "local", None, max(workers, 1))
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "state":
        networks = len(set(link_ads(ads).network_of().values()))
        entries = size
    else:
        parts = [ads[i : i + PARTITION] for i in range(0, size, PARTITION)]
        merged = partitioned_networks(executor, parts)
        networks, entries = len(set(merged.networks.values())), merged.driver_entries
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    client = getattr(executor, "client", None)
    worker_mb = sorted(client.run(_rss_mb).values()) if client is not None else []
    executor.close()
    figures = {"wall_s": wall, "cpu_s": cpu, "driver_mb": _rss_mb(), "input_mb": base_mb}
    figures |= {"worker_mb": worker_mb, "networks": networks, "entries": entries}
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
            workers_mb = ", ".join(f"{mb:,.0f}" for mb in r["worker_mb"]) or "-"
            print(
                f"{size:>9,} ads {config:<6} wall {r['wall_s']:6.1f} s  driver CPU "
                f"{r['cpu_s']:6.1f} s ({r['cpu_s'] / size * 1e6:5.1f} us/ad)  driver peak "
                f"{r['driver_mb']:,.0f} MB (linking {own:,.0f} MB over the input)  workers "
                f"[{workers_mb}] MB  driver entries {r['entries']:,}  networks "
                f"{r['networks']:,}",
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
