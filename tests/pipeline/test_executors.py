"""Executors: the Dask executor gives exactly what the local one gives (one LocalCluster here)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, select

from threadline.cli import cli
from threadline.errors import InputError
from threadline.ingest import ingest_files
from threadline.pipeline import AnalyzeOptions, LocalExecutor, analyze, make_executor
from threadline.pipeline._dask import DaskExecutor
from threadline.store import BlobStore, Database
from threadline.store.tables import (
    ad_identifiers,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
    networks,
)
from threadline.synth import generate_ads

CORPUS = 1200  # two partitions of 1,000 and 200 ads
SEED = 11

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    """One LocalCluster of two single-threaded workers for the whole module."""
    executor = DaskExecutor(None, workers=2)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus as JSON lines, with images named by absolute path (workers read them)."""
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "ads.jsonl"
    records = list(generate_ads(CORPUS, SEED, folder / "images"))
    for record in records:
        for image in record.get("images") or ():
            image["path"] = str(folder / image["path"])
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _analyzed(database: Database, corpus: Path, folder: Path, executor: Any) -> dict[str, Any]:
    blobs = BlobStore(folder / "blobs")
    ingest_files(database, [corpus], "synth", blobs=blobs)
    options = AnalyzeOptions(folder / "link-state.pkl", blobs, b"test-key", link_partition=300)
    report = analyze(database, options, executor=executor)
    with database.transaction() as connection:
        return {"report": report, **_snapshot(connection)}


def _snapshot(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every analysis result, keyed by the ad's own id rather than by row numbers."""
    ext = ads.c.ext_id
    queries = {
        "findings": select(
            ext, findings.c.kind, findings.c.value, findings.c.start, findings.c.end,
            findings.c.text, findings.c.source, findings.c.attrs,
        ).join(ads, ads.c.id == findings.c.ad_id),
        "identifiers": select(
            ext, identifiers.c.kind, identifiers.c.value, identifiers.c.keyed_hash,
            ad_identifiers.c.start, ad_identifiers.c.end, ad_identifiers.c.source,
        ).join(ads, ads.c.id == ad_identifiers.c.ad_id)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id),
        "risk": select(
            ext, ad_risk.c.score, ad_risk.c.level, ad_risk.c.juvenile, ad_risk.c.reasons
        ).join(ads, ads.c.id == ad_risk.c.ad_id),
        "memberships": select(ext, memberships.c.network_id, memberships.c.via).join(
            ads, ads.c.id == memberships.c.ad_id
        ),
        "networks": select(
            networks.c.id, networks.c.size, networks.c.risk_max, networks.c.juvenile,
            networks.c.summary,
        ),
    }  # fmt: skip
    return {
        name: sorted(tuple(orjson.dumps(v) for v in row) for row in connection.execute(q))
        for name, q in queries.items()
    }


def test_dask_analysis_equals_local_analysis(
    database: Database, corpus: Path, tmp_path: Path, dask: DaskExecutor
) -> None:
    reference_db = Database(f"sqlite:///{tmp_path / 'local.db'}")
    reference_db.migrate()
    local = _analyzed(reference_db, corpus, tmp_path / "local", LocalExecutor())
    reference_db.dispose()
    distributed = _analyzed(database, corpus, tmp_path / "dask", dask)
    for name in ("findings", "identifiers", "risk", "networks"):
        assert distributed[name] == local[name], name
    if database.dialect == "sqlite":  # the driver writes: everything in the same order
        assert distributed["memberships"] == local["memberships"]
    # On PostgreSQL the workers write concurrently, so identifier row ids come in another
    # order, and two identifiers found at the same offset (a phone and the WhatsApp handle
    # of that number) may be listed in `via` the other way round: same networks, same vias.
    assert _unordered_vias(distributed["memberships"]) == _unordered_vias(local["memberships"])
    assert distributed["report"] == local["report"]
    report = local["report"]
    assert (report.extracted, report.linked) == (CORPUS, CORPUS)
    assert report.networks == len(local["networks"]) > 10
    assert report.images_hashed == len(set(_image_digests(corpus))) > 100


def _unordered_vias(rows: list[tuple[bytes, ...]]) -> list[tuple[bytes, bytes, list[str]]]:
    return [(ad, network, sorted(orjson.loads(via))) for ad, network, via in rows]


def _image_digests(corpus: Path) -> Iterator[str]:
    for line in corpus.read_bytes().splitlines():
        for image in orjson.loads(line).get("images") or ():
            yield hashlib.sha256(Path(image["path"]).read_bytes()).hexdigest()


def _cli(*args: str, env: dict[str, str] | None = None) -> bytes:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _three_ads(folder: Path) -> Path:
    """Two ads sharing a phone written two ways, and one alone."""
    ads_file = folder / "ads.jsonl"
    lines = [
        {"id": "a", "body": "Call 702-555-0142 tonight"},
        {"id": "b", "body": "text me at (702) 555 0142"},
        {"id": "c", "body": "ask for Mia 312-555-0199"},
    ]
    ads_file.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return ads_file


