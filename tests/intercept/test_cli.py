"""`threadline intercept …` and `threadline validate --kind script`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

from threadline.cli import cli
from threadline.intercept import Intake, InterceptConfig, handle_batch
from threadline.settings import Settings
from threadline.store import Database

SCRIPTS = Path(__file__).parents[2] / "threadline" / "intercept" / "scripts"


def invoke(tmp_path: Path, *args: str) -> Result:
    env = {
        "THREADLINE_DATA_DIR": str(tmp_path / "var"),
        "THREADLINE_SECRET_KEY": "k",
        "THREADLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_campaign_add_list_and_ad(tmp_path: Path) -> None:
    added = invoke(
        tmp_path,
        "intercept",
        "campaign",
        "add",
        "reno-1",
        "--number",
        "+17755550100",
        "--script",
        "example-en",
    )
    assert added.output == "campaign 1: reno-1 on +17755550100\n"
    by_file = invoke(
        tmp_path,
        "intercept",
        "campaign",
        "add",
        "reno-es",
        "--number",
        "+17755550101",
        "--script",
        str(SCRIPTS / "example-es.yaml"),
    )
    assert by_file.exit_code == 0
    ad = invoke(
        tmp_path,
        "intercept",
        "campaign",
        "ad",
        "reno-1",
        "--site",
        "classifieds.example",
        "--city",
        "Reno",
        "--posted-at",
        "2026-11-01T12:00:00Z",
        "--text",
        "Decoy text",
    )
    assert ad.output == "ad 1 recorded for reno-1\n"
    listed = [
        json.loads(line)
        for line in invoke(tmp_path, "intercept", "campaign", "list").output.splitlines()
    ]
    assert [(c["name"], c["number"], c["script"]) for c in listed] == [
        ("reno-1", "+17755550100", "example-en@1"),
        ("reno-es", "+17755550101", "example-es@1"),
    ]


def test_stats_json_and_report(tmp_path: Path) -> None:
    invoke(
        tmp_path,
        "intercept",
        "campaign",
        "add",
        "c1",
        "--number",
        "+17755550100",
        "--script",
        "example-en",
    )
    settings = Settings(
        data_dir=tmp_path / "var",
        secret_key="k",  # type: ignore[arg-type]
        database_url=f"sqlite:///{tmp_path / 'cli.db'}",
        intercept_delay_scale=0,
    )
    database = Database(settings.resolved_database_url())
    intake = Intake(
        "json", "m1", "+17755550142", "+17755550100", "my name is Sam", datetime.now(UTC)
    )
    handle_batch(database, InterceptConfig.from_settings(settings), [intake], [True])
    figures = json.loads(invoke(tmp_path, "intercept", "stats", "--json").output)
    assert (figures["buyers"], figures["messages"], figures["conversations"]) == (1, 1, 1)
    report = json.loads(invoke(tmp_path, "intercept", "report", "1").output)
    assert report["report"]["conversations"][0]["facts"][0]["value"] == "Sam"
    assert "<footer>SHA-256" in invoke(tmp_path, "intercept", "report", "1", "--html").output


def test_send_due_with_nothing_due(tmp_path: Path) -> None:
    assert (
        invoke(tmp_path, "intercept", "send-due").output
        == "sent 0, failed 0, cancelled 0, to retry 0\n"
    )


def test_validate_checks_the_shipped_scripts(tmp_path: Path) -> None:
    result = invoke(tmp_path, "validate", "--kind", "script")
    assert "script example-en.yaml: ok\nscript example-es.yaml: ok\n" in result.output


def test_validate_reports_a_bad_script(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCRIPTS / "example-en.yaml").read_text().replace("not over text", "it is $150"))
    result = CliRunner().invoke(
        cli,
        ["validate", "--kind", "script", str(bad)],
        env={"THREADLINE_DATA_DIR": str(tmp_path / "var")},
    )
    assert "replies.ask_price.any[0]: forbidden wording '$1'" in result.output
    assert "script bad.yaml: INVALID" in result.output
