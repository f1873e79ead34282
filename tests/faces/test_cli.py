"""`threadline faces` from the command line, on the shared test photos."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.faces.conftest import FACES, GALLERY, PROBES
from threadline.cli import main
from threadline.store import Database
from threadline.store.tables import audit_log

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`threadline ARGS` through the real entry point, in-process: (exit status, out, err)."""
    monkeypatch.setenv("THREADLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("THREADLINE_SECRET_KEY", "test-secret-key")
    monkeypatch.delenv("THREADLINE_DATABASE_URL", raising=False)

    def invoke(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["threadline", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return invoke


def _audit(tmp_path: Path) -> list[tuple[str, str]]:
    database = Database(f"sqlite:///{tmp_path / 'var' / 'threadline.db'}")
    with database.transaction() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
    database.dispose()
    return [(row.action, row.detail) for row in rows]


def _ads(tmp_path: Path) -> str:
    ads = tmp_path / "ads.jsonl"
    lines = [
        {"id": "a1", "title": "new in town", "images": [{"path": str(PROBES / "two_people.jpg")}]},
        {"id": "a2", "title": "sweet", "images": [{"path": str(PROBES / "obama-240p.jpg")}]},
    ]
    ads.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return str(ads)


@pytest.mark.slow
def test_enroll_analyze_match_and_review_from_the_command_line(run: Run, tmp_path: Path) -> None:
    status, _, err = run("faces", "enroll", str(GALLERY))
    assert (status, err.splitlines()[-1]) == (
        0,
        "enrolled 9 faces of 5 persons (0 already enrolled, 0 photos set aside); "
        "0 new candidates from analyzed ads queued for review",
    )

    status, out, err = run(
        "faces",
        "match",
        "--json",
        str(PROBES / "two_people.jpg"),
        str(PROBES / "lin-manuel-miranda.png"),
        str(FACES / "README.md"),
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert [(r["face"], r["person_id"], r["name"], r["confidence"]) for r in rows] == [
        (0, "obama", "obama", "strong"),
        (1, "biden", "biden", "strong"),
    ]
    assert sorted(rows[0]) == ["confidence", "distance", "face", "image", "name", "person_id"]
    assert f"{FACES / 'README.md'}: not an image in a supported format" in err

    audit = _audit(tmp_path)
    two = str(PROBES / "two_people.jpg")
    assert [action for action, _ in audit] == ["faces.enroll"] * 5 + ["faces.match"]
    assert json.loads(audit[-1][1]) == {"leads": [[two, 0, "obama"], [two, 1, "biden"]]}

    assert run("ingest", _ads(tmp_path), "--source", "t")[0] == 0
    status, _, err = run("faces", "analyze")
    assert err.splitlines()[-1].startswith(
        "read 2 images, 3 faces, 0 unusable; 3 candidates queued for review (threshold 0.6, "
        "model dlib-resnet-v1/frm-0.3.0). Candidates are leads for a trained reviewer, "
        "never identifications."
    )

    links = [json.loads(line) for line in run("faces", "links", "--json")[1].splitlines()]
    assert [(link["via"].split(":")[0], link["ads"]) for link in links] == [("face", [1, 2])]

    queue = [json.loads(line) for line in run("faces", "review", "list", "--json")[1].splitlines()]
    assert [(q["person_id"], q["ads"], q["status"]) for q in queue] == [
        ("biden", [1], "pending"),
        ("obama", [2], "pending"),
        ("obama", [1], "pending"),
    ]
    first, second = str(queue[0]["id"]), str(queue[1]["id"])
    status, out, _ = run(
        "faces",
        "review",
        "decide",
        first,
        "reject",
        "--reason",
        "different jaw",
        "--reviewer",
        "ana",
    )
    assert status == 0
    assert out.startswith(f"candidate {first}: rejected by ana at ")
    assert run("faces", "review", "decide", second, "confirm", "--reason", " ")[::2] == (
        1,
        "error: a decision needs a written reason and a reviewer\n",
    )
    assert [
        json.loads(line)["id"]
        for line in run("faces", "review", "list", "--status", "rejected", "--json")[1].splitlines()
    ] == [queue[0]["id"]]


def test_faces_help_says_candidates_are_leads(run: Run) -> None:
    status, out, _ = run("faces", "--help")
    assert status == 0
    assert "never an identification" in out
    for command in ("enroll", "analyze", "match", "review"):
        assert f"  {command} " in out
