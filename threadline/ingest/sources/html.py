"""Saved HTML ad pages read through a site mapping; never raises on arbitrary bytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from lxml.etree import LxmlError
from parsel import Selector
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)

from threadline.errors import InputError
from threadline.ingest.mapping import Mapping
from threadline.ingest.sources._parsed import Parsed
from threadline.model import Ad, ad_from_record

__all__ = ["HTML_SUFFIXES", "parse_ad_page", "read_html"]

HTML_SUFFIXES = (".html", ".htm")
MAX_PAGE_BYTES = 20_000_000  # larger "ad pages" are not ads; parsing them would only cost memory


def read_html(path: Path, mapping: Mapping, url: str | None = None) -> Iterator[Parsed]:
    """The saved page as one ad (its URL defaults to the file's), or the reason it is not."""
    location = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Parsed(location, error=f"cannot read ({exc.strerror})")
        return
    found = parse_ad_page(data, url or path.absolute().as_uri(), "", mapping)
    yield Parsed(location, ad=found) if isinstance(found, Ad) else Parsed(location, error=found)


def parse_ad_page(
    data: bytes, url: str, content_type: str, mapping: Mapping, images: dict[str, str] | None = None
) -> Ad | str:
    """The ad on one page by the mapping, or why the page breaks it.

    `images` maps absolute image URLs to the SHA-256 of their archived bytes.
    """
    if len(data) > MAX_PAGE_BYTES:
        return f"page too large ({len(data)} bytes)"
    try:
        selector = _selector(data, content_type, url)
        record = _record(selector, url, mapping, images or {})
    except (ValueError, LxmlError) as exc:  # lxml refuses some control characters
        return f"unparseable page ({str(exc)[:80]})"
    if isinstance(record, str):
        return record
    try:
        return ad_from_record(record)
    except InputError as exc:
        return exc.detail


def _selector(data: bytes, content_type: str, url: str) -> Selector:
    return Selector(
        text=_page_text(data, content_type).replace("\x00", ""), base_url=url, type="html"
    )


def _page_text(data: bytes, content_type: str) -> str:
    """The page as text: by its BOM, header or declaration, else UTF-8, else Windows-1252.

    The last guess is made here, not by w3lib: its hook for it is deprecated (2.6), and its
    own guess (by the bytes and the domain) may name another encoding than the one the
    tests and the archives so far were read with.
    """
    header = content_type or None
    declared = read_bom(data)[0] or http_content_type_encoding(header)
    if declared is None and html_body_declared_encoding(data) is None:
        return data.decode(_guess_encoding(data), errors="replace")
    return html_to_unicode(header, data)[1]


def _guess_encoding(data: bytes) -> str:
    # Undeclared pages that are not UTF-8 are nearly always Windows-1252 on the open web.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _record(
    selector: Selector, url: str, mapping: Mapping, images: dict[str, str]
) -> dict[str, object] | str:
    fields = mapping.ad
    ad_id = _text(selector, fields.id)
    if not ad_id:
        return "the page breaks the mapping: ad.id matched nothing"
    title, body = _text(selector, fields.title), _text(selector, fields.body)
    if not title and not body:
        return "the page breaks the mapping: neither ad.title nor ad.body matched"
    city, region = _location(_text(selector, fields.location))
    return {
        "id": ad_id,
        "site": mapping.site,
        "url": url,
        "title": title,
        "body": body,
        "posted_at": _text(selector, fields.posted_at) or None,
        "city": city,
        "region": region,
        "country": mapping.country,
        "images": _images(selector, fields.images, url, images),
    }


def _select(selector: Selector, query: str) -> list[str]:
    if query.startswith("xpath:"):
        return [str(value) for value in selector.xpath(query.removeprefix("xpath:")).getall()]
    return [str(value) for value in selector.css(query).getall()]


def _text(selector: Selector, query: str | None) -> str:
    if query is None:
        return ""
    return "".join(_select(selector, query)).strip()


def _location(text: str) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    city, _, region = text.rpartition(",")
    if not city:
        return text[:200], None
    return city.strip()[:200] or None, region.strip()[:100] or None


def _images(
    selector: Selector, query: str | None, url: str, archived: dict[str, str]
) -> list[dict[str, str]]:
    if query is None:
        return []
    found: list[dict[str, str]] = []
    for src in _select(selector, query):
        absolute = urljoin(url, src.strip())
        entry = {"url": absolute}
        if absolute in archived:
            entry["sha256"] = archived[absolute]
        found.append(entry)
    return found
