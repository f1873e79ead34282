"""Crawl and WARC-ingest speed and memory: `python benchmarks/collect.py [--sizes 10000 30000]`.

Serves N synthetic ads on loopback (`SynthSite`, 50 ads per listing page, no images) from a
child process, crawls it with politeness off (robots.txt ignored with a recorded reason, no
delay, 16 requests in flight) in another child, then ingests the crawl's WARC files into a
fresh SQLite database in a third. Prints pages/s and the crawler's peak RSS per size (flat
memory: the peak barely moves between sizes), and ads/s and peak RSS of the WARC ingest.
The site and the crawler share the machine's cores, so pages/s is a floor.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import median, run_child

SITE = """
import sys, time
from threadline.synth import SynthSite
site = SynthSite(int(sys.argv[1]), 1, None, per_page=50)
site.start(int(sys.argv[2]))
print("ready", flush=True)
time.sleep(86400)
"""

INGEST = """
import sys, time
from pathlib import Path
from threadline.ingest.archive_loader import ingest_archives
from threadline.ingest.mapping import load_mapping, resolve_mapping
from threadline.store import Database
database = Database("sqlite:///" + sys.argv[1])
database.migrate()
files = [Path(p) for p in sys.argv[3:]]
started = time.perf_counter()
report = ingest_archives(database, files, "bench", load_mapping(resolve_mapping("synth-site")))
Path(sys.argv[2]).write_text(f"{report.counts.added} {time.perf_counter() - started}")
"""


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_site(n: int, port: int) -> subprocess.Popen[str]:
    """The site in a child process, once it answers."""
    site = subprocess.Popen(
        [sys.executable, "-c", SITE, str(n), str(port)], stdout=subprocess.PIPE, text=True
    )
    assert site.stdout is not None
    site.stdout.readline()
    return site


def crawl(n: int, folder: Path) -> tuple[float, float, list[Path], int]:
    """Pages/s and the crawler's peak RSS (MB) over a site of n ads; the WARC files."""
    from threadline.ingest.crawl import CrawlJob
    from threadline.ingest.crawl._job import read_events
    from threadline.ingest.mapping import resolve_mapping

    port = free_port()
    site = start_site(n, port)
    try:
        job = CrawlJob(
            mapping_path=str(resolve_mapping("synth-site")),
            base_url=f"http://127.0.0.1:{port}",
            warc_dir=str(folder),
            prefix="bench",
            log_path=str(folder / "bench.log.jsonl"),
            user_agent="Threadline-collector (benchmark)",
            obey_robots=False,
            robots_reason="benchmark of our own loopback test site",
            delay=0.0,
            concurrency=16,
            retries=0,
        )
        job_path = folder / "bench.job.json"
        job.dump(job_path)
        run = run_child([sys.executable, "-m", "threadline.ingest.crawl", str(job_path)])
    finally:
        site.terminate()
        site.wait()
    pages = len(read_events(folder / "bench.log.jsonl"))
    return pages / run.seconds, run.peak_rss_mb, sorted(folder.glob("bench-*.warc.gz")), pages


def ingest(files: list[Path], folder: Path) -> tuple[float, float, int]:
    """Ads/s and peak RSS (MB) of ingesting the WARC files into a fresh SQLite database."""
    result = folder / "ingest.txt"
    command = [sys.executable, "-c", INGEST, str(folder / "bench.db"), str(result)]
    run = run_child([*command, *map(str, files)])
    added, seconds = result.read_text().split()
    return int(added) / float(seconds), run.peak_rss_mb, int(added)


def main() -> None:
    """Parse arguments, run each size, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    for n in args.sizes:
        rates, peaks, ingest_rates, ingest_peaks = [], [], [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as temp:
                folder = Path(temp)
                started = time.perf_counter()
                rate, peak, files, pages = crawl(n, folder)
                rates.append(rate)
                peaks.append(peak)
                ads_rate, ingest_peak, added = ingest(files, folder)
                ingest_rates.append(ads_rate)
                ingest_peaks.append(ingest_peak)
                size = sum(f.stat().st_size for f in files) / 1e6
                print(
                    f"  n={n}: {pages} pages in {time.perf_counter() - started:.0f} s total, "
                    f"{size:.0f} MB WARC, {added} ads ingested",
                    flush=True,
                )
        print(
            f"ads={n} crawl pages/s={median(rates):.0f} crawler peak RSS={median(peaks):.0f} MB "
            f"warc ingest ads/s={median(ingest_rates):.0f} "
            f"ingest peak RSS={median(ingest_peaks):.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
