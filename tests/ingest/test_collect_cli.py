"""`threadline collect` on the local site: two rounds, analysis and saved searches after each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.ingest.conftest import Collector
from threadline.cli import cli
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.tables import ads, findings
from threadline.synth import SynthSite


@pytest.mark.slow
def test_collect_command_runs_two_rounds_and_analyzes(tmp_path: Path, collector: Collector) -> None:
    site = SynthSite(12, 11, None, remove_after_visits=1)
    url = site.start()
    env = collector.env()
    try:
        result = CliRunner().invoke(
            cli,
            ["collect", "synth-site", "--base-url", url, "--every", "0.1s", "--times", "2"],
            env=env,
            standalone_mode=False,
        )
    finally:
        site.stop()
    assert result.exception is None, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("crawl ")]
    assert [line.split("; ", 1)[1] for line in lines] == [
        "ads added 12, updated 0, unchanged 0, rejected 0, taken down 0",
        "ads added 0, updated 1, unchanged 10, rejected 0, taken down 1",
    ]
    database = Database(Settings(data_dir=tmp_path / "var").resolved_database_url())
    with database.transaction() as connection:
        removed = connection.execute(select(ads.c.ext_id).where(ads.c.removed_at.is_not(None)))
        assert list(removed.scalars()) == [site.ads[3].id]
        assert connection.execute(select(findings.c.ad_id).limit(1)).first() is not None
    database.dispose()
