"""Crawl and WARC-ingest speed and memory: `python benchmarks/collect.py [--sizes 10000 30000]`.

Serves N synthetic ads on loopback (`SynthSite`, 50 ads per listing page, no images) from a
child process, crawls it with politeness off (robots.txt ignored with a recorded reason, no
delay, 16 requests in flight) in another child, then ingests the crawl's WARC files into a
fresh SQLite database in a third.

While the crawler runs, its resident memory (/proc/PID/statm) and the pages it has logged are
sampled every second, so memory is shown against pages: RSS at the start (the first sample
past 1,000 pages), peak and end, and the least-squares slope in KB per page over the samples
past the first tenth of the crawl. Flat memory is a slope near 0.

The 100,000-page crawl, bounded in time:

    python benchmarks/collect.py --sizes 100000 --max-pages 100000 --max-seconds 1200

CPU seconds of the crawler, the site and the ingest are printed beside the wall figures: the
site and the crawler share the machine's cores, so pages/s is a floor.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
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
cpu = time.process_time()
report = ingest_archives(database, files, "bench", load_mapping(resolve_mapping("synth-site")))
took = (time.perf_counter() - started, time.process_time() - cpu)
Path(sys.argv[2]).write_text(f"{report.counts.added} {took[0]} {took[1]}")
"""

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP_PAGES = 1000


@dataclass
class Sample:
    """The crawler at one moment: seconds since start, pages logged, resident KB."""

    seconds: float
    pages: int
    rss_kb: float


