"""Ingest throughput and memory: `python benchmarks/ingest.py [--sizes 25000 100000] [--runs 3]`.

Writes a synthetic corpus of each size, ingests it into a fresh SQLite database in a child
process, and prints ads/s (wall and per CPU-second of the child) and the child's peak RSS. Flat
memory means the peak RSS barely moves between sizes (ingest streams; it never loads the file).
The figures include the CLI's start-up; `--corpus-dir` keeps the corpora between invocations.
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

    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as stream:
        for record in generate_ads(n, seed=1, image_dir=None):
            stream.write(orjson.dumps(record) + b"\n")
    partial.replace(path)


def measure(size: int, runs: int, corpora: Path, workdir: Path) -> tuple[float, float, float]:
    """Medians over fresh ingests: ads/s wall, ads per CPU-second, peak RSS in MB."""
    corpus = corpora / f"ads-{size}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, size)
    rates, cpu_rates, peaks = [], [], []
    for run in range(runs):
        env = os.environ | {"THREADLINE_DATA_DIR": str(workdir / f"var-{size}-{run}")}
        result = run_child([sys.executable, "-m", "threadline", "ingest", str(corpus)], env)
        if result.returncode != 0:
            raise SystemExit(f"ingest failed with status {result.returncode}")
        rates.append(size / result.seconds)
        cpu_rates.append(size / result.cpu_seconds)
        peaks.append(result.peak_rss_mb)
    return median(rates), median(cpu_rates), median(peaks)


def main() -> None:
    """Print one line per corpus size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus-dir", type=Path, help="Keep (and reuse) the corpora here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        corpora = args.corpus_dir or Path(workdir)
        corpora.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            rate, cpu_rate, peak = measure(size, args.runs, corpora, Path(workdir))
            print(
                f"ingest {size:>8,} ads: {rate:>8,.0f} ads/s wall, {cpu_rate:>8,.0f} ads per "
                f"CPU-second (medians of {args.runs}), peak RSS {peak:,.0f} MB, "
                f"load average {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    main()
