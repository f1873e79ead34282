"""HTML and WARC readers: exact fields, wrong encodings, and no exception on any bytes."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.ingest.archive import Fetched, WarcArchive, iter_warc_responses, verify_capture
from threadline.ingest.mapping import load_mapping, resolve_mapping
from threadline.ingest.sources.html import parse_ad_page
from threadline.ingest.sources.warc import index_images, read_warc
from threadline.model import Ad, ImageRef

MAPPING = load_mapping(resolve_mapping("synth-site"))
URL = "http://127.0.0.1:9/reno/ad/A7.html"
PAGE = (
    '<html><body><h1 class="title">Hi &amp; bye</h1><span class="post-id"> A7 </span>'
    '<time class="posted" datetime="2026-03-01T10:00:00+00:00"></time>'
    '<span class="location">Reno, NV</span><div class="body">line one\nline two</div>'
    '<div class="photos"><img src="/images/a.jpg"><img src="b.jpg"></div></body></html>'
)
MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _fetched(url: str, body: bytes, kind: str = "text/html; charset=utf-8") -> Fetched:
    return Fetched(url, 200, [("Content-Type", kind)], body, [("User-Agent", "t")], MOMENT)


def test_parse_ad_page_reads_every_mapped_field() -> None:
    found = parse_ad_page(
        PAGE.encode(), URL, "", MAPPING, {"http://127.0.0.1:9/images/a.jpg": "ab"}
    )
    assert found == Ad(
        id="A7",
        title="Hi & bye",
        body="line one\nline two",
        site="synth-site.test",
        url=URL,
        posted_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        city="Reno",
        region="NV",
        country="US",
        images=(
            ImageRef(url="http://127.0.0.1:9/images/a.jpg", sha256="ab"),
            ImageRef(url="http://127.0.0.1:9/reno/ad/b.jpg"),
        ),
    )


def test_undeclared_cp1252_page_is_decoded() -> None:
    page = '<h1 class="title">Café “Crème”</h1><span class="post-id">L1</span>'
    found = parse_ad_page(page.encode("cp1252"), URL, "text/html", MAPPING)
    assert isinstance(found, Ad)
    assert found.title == "Café “Crème”"


def test_page_without_id_breaks_the_mapping() -> None:
    found = parse_ad_page(b'<h1 class="title">x</h1>', URL, "", MAPPING)
    assert found == "the page breaks the mapping: ad.id matched nothing"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_ad_page_never_raises_on_bytes(data: bytes) -> None:
    found = parse_ad_page(data, URL, "text/html", MAPPING)
    assert isinstance(found, (Ad, str))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000), st.booleans())
def test_warc_reader_never_raises_on_bytes(tmp_path: Path, data: bytes, zipped: bool) -> None:
    path = tmp_path / ("x.warc.gz" if zipped else "x.warc")
    path.write_bytes(gzip.compress(data) if zipped else data)
    items = list(read_warc(path, MAPPING))
    assert all(item.parsed.ad is None or item.capture is not None for item in items)
    assert isinstance(index_images(path, None), dict)


def test_warc_round_trip_gives_ads_with_verifiable_captures(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "t")
    archive.write(_fetched("http://127.0.0.1:9/images/a.jpg", b"JPEG", "image/jpeg"))
    path, offset = archive.write(_fetched(URL, PAGE.encode()))
    archive.write(_fetched("http://127.0.0.1:9/reno/", b"<p>listing</p>"))
    archive.close()
    images = index_images(path, None)
    pages = list(read_warc(path, MAPPING, images))
    assert [page.parsed.ad.id for page in pages if page.parsed.ad] == ["A7"]
    capture = pages[0].capture
    assert capture is not None
    assert (capture.offset, capture.url, capture.fetched_at) == (offset, URL, MOMENT)
    assert verify_capture(path, capture.offset, capture.sha256) is True
    assert pages[0].parsed.ad is not None
    assert pages[0].parsed.ad.images[0].sha256 == images["http://127.0.0.1:9/images/a.jpg"]


def test_tampered_warc_fails_verification(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "t")
    path, offset = archive.write(_fetched(URL, PAGE.encode()))
    archive.close()
    record = next(r for r in iter_warc_responses(path) if not isinstance(r, str))
    assert verify_capture(path, offset, record.sha256) is True
    data = bytearray(path.read_bytes())
    data[offset + 40] ^= 0xFF
    path.write_bytes(bytes(data))
    assert verify_capture(path, offset, record.sha256) is False


def test_open_warc_file_is_not_final_until_closed(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "t")
    archive.write(_fetched(URL, PAGE.encode()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t-00001.warc.gz.open"]
    archive.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t-00001.warc.gz"]


def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "t")
    archive.write(_fetched(URL, PAGE.encode()))
    _path, cut = archive.write(_fetched(URL.replace("A7", "A8"), PAGE.replace("A7", "A8").encode()))
    archive.close()
    path = tmp_path / "t-00001.warc.gz"
    path.write_bytes(path.read_bytes()[: cut + 30])
    pages = list(read_warc(path, MAPPING))
    assert [page.parsed.ad.id for page in pages if page.parsed.ad] == ["A7"]
    assert [page.parsed.location for page in pages if page.parsed.error] == ["t-00001.warc.gz"]
