"""Ingest throughput and memory: `python benchmarks/ingest.py [--sizes 25000 100000] [--runs 3]`.

Writes a synthetic corpus of each size, ingests it into a fresh SQLite database in a child
process, and prints ads/s and the child's peak RSS. Flat memory means the peak RSS barely moves
between sizes (ingest streams; it never loads the file).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from _harness import median, run_child


def write_corpus(path: Path, n: int) -> None:
    """N ad records from the synthetic generator (no images, so ingest alone is measured)."""
    from threadline.synth import generate_ads

    with open(path, "wb") as stream:
        for record in generate_ads(n, seed=1, image_dir=None):
            stream.write(orjson.dumps(record) + b"\n")


def measure(size: int, runs: int, workdir: Path) -> tuple[float, float]:
    """Median ads/s and median peak RSS (MB) over several fresh ingests."""
    corpus = workdir / f"ads-{size}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, size)
    rates, peaks = [], []
    for run in range(runs):
        env = os.environ | {"THREADLINE_DATA_DIR": str(workdir / f"var-{size}-{run}")}
        result = run_child([sys.executable, "-m", "threadline", "ingest", str(corpus)], env)
        if result.returncode != 0:
            raise SystemExit(f"ingest failed with status {result.returncode}")
        rates.append(size / result.seconds)
        peaks.append(result.peak_rss_mb)
    return median(rates), median(peaks)


def main() -> None:
    """Print one line per corpus size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            rate, peak = measure(size, args.runs, Path(workdir))
            print(
                f"ingest {size:>8,} ads: {rate:>8,.0f} ads/s (median of {args.runs}), "
                f"peak RSS {peak:,.0f} MB"
            )


if __name__ == "__main__":
    main()