@dataclass
class Crawl:
    """One sampled crawl."""

    pages: int
    seconds: float
    cpu_seconds: float
    site_cpu_seconds: float
    samples: list[Sample] = field(default_factory=list)
    warc_files: list[Path] = field(default_factory=list)

    def rss_start_end_peak(self) -> tuple[float, float, float]:
        """RSS (MB) past the warm-up, at the end and at the peak."""
        warm = [s for s in self.samples if s.pages >= WARM_UP_PAGES] or self.samples
        peak = max(s.rss_kb for s in self.samples)
        return warm[0].rss_kb / 1024, self.samples[-1].rss_kb / 1024, peak / 1024

    def slope_kb_per_page(self) -> float:
        """Least-squares KB per page over the samples past the first tenth of the crawl."""
        points = [s for s in self.samples if s.pages >= max(WARM_UP_PAGES, self.pages // 10)]
        if len(points) < 2:
            return float("nan")
        mean_x = sum(s.pages for s in points) / len(points)
        mean_y = sum(s.rss_kb for s in points) / len(points)
        spread = sum((s.pages - mean_x) ** 2 for s in points)
        if spread == 0:
            return float("nan")
        return sum((s.pages - mean_x) * (s.rss_kb - mean_y) for s in points) / spread


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


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kb(pid: int) -> float:
    """A running process's resident memory in KB."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES / 1024


class LineCounter:
    """Counts the lines of a growing file, reading only what was added since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0

    def count(self) -> int:
        """Lines so far."""
        if not self.path.is_file():
            return 0
        with open(self.path, "rb") as stream:
            stream.seek(self.offset)
            added = stream.read()
        self.offset += len(added)
        self.lines += added.count(b"\n")
        return self.lines


def run_sampled(command: list[str], log: Path, every: float) -> tuple[float, float, list[Sample]]:
    """Run the crawler to its end, sampling RSS and pages; wall and CPU seconds, samples."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counter = LineCounter(log)
    samples: list[Sample] = []
    while True:
        ended, status, usage = os.wait4(child.pid, os.WNOHANG)
        if ended:
            break
        try:
            moment = time.perf_counter() - started
            samples.append(Sample(moment, counter.count(), rss_kb(child.pid)))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass  # it ended between the wait and the read
        time.sleep(every)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        print(f"  the crawler exited {child.returncode}", flush=True)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, samples


def crawl(n: int, folder: Path, max_pages: int, max_seconds: float) -> Crawl:
    """Crawl a site of n ads, sampled, at most `max_pages` pages and `max_seconds`."""
    from threadline.ingest.crawl import CrawlJob
    from threadline.ingest.crawl._job import read_events
    from threadline.ingest.mapping import resolve_mapping

    port = free_port()
    site = start_site(n, port)
    site_cpu = cpu_seconds(site.pid)
    log = folder / "bench.log.jsonl"
    try:
        job = CrawlJob(
            mapping_path=str(resolve_mapping("synth-site")),
            base_url=f"http://127.0.0.1:{port}",
            warc_dir=str(folder),
            prefix="bench",
            log_path=str(log),
            user_agent="Threadline-collector (benchmark)",
            obey_robots=False,
            robots_reason="benchmark of our own loopback test site",
            delay=0.0,
            concurrency=16,
            retries=0,
            max_pages=max_pages,
            max_seconds=max_seconds,
        )
        job_path = folder / "bench.job.json"
        job.dump(job_path)
        command = [sys.executable, "-m", "threadline.ingest.crawl", str(job_path)]
        seconds, cpu, samples = run_sampled(command, log, 1.0)
        site_cpu = cpu_seconds(site.pid) - site_cpu
    finally:
        site.terminate()
        site.wait()
    pages = len(read_events(log))
    files = sorted(folder.glob("bench-*.warc.gz"))
    return Crawl(pages, seconds, cpu, site_cpu, samples, files)


def ingest(files: list[Path], folder: Path) -> tuple[int, float, float, float]:
    """Ads added, wall and CPU seconds, and peak RSS (MB) of ingesting the WARC files."""
    result = folder / "ingest.txt"
    command = [sys.executable, "-c", INGEST, str(folder / "bench.db"), str(result)]
    run = run_child([*command, *map(str, files)])
    added, seconds, cpu = result.read_text().split()
    return int(added), float(seconds), float(cpu), run.peak_rss_mb


def report_crawl(n: int, done: Crawl) -> None:
    """One crawl's figures on one line."""
    start, end, peak = done.rss_start_end_peak()
    print(
        f"  n={n}: {done.pages} pages in {done.seconds:.0f} s = {done.pages / done.seconds:.0f} "
        f"pages/s; crawler CPU {done.cpu_seconds:.0f} s ({1000 * done.cpu_seconds / done.pages:.2f}"
        f" ms/page), site CPU {done.site_cpu_seconds:.0f} s; crawler RSS start {start:.0f} MB, "
        f"peak {peak:.0f} MB, end {end:.0f} MB, slope {done.slope_kb_per_page():.4f} KB/page "
        f"({len(done.samples)} samples)",
        flush=True,
    )


def report_rss_curve(done: Crawl, points: int = 10) -> None:
    """RSS at evenly spaced points of the crawl, to show the shape and not only the slope."""
    if not done.samples:
        return
    step = max(1, len(done.samples) // points)
    shown = [*done.samples[::step], done.samples[-1]]
    print(
        "  RSS by pages: "
        + ", ".join(f"{s.pages}:{s.rss_kb / 1024:.0f}MB" for s in shown if s.pages),
        flush=True,
    )


def run_size(n: int, runs: int, max_pages: int, max_seconds: float) -> None:
    """Crawl and ingest `runs` times; print each run and the medians."""
    rates, slopes, peaks, ingest_rates, ingest_cpu = [], [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            done = crawl(n, folder, max_pages, max_seconds)
            report_crawl(n, done)
            report_rss_curve(done)
            added, seconds, cpu, ingest_peak = ingest(done.warc_files, folder)
            size = sum(f.stat().st_size for f in done.warc_files) / 1e6
            print(
                f"  WARC ingest: {added} ads from {size:.0f} MB in {seconds:.0f} s = "
                f"{added / seconds:.0f} ads/s, CPU {cpu:.0f} s ({1000 * cpu / max(added, 1):.2f} "
                f"ms/ad), peak RSS {ingest_peak:.0f} MB; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            rates.append(done.pages / done.seconds)
            slopes.append(done.slope_kb_per_page())
            peaks.append(done.rss_start_end_peak()[2])
            ingest_rates.append(added / seconds)
            ingest_cpu.append(1000 * cpu / max(added, 1))
    print(
        f"ads={n} crawl pages/s={median(rates):.0f} crawler peak RSS={median(peaks):.0f} MB "
        f"slope={median(slopes):.4f} KB/page warc ingest ads/s={median(ingest_rates):.0f} "
        f"({median(ingest_cpu):.2f} CPU ms/ad)",
        flush=True,
    )


def main() -> None:
    """Parse arguments, run each size, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--max-pages", type=int, default=0, help="stop each crawl after N pages")
    parser.add_argument("--max-seconds", type=float, default=0, help="and after this long")
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}", flush=True)
    for n in args.sizes:
        run_size(n, args.runs, args.max_pages, args.max_seconds)


if __name__ == "__main__":
    main()
