"""Extract + link end to end: `python benchmarks/end_to_end.py [--sizes N ...] [--configs ...]`.

For each size a synthetic corpus is written once (`threadline synth ads`, no images; kept in
`--corpus-dir` between invocations), then `threadline link` reads the raw records, extracts,
links and writes one line per ad plus the network summary, as an analyst would run it:

    threadline link --executor dask -i ads.jsonl -o links.jsonl --summary summary.json

Configurations: `local` (one process), `dask1` and `dask2` (a LocalCluster of 1 or 2
single-threaded workers, `--dask-workers`). Printed per size and configuration: wall seconds,
ads/s, CPU seconds of the whole process tree, and peak RSS both summed over the tree (driver
plus Dask workers, sampled every 0.2 s) and of the largest single process. Then how wall
time grows from the smallest size to each larger one (10x the ads in 10x the time is linear).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_SAMPLE_S = 0.2
CONFIGS = {"local": ["--executor", "local"]} | {
    f"dask{n}": ["--executor", "dask", "--dask-workers", str(n)] for n in (1, 2)
}


@dataclass(frozen=True)
class Figures:
    """One end-to-end run."""

    ads: int
    executor: str
    wall_s: float
    ads_per_s: float
    cpu_s: float
    peak_tree_rss_mb: float
    peak_process_rss_mb: float
    networks: int
    returncode: int


def write_corpus(path: Path, n: int) -> None:
    """N synthetic ad records as JSON lines (written to a side file, then renamed)."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as stream:
        command = [sys.executable, "-m", "threadline", "synth", "ads", "-n", str(n), "-o", "-"]
        subprocess.run(command, stdout=stream, check=True)
    partial.replace(path)


_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int, float]]:
    """Every process now: pid -> (parent pid, RSS bytes, CPU seconds), read from /proc."""
    found: dict[int, tuple[int, int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss = int((entry / "statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        found[int(entry.name)] = (int(stat[1]), rss, (int(stat[11]) + int(stat[12])) / _TICK)
    return found


def _tree(root: int, processes: dict[int, tuple[int, int, float]]) -> list[int]:
    """The root and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in processes:
            tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def run_link(corpus: Path, ads: int, config: str, workdir: Path) -> Figures:
    """Run `threadline link` over the corpus, sampling the RSS of its process tree."""
    env = os.environ | {"THREADLINE_DATA_DIR": str(workdir / "var")}
    summary = workdir / "summary.json"
    command = [sys.executable, "-m", "threadline", "link", *CONFIGS[config]]
    command += ["-i", str(corpus), "-o", str(workdir / "links.jsonl"), "--summary", str(summary)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    cpu: dict[int, float] = {}  # last CPU seen per process: workers may exit before the driver
    peak_tree = peak_process = 0
    while child.poll() is None:
        processes = _processes()
        tree = _tree(child.pid, processes)
        rss = [processes[pid][1] for pid in tree]
        for pid in tree:
            cpu[pid] = processes[pid][2]
        peak_tree = max(peak_tree, sum(rss))
        peak_process = max(peak_process, max(rss, default=0))
        time.sleep(_SAMPLE_S)
    wall = time.perf_counter() - started
    networks = (
        len(json.loads(summary.read_text())["summary"]["networks"]) if summary.exists() else 0
    )
    return Figures(
        ads=ads,
        executor=config,
        wall_s=round(wall, 1),
        ads_per_s=round(ads / wall),
        cpu_s=round(sum(cpu.values()), 1),
        peak_tree_rss_mb=round(peak_tree / 2**20),
        peak_process_rss_mb=round(peak_process / 2**20),
        networks=networks,
        returncode=child.returncode,
    )


def main() -> None:
    """Print the figures, one JSON object per run, then the growth of wall time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=["dask2"])
    parser.add_argument("--corpus-dir", type=Path, help="Keep (and reuse) the corpora here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadline-e2e-") as scratch:
        corpora = args.corpus_dir or Path(scratch)
        corpora.mkdir(parents=True, exist_ok=True)
        runs: list[Figures] = []
        for size in sorted(args.sizes):
            corpus = corpora / f"ads-{size}.jsonl"
            if not corpus.exists():
                write_corpus(corpus, size)
            for config in args.configs:
                with tempfile.TemporaryDirectory(dir=scratch) as workdir:
                    figures = run_link(corpus, size, config, Path(workdir))
                print(json.dumps(asdict(figures)), flush=True)
                runs.append(figures)
    for config in args.configs:
        mine = [run for run in runs if run.executor == config and run.returncode == 0]
        for run in mine[1:]:
            print(
                f"{config}: {mine[0].ads:,} -> {run.ads:,} ads ({run.ads / mine[0].ads:.1f}x): "
                f"wall time x{run.wall_s / mine[0].wall_s:.1f}"
            )


if __name__ == "__main__":
    main()
