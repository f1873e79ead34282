"""Analysis at scale: `python benchmarks/scale.py [--sizes N ...] [--configs local dask1 dask2]`.

For each size: a synthetic corpus (no images) is ingested once into a SQLite database; each
configuration then analyzes a fresh copy of it in a child process: the local executor, and
the Dask executor on a LocalCluster of 1 or 2 single-threaded workers. Printed per run:
extraction time (on the executor), linking time (local: one LinkState on the driver; Dask:
partitioned on the workers, the driver merging the boundary and storing the networks), the
driver's peak RSS after extraction and at the end, each worker's peak RSS. Then the per-ad
costs of each configuration, and a projection of the cluster for 150,000 ads a day and for
a 50-million-ad history from those costs.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from _harness import run_child

CONFIGS = {"local": ("local", 1), "dask1": ("dask", 1), "dask2": ("dask", 2)}
DAY = 150_000
HISTORY = 50_000_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(executor_name: str, workers: int) -> None:
    """Analyze the database of THREADLINE_DATA_DIR; print one JSON object of timings."""
    from threadline.pipeline import AnalyzeOptions, analyze, extract_stored, make_executor
    from threadline.settings import Settings
    from threadline.store import BlobStore, Database

    settings = Settings()
    database = Database.from_settings(settings)
    options = AnalyzeOptions(
        state_path=settings.data_dir / "link-state.pkl",
        blobs=BlobStore(settings.blob_dir()),
        secret_key=b"benchmark-key",
    )
    started = time.perf_counter()
    executor = make_executor(executor_name, None, workers if executor_name == "dask" else None)
    ready = time.perf_counter()
    extracted = extract_stored(database, options, executor=executor)
    extract_done = time.perf_counter()
    extract_mb = _peak_rss_mb()
    report = analyze(database, options, executor=executor)  # nothing left to extract: links
    link_done = time.perf_counter()
    worker_peaks = _worker_peaks(executor)
    executor.close()
    print(
        orjson.dumps(
            {
                "ads": len(extracted),
                "networks": report.networks,
                "start_s": ready - started,
                "extract_s": extract_done - ready,
                "link_s": link_done - extract_done,
                "driver_extract_mb": extract_mb,
                "driver_mb": _peak_rss_mb(),
                "worker_mb": worker_peaks,
            }
        ).decode()
    )


def _worker_peaks(executor: Any) -> list[float]:
    client = getattr(executor, "client", None)
    if client is None:
        return []
    return sorted(client.run(_peak_rss_mb).values())


def _prepare(size: int, workdir: Path, postgres: str | None) -> tuple[Path, float]:
    """A data folder with the corpus ingested; the ingest's seconds."""
    from threadline.synth import generate_ads

    corpus = workdir / f"ads-{size}.jsonl"
    with open(corpus, "wb") as stream:
        for record in generate_ads(size, seed=1, image_dir=None):
            stream.write(orjson.dumps(record) + b"\n")
    template = workdir / f"template-{size}"
    template.mkdir(parents=True, exist_ok=True)  # on PostgreSQL nothing else makes it
    env = os.environ | {"THREADLINE_DATA_DIR": str(template), "THREADLINE_DATABASE_URL": ""}
    if postgres:
        env["THREADLINE_DATABASE_URL"] = _pg_database(postgres, f"scale_template_{size}")
    run = run_child([sys.executable, "-m", "threadline", "ingest", str(corpus)], env)
    if run.returncode != 0:
        raise SystemExit(f"ingest failed with status {run.returncode}")
    corpus.unlink()
    return template, run.seconds


