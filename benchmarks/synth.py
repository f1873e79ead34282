"""Corpus generation speed and memory: `python benchmarks/synth.py [-n N] [--runs 3] [--images]`.

Each run is a child process that writes `-n` ads (JSON lines, as `threadline synth ads` does)
into a temp dir and reports its wall time, CPU time and peak RSS (getrusage). The parent prints
every run and the median. Flat memory: peak RSS should barely grow with -n.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from threadline.synth import generate_ads


def child(n: int, seed: int, images: bool) -> dict[str, float]:
    """Generate into a temp dir and measure this process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "ads.jsonl"
        image_dir = Path(folder) / "images" if images else None
        wall, cpu = time.perf_counter(), time.process_time()
        with open(out, "wb") as stream:
            for record in generate_ads(n, seed, image_dir, relative_to=Path(folder)):
                stream.write(orjson.dumps(record) + b"\n")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        files = len(os.listdir(image_dir)) if image_dir and image_dir.exists() else 0
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall_s": wall, "cpu_s": cpu, "ads_per_s": n / wall, "ads_per_cpu_s": n / cpu,
            "peak_rss_mb": peak, "image_files": files, "mb_written": size / 1e6}  # fmt: skip


def main() -> None:
    """Run the child `--runs` times and print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--images", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n, args.seed, args.images)))
        return
    command = [sys.executable, __file__, "--child", "-n", str(args.n), "--seed", str(args.seed)]
    command += ["--images"] if args.images else []
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
            for _ in range(args.runs)]  # fmt: skip
    print(f"synth ads -n {args.n} images={args.images} load={os.getloadavg()[0]:.2f}")
    for i, run in enumerate(runs, 1):
        print(f"  run {i}: " + "  ".join(f"{k}={v:,.2f}" for k, v in run.items()))
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print("  median: " + "  ".join(f"{k}={v:,.2f}" for k, v in medians.items()))


if __name__ == "__main__":
    main()
