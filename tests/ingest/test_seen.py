"""The crawl's duplicate-request filter: on disk, exact, and gone when the crawl closes."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from threadline.ingest.crawl._seen import DiskDupeFilter
from threadline.ingest.crawl._spider import PRIORITIES


def test_a_request_is_seen_once_and_the_file_goes_at_close(tmp_path: Path) -> None:
    path = tmp_path / "crawl.seen.sqlite"
    path.write_bytes(b"left by a killed crawl")
    seen = DiskDupeFilter(path, RequestFingerprinter())
    urls = ["http://127.0.0.1:9/a.html", "http://127.0.0.1:9/b.html", "http://127.0.0.1:9/a.html"]
    answers = [seen.request_seen(Request(url)) for url in urls]
    answers.append(seen.request_seen(Request("http://127.0.0.1:9/a.html", method="POST")))
    assert answers == [False, False, True, False]
    assert seen.db.execute("SELECT count(*) FROM seen").fetchone() == (3,)
    seen.close("finished")
    assert not path.exists()


def test_what_a_listing_found_drains_before_the_next_listing_page() -> None:
    assert PRIORITIES["image"] > PRIORITIES["ad"] == PRIORITIES["recheck"] > PRIORITIES["listing"]
