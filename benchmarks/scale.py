"""Analysis at scale: `python benchmarks/scale.py [--sizes N ...] [--configs local dask1 dask2]`.

For each size: a synthetic corpus (no images) is ingested once into a SQLite database; each
configuration then analyzes a fresh copy of it in a child process: the local executor, and
the Dask executor on a LocalCluster of 1 or 2 single-threaded workers. Printed per run:
extraction time (on the executor), linking time (the driver: evidence, LinkState, networks
stored), the driver's and each worker's peak RSS. Then the per-ad costs, and a projection of
the cluster for 150,000 ads a day and for a 50-million-ad history from those costs.
"""

from __future__ import annotations

import argparse
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
    executor = make_executor(executor_name, None, workers)
    ready = time.perf_counter()
    extracted = extract_stored(database, options, executor=executor)
    extract_done = time.perf_counter()
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
        f"cluster start {r['start_s']:4.1f} s  peak RSS driver {r['driver_mb']:,.0f} MB, "
        f"workers [{workers}] MB  networks {r['networks']:,}"
    )


def _project(results: dict[tuple[int, str], dict[str, Any]]) -> None:
    """Cluster size from the largest measured local run's per-ad costs (a projection)."""
    size = max(s for s, c in results if c == "local")
    local = results[(size, "local")]
    extract_cost = local["extract_s"] / size  # CPU-seconds per ad on one core
    link_cost = local["link_s"] / size  # driver seconds per ad (serial)
    sizes = sorted(s for s, c in results if c == "local")
    # Two sizes give the slope (memory that grows with the corpus); one size only the whole
    # peak per ad, start-up included, which overstates the growth: an upper bound.
    memory_basis = "slope between sizes" if len(sizes) > 1 else "upper bound: one size"
    mb_per_ad = local["driver_mb"] / size
    if len(sizes) > 1:
        low, high = results[(sizes[0], "local")], results[(sizes[-1], "local")]
        mb_per_ad = (high["driver_mb"] - low["driver_mb"]) / (sizes[-1] - sizes[0])
    print(
        f"\nper-ad costs (measured, {size:,} ads, local): extract {extract_cost * 1e3:.2f} ms, "
        f"link {link_cost * 1e3:.2f} ms, driver memory {mb_per_ad * 1e3:.2f} MB per 1,000 ads "
        f"({memory_basis})"
    )
    for label, ads in (("150,000 ads a day", DAY), ("50-million-ad history", HISTORY)):
        extract_core_h = ads * extract_cost / 3600
        link_h = ads * link_cost / 3600
        print(
            f"projected {label}: extraction {extract_core_h:,.2f} core-hours "
            f"(in 1 hour: {max(1, round(extract_core_h + 0.5)):,} worker cores), "
            f"linking {link_h:,.2f} h on the driver (serial), "
            f"driver memory {ads * mb_per_ad / 1024:,.1f} GB for the link state"
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
    if any(c == "local" for _, c in results):
        _project(results)


if __name__ == "__main__":
    main()
