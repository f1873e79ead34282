"""Extraction speed and memory: ads/s on one core, and peak RSS along a long stream.

    .venv/bin/python benchmarks/extract.py                 # 5 timed passes + 300k-ad stream
    .venv/bin/python benchmarks/extract.py --stream 0      # throughput only

Throughput is full extraction (`extract_ad`: normalization, every extractor, indicators, risk)
over the synthetic corpus `generate_ads(2000, seed=7)`, median of several passes, as wall
time and as CPU time of this process (the CPU figure is the one to trust on a shared
machine). The stream cycles that corpus with fresh ids, builds the `extracted` record of
every ad and serializes it, and prints peak RSS at each checkpoint: flat memory means no
per-ad growth.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Iterator
from itertools import cycle, islice
from typing import Any

import orjson

from threadline.extract import extract_ad, extraction_to_record
from threadline.model import Ad, ad_from_record
from threadline.synth import generate_ads


def _corpus(n: int) -> list[dict[str, Any]]:
    return list(generate_ads(n, seed=7, image_dir=None))


def _timed_pass(ads: list[Ad]) -> tuple[float, float]:
    """Wall and CPU seconds for one pass of full extraction over the ads."""
    wall, cpu = time.perf_counter(), time.process_time()
    for ad in ads:
        extract_ad(ad)
    return time.perf_counter() - wall, time.process_time() - cpu


def _throughput(ads: list[Ad], runs: int) -> None:
    for ad in ads[:200]:  # warm up: lexicon, gazetteer and caches load once
        extract_ad(ad)
    passes = [_timed_pass(ads) for _ in range(runs)]
    wall = statistics.median(len(ads) / w for w, _ in passes)
    cpu = statistics.median(len(ads) / c for _, c in passes)
    per_run = ", ".join(f"{len(ads) / c:,.0f}" for _, c in passes)
    print(f"extract_ad: {len(ads)} ads x {runs} passes")
    print(f"  median {cpu:,.0f} ads/s CPU time ({per_run}); {wall:,.0f} ads/s wall time")


def _stream(records: list[dict[str, Any]], total: int) -> Iterator[dict[str, Any]]:
    """The corpus again and again, each copy with its own id."""
    for number, record in enumerate(islice(cycle(records), total)):
        yield {**record, "id": f"S{number:07d}"}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory(records: list[dict[str, Any]], total: int, checkpoints: list[int]) -> None:
    print(f"stream: {total:,} ads through extract + record + JSON")
    print(f"  peak RSS before: {_peak_rss_mb():.1f} MB")
    started = time.perf_counter()
    written = 0
    for count, record in enumerate(_stream(records, total), start=1):
        ad = ad_from_record(record)
        line = orjson.dumps({**record, "extracted": extraction_to_record(extract_ad(ad))})
        written += len(line)
        if count in checkpoints:
            rate = count / (time.perf_counter() - started)
            print(f"  after {count:>7,} ads: peak RSS {_peak_rss_mb():.1f} MB ({rate:,.0f} ads/s)")
    print(f"  {written / 1e6:,.0f} MB of JSON lines produced")


def _noise() -> None:
    """A fixed pure-Python loop, timed: on a shared machine it shows how slow a core is now."""
    started = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    print(f"reference loop (5M additions): {time.process_time() - started:.3f} s CPU")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=2000, help="corpus size")
    parser.add_argument("--runs", type=int, default=5, help="timed passes")
    parser.add_argument("--stream", type=int, default=300_000, help="ads in the memory stream")
    args = parser.parse_args()
    records = _corpus(args.ads)
    _noise()
    _throughput([ad_from_record(r) for r in records], args.runs)
    if args.stream:
        checkpoints = sorted({min(100_000, args.stream), args.stream})
        _memory(records, args.stream, checkpoints)


if __name__ == "__main__":
    main()