def _pg_database(base: str, name: str, template: str | None = None) -> str:
    """A fresh PostgreSQL database (a copy of `template` when named); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _measure(template: Path, config: str, workdir: Path, postgres: str | None) -> dict[str, Any]:
    executor, workers = CONFIGS[config]
    data = workdir / f"run-{config}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template, data)
    env = os.environ | {"THREADLINE_DATA_DIR": str(data), "THREADLINE_SECRET_KEY": "bench"}
    env["THREADLINE_DATABASE_URL"] = ""
    if postgres:
        source = template.name.replace("template-", "scale_template_")  # see _prepare
        env["THREADLINE_DATABASE_URL"] = _pg_database(postgres, "scale_run", source)
    args = [sys.executable, __file__, "--child", executor, "--workers", str(workers)]
    answer = subprocess.run(args, env=env, capture_output=True, check=True)
    shutil.rmtree(data, ignore_errors=True)
    result: dict[str, Any] = orjson.loads(answer.stdout.splitlines()[-1])
    return result


def _line(size: int, config: str, r: dict[str, Any]) -> str:
    workers = ", ".join(f"{mb:,.0f}" for mb in r["worker_mb"]) or "-"
    total = r["extract_s"] + r["link_s"]
    return (
        f"{size:>8,} ads {config:<6} extract {r['extract_s']:7.1f} s "
        f"({r['ads'] / r['extract_s']:6,.0f} ads/s)  link {r['link_s']:6.1f} s "
        f"({r['ads'] / r['link_s']:6,.0f} ads/s)  total {total:7.1f} s  "
        f"cluster start {r['start_s']:4.1f} s  peak RSS driver {r['driver_extract_mb']:,.0f} MB "
        f"after extraction, {r['driver_mb']:,.0f} MB at the end, "
        f"workers [{workers}] MB  networks {r['networks']:,}"
    )


def _project(results: dict[tuple[int, str], dict[str, Any]]) -> None:
    """Per-ad costs of each configuration at its largest size, and a projection from them."""
    for config in sorted({c for _, c in results}, key=list(CONFIGS).index):
        sizes = sorted(s for s, c in results if c == config)
        size, run = sizes[-1], results[(sizes[-1], config)]
        workers = CONFIGS[config][1] if CONFIGS[config][0] == "dask" else 1
        extract_cost = run["extract_s"] * workers / size  # core-seconds per ad (wall x cores)
        link_cost = run["link_s"] * workers / size
        # Two sizes give the slope (memory that grows with the corpus); one size only the
        # whole peak per ad, start-up included, which overstates the growth: an upper bound.
        basis = "slope between sizes" if len(sizes) > 1 else "upper bound: one size"
        driver, worker = run["driver_mb"] / size, max(run["worker_mb"], default=0.0) / size
        if len(sizes) > 1:
            low = results[(sizes[0], config)]
            driver = (run["driver_mb"] - low["driver_mb"]) / (size - sizes[0])
            top, bottom = max(run["worker_mb"], default=0.0), max(low["worker_mb"], default=0.0)
            worker = (top - bottom) / (size - sizes[0])
        print(
            f"\n{config}: per ad at {size:,} ads: extract {extract_cost * 1e3:.2f} core-ms, "
            f"link {link_cost * 1e3:.2f} core-ms (wall x {workers} core(s)); per 1,000 ads: "
            f"driver {driver * 1e3:.2f} MB, largest worker {worker * 1e3:.2f} MB ({basis})"
        )
        for label, ads in (("150,000 ads a day", DAY), ("50-million-ad history", HISTORY)):
            cores = max(1, math.ceil(ads * (extract_cost + link_cost) / 3600))
            print(
                f"  projected {label}: extraction {ads * extract_cost / 3600:,.2f} + linking "
                f"{ads * link_cost / 3600:,.2f} core-hours (in 1 hour: {cores:,} cores); "
                f"driver {ads * driver / 1024:,.1f} GB; workers "
                f"{ads * worker * workers / 1024:,.1f} GB in all, shared among them"
            )


def main() -> None:
    """Prepare each size, run each configuration, print figures and the projection."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="Run on PostgreSQL (a server URL; databases scale_* are created there).",
    )
    parser.add_argument("--child", choices=["local", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return
    engine = "PostgreSQL" if args.postgres else "SQLite"
    load = os.getloadavg()[0]
    print(f"database: {engine}; machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    results: dict[tuple[int, str], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for size in args.sizes:
            template, ingest_s = _prepare(size, workdir, args.postgres)
            print(f"{size:>8,} ads ingested in {ingest_s:.1f} s (not counted below)", flush=True)
            for config in args.configs:
                results[(size, config)] = _measure(template, config, workdir, args.postgres)
                print(_line(size, config, results[(size, config)]), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    _project(results)


if __name__ == "__main__":
    main()
