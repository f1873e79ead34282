"""Recovery of unfinished WARC files: complete records kept, a cut-off tail quarantined."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from threadline.ingest.archive import Fetched, WarcArchive, WarcResponse, iter_warc_responses
from threadline.ingest.recover import Recovered, recover_open_warcs


def _fetched(n: int) -> Fetched:
    return Fetched(
        url=f"http://127.0.0.1:9/new-york/ad/ad-{n}.html",
        status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=f"<h1 class='title'>Ad {n}</h1>".encode() * 20,
        request_headers=[("User-Agent", "tests")],
        fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def _finished_warc(folder: Path) -> tuple[bytes, list[int]]:
    """A closed WARC file of three ad pages: its bytes and its response records' offsets."""
    archive = WarcArchive(folder / "source", "crawl-a")
    offsets = [archive.write(_fetched(n))[1] for n in range(3)]
    archive.close()
    return archive.closed_files[0].read_bytes(), offsets


def _responses(path: Path) -> list[WarcResponse | str]:
    return list(iter_warc_responses(path))


def test_a_cut_off_record_is_quarantined_and_the_complete_ones_kept(tmp_path: Path) -> None:
    data, offsets = _finished_warc(tmp_path)
    cut = offsets[2] + 40  # the kill came 40 bytes into the third response record
    (tmp_path / "crawl-b-00001.warc.gz.open").write_bytes(data[:cut])
    [(name, found)] = recover_open_warcs(tmp_path)
    final = tmp_path / "crawl-b-00001.warc.gz"
    tail = tmp_path / "quarantine" / "crawl-b-00001.warc.gz.tail"
    reason = f"record cut off: it starts at byte {offsets[2]}, the file ends at {cut}"
    assert name == "crawl-b-00001.warc.gz.open"
    assert found == Recovered(final, 5, offsets[2], tail, reason)
    assert final.read_bytes() == data[: offsets[2]]
    assert tail.read_bytes() == data[offsets[2] : cut]
    assert (tmp_path / "quarantine" / "crawl-b-00001.warc.gz.tail.reason.txt").read_text() == (
        f"{reason}\nfrom crawl-b-00001.warc.gz.open, bytes {offsets[2]} to the end\n"
    )
    assert [r.url for r in _responses(final) if isinstance(r, WarcResponse)] == [
        _fetched(0).url,
        _fetched(1).url,
    ]
    assert not (tmp_path / "crawl-b-00001.warc.gz.open").exists()
    assert found.line(name) == (
        f"recovered crawl-b-00001.warc.gz.open: 5 complete records kept in "
        f"crawl-b-00001.warc.gz; tail to {tail} ({reason})"
    )


def test_a_complete_file_that_was_never_renamed_is_kept_whole(tmp_path: Path) -> None:
    data, _ = _finished_warc(tmp_path)
    (tmp_path / "crawl-b-00002.warc.gz.open").write_bytes(data)
    [(_, found)] = recover_open_warcs(tmp_path)
    final = tmp_path / "crawl-b-00002.warc.gz"
    assert found == Recovered(final, 7, len(data), None, "")
    assert final.read_bytes() == data
    assert not (tmp_path / "quarantine").exists()


def test_a_file_a_live_crawl_still_writes_is_left_alone(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "crawl-live")
    archive.write(_fetched(0))
    assert recover_open_warcs(tmp_path) == []
    assert (tmp_path / "crawl-live-00001.warc.gz.open").exists()
    archive.close()
    assert [p.name for p in tmp_path.iterdir()] == ["crawl-live-00001.warc.gz"]


def test_a_file_with_no_complete_record_is_removed_and_its_bytes_quarantined(
    tmp_path: Path,
) -> None:
    (tmp_path / "crawl-c-00001.warc.gz.open").write_bytes(gzip.compress(b"hello"))
    (tmp_path / "crawl-d-00001.warc.gz.open").write_bytes(b"")
    found = recover_open_warcs(tmp_path)
    tail = tmp_path / "quarantine" / "crawl-c-00001.warc.gz.tail"
    assert found == [
        ("crawl-c-00001.warc.gz.open", Recovered(None, 0, 0, tail, "not a WARC record at byte 0")),
        ("crawl-d-00001.warc.gz.open", Recovered(None, 0, 0, None, "")),
    ]
    assert tail.read_bytes() == gzip.compress(b"hello")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quarantine"]