def test_analyze_command_runs_on_the_named_scheduler(tmp_path: Path, dask: DaskExecutor) -> None:
    ads_file = _three_ads(tmp_path)
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var"), "THREADLINE_DATABASE_URL": ""}
    _cli("ingest", str(ads_file), env=env)
    result = CliRunner().invoke(
        cli, ["analyze", "--executor", "dask", "--scheduler", dask.address], env=env
    )
    assert result.exit_code == 0, result.output
    assert "extracted 3, hashed 0 images, linked 3 ads into 1 networks" in result.stderr


@pytest.mark.parametrize("command", ["extract", "link"])
def test_cli_on_dask_writes_what_local_writes(
    command: str, corpus: Path, dask: DaskExecutor, tmp_path: Path
) -> None:
    local = _cli(command, "-i", str(corpus))
    remote = _cli(command, "-i", str(corpus), "--executor", "dask", "--scheduler", dask.address)
    assert remote == local
    assert len(local.splitlines()) == CORPUS


def test_link_on_dask_hashes_images_on_the_workers(corpus: Path, dask: DaskExecutor) -> None:
    output = _cli("link", "-i", str(corpus), "--executor", "dask", "--scheduler", dask.address)
    vias = [v for line in output.splitlines() for v in orjson.loads(line)["via"]]
    assert sum(v.startswith("image:") for v in vias) > 50


def test_dask_map_keeps_partition_order_and_runs_on_workers(dask: DaskExecutor) -> None:
    assert list(dask.map(abs, [-3, 2, -1, 0, -7, 5, -4, 8, -9])) == [3, 2, 1, 0, 7, 5, 4, 8, 9]
    pids = set(dask.map(_pid, range(8)))
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def _pid(_: int) -> int:
    return os.getpid()


def test_make_executor_names_and_refusals() -> None:
    assert make_executor("local").name == "local"
    with pytest.raises(InputError, match="unknown executor 'spark'"):
        make_executor("spark")
    with pytest.raises(InputError, match="--scheduler needs --executor dask"):
        make_executor("local", "tcp://127.0.0.1:8786")


@pytest.mark.parametrize(
    ("name", "scheduler", "workers", "message"),
    [
        ("local", None, 2, "--dask-workers needs --executor dask"),
        (
            "dask",
            "tcp://127.0.0.1:8786",
            2,
            "--dask-workers sizes a LocalCluster; a --scheduler has its own",
        ),
        ("dask", None, 0, "--dask-workers must be at least 1, not 0"),
    ],
)
def test_make_executor_refuses_workers_it_cannot_use(
    name: str, scheduler: str | None, workers: int, message: str
) -> None:
    with pytest.raises(InputError) as refused:
        make_executor(name, scheduler, workers)
    assert refused.value.detail == message


def test_dask_workers_sizes_the_local_cluster() -> None:
    executor = make_executor("dask", None, 1)
    try:
        assert executor.threads() == 1
        assert len(set(executor.map(_pid, range(4)))) == 1
    finally:
        executor.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dask-workers", "3"], "--dask-workers needs --executor dask"),
        (["--executor", "dask", "--dask-workers", "0"], "--dask-workers must be at least 1, not 0"),
    ],
)
@pytest.mark.parametrize("command", ["extract", "link", "analyze"])
def test_cli_refuses_dask_workers_it_cannot_use(
    command: str, args: list[str], message: str, tmp_path: Path
) -> None:
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var"), "THREADLINE_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, [command, *args], env=env, input="")
    assert isinstance(result.exception, InputError)  # `threadline` prints it as one line
    assert result.exception.detail == message


def test_dask_analysis_of_an_empty_database_links_nothing(
    database: Database, tmp_path: Path, dask: DaskExecutor
) -> None:
    options = AnalyzeOptions(tmp_path / "state.pkl", BlobStore(tmp_path / "blobs"), b"key")
    report = analyze(database, options, executor=dask)
    assert (report.extracted, report.linked, report.networks, report.set_aside) == (0, 0, 0, 0)


def test_after_a_dask_run_the_local_executor_rebuilds_its_state(
    database: Database, tmp_path: Path, dask: DaskExecutor
) -> None:
    ingest_files(database, [_three_ads(tmp_path)], "test")
    options = AnalyzeOptions(tmp_path / "state.pkl", BlobStore(tmp_path / "blobs"), b"key")
    first = analyze(database, options)
    assert options.state_path.exists()
    on_dask = analyze(database, options, executor=dask)
    assert not options.state_path.exists()  # its networks may no longer be the stored ones
    again = analyze(database, options)
    assert (first.rebuilt, on_dask.rebuilt, again.rebuilt) == (True, True, True)
    assert first.networks == on_dask.networks == again.networks == 1


def _appended(items: list[int], last: int) -> list[int]:
    return [*items, last]


@pytest.mark.parametrize("kind", ["local", "dask"])
def test_put_submit_and_gather_pass_handles_for_their_values(kind: str, dask: DaskExecutor) -> None:
    run = dask if kind == "dask" else LocalExecutor()
    data = run.put([1, 2, 3])  # a list is sent whole, not element by element
    total = run.submit(sum, data)
    both = run.submit(_appended, data, total)
    nested = run.submit(len, [data, total])  # handles inside a list stand for their values
    run.wait([both, nested])
    assert run.gather([total, both, nested]) == [6, [1, 2, 3, 6], 2]
