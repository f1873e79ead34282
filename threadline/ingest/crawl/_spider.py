"""The generic Scrapy spider driven by a site mapping, retries with backoff, WARC recording.

The spider only follows links (listings, pagination, ad pages, images) and reports each
URL's outcome; the ads are read from the WARC files afterwards, so a crawl and an ingest of
someone else's WARC files take the same path.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from threadline.ingest.archive import Fetched, WarcArchive
from threadline.ingest.crawl._job import CrawlEvent, CrawlJob
from threadline.ingest.mapping import Mapping, load_mapping

# Images before ad pages before listing pages: what a listing found drains before the next
# listing page adds more, so the queue stays about one listing page per request in flight.
PRIORITIES = {"image": 20, "ad": 10, "recheck": 10, "listing": 0}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 408})
# Error pages reach the callbacks (a 404 is how a takedown shows); 3xx stay with the redirector.
_ERROR_STATUSES = list(range(400, 600))
RETRY_ERRORS = (
    TimeoutError,
    TCPTimedOutError,
    ConnectionRefusedError,
    ConnectionLost,
    DNSLookupError,
    ResponseFailed,
)


class MappingSpider(Spider):
    """Walks each city's listing pages, follows ad pages and their images."""

    name = "threadline"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.mapping: Mapping = load_mapping(Path(job.mapping_path))
        self.log_stream: IO[str] = open(job.log_path, "a", encoding="utf-8")  # noqa: SIM115
        # Only the known ads still to be seen are kept, so the spider holds no state per page.
        self.unseen_known: set[str] = set(job.recheck)
        self.rechecked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MappingSpider:
        """Connect the idle and close signals."""
        spider: MappingSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """The first listing page of every city."""
        for url in self.mapping.start_urls(self.job.base_url):
            yield self._request(url, "listing")

    def _request(self, url: str, kind: str) -> Request:
        callback = {"listing": self.parse_listing, "image": self.parse_image}.get(
            kind, self.parse_ad
        )
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta={"kind": kind, "handle_httpstatus_list": _ERROR_STATUSES},
            priority=PRIORITIES.get(kind, 0),
            dont_filter=kind == "recheck",
        )

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Ad links and the next page of a listing."""
        self.report(response.url, "listing", response.status, _status_error(response.status))
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        for href in _select(response, self.mapping.listing.ad_links):
            url = response.urljoin(href.strip())
            if self.mapping.is_ad_url(url):
                yield self._request(url, "ad")
        if self.mapping.listing.next_page:
            for href in _select(response, self.mapping.listing.next_page)[:1]:
                yield self._request(response.urljoin(href.strip()), "listing")

    def parse_ad(self, response: Response) -> Iterator[Request]:
        """Mark the ad seen and fetch its images (the WARC reader reads the fields)."""
        kind = str(response.meta.get("kind", "ad"))
        self.report(response.url, kind, response.status, _status_error(response.status))
        self.unseen_known.discard(response.request.url if response.request else response.url)
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        if self.mapping.ad.images:
            for src in _select(response, self.mapping.ad.images):
                yield self._request(response.urljoin(src.strip()), "image")

    def parse_image(self, response: Response) -> None:
        """Images are archived by the recorder; only failures are worth a line."""
        if response.status != 200:
            self.report(response.url, "image", response.status, _status_error(response.status))

    def on_error(self, failure: Failure) -> None:
        """A URL that gave no response: the reason, and the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind = str(request.meta.get("kind", "?")) if request is not None else "?"
        self.report(url, kind, 0, _failure_reason(failure))

    def on_idle(self) -> None:
        """Once the listings are walked, re-check known ads that were not listed."""
        if self.rechecked:
            return
        self.rechecked = True
        missing = [url for url in self.job.recheck if url in self.unseen_known]
        for url in missing:
            self.crawler.engine.crawl(self._request(url, "recheck"))
        if missing:
            raise DontCloseSpider

    def on_closed(self) -> None:
        """Flush the event log."""
        self.log_stream.close()

    def report(self, url: str, kind: str, status: int, error: str) -> None:
        """One event line; the parent reads the log after the crawl."""
        self.log_stream.write(CrawlEvent(url, kind, status, error).line())


def _select(response: TextResponse, query: str) -> list[str]:
    if query.startswith("xpath:"):
        return [str(v) for v in response.xpath(query.removeprefix("xpath:")).getall()]
    return [str(v) for v in response.css(query).getall()]


def _status_error(status: int) -> str:
    return "" if status == 200 else f"HTTP {status}"


def _failure_reason(failure: Failure) -> str:
    error = failure.value
    if isinstance(error, IgnoreRequest):
        return f"ignored: {error}" if str(error) else "ignored (robots.txt, redirect loop or size)"
    if isinstance(error, (TimeoutError, TCPTimedOutError)):
        return "timed out"
    text = str(error).splitlines()[0][:160] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class BackoffRetry:
    """Retries 5xx, 429, 408 and connection failures, waiting base × 2^n before retry n+1."""

    def __init__(self, retries: int, backoff: float) -> None:
        self.retries = retries
        self.backoff = backoff

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetry:
        """Read the limits from the crawl's settings."""
        settings = crawler.settings
        return cls(settings.getint("THREADLINE_RETRIES"), settings.getfloat("THREADLINE_BACKOFF"))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """A retryable status becomes the same request again, after the backoff."""
        if response.status in RETRY_STATUSES:
            again = await self._again(request)
            if again is not None:
                return again
        return response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        """A retryable failure becomes the same request again, after the backoff."""
        if isinstance(exception, RETRY_ERRORS):
            return await self._again(request)
        return None

    async def _again(self, request: Request) -> Request | None:
        tries = int(request.meta.get("threadline_retries", 0))
        if tries >= self.retries:
            return None
        await asyncio.sleep(self.backoff * 2**tries)
        meta = {**request.meta, "threadline_retries": tries + 1}
        retried: Request = request.replace(dont_filter=True, meta=meta)
        return retried


class WarcRecorder:
    """Writes every downloaded response (redirects, retries and errors too) to the WARC files."""

    def __init__(self, archive: WarcArchive) -> None:
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        """An archive in the crawl's WARC folder, closed when the spider closes."""
        settings = crawler.settings
        archive = WarcArchive(
            Path(settings.get("THREADLINE_WARC_DIR")), settings.get("THREADLINE_PREFIX")
        )
        recorder = cls(archive)
        crawler.signals.connect(recorder.record, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.close, signal=signals.spider_closed)
        return recorder

    def record(self, response: Response, request: Request) -> None:
        """Archive one exchange."""
        self.archive.write(
            Fetched(
                url=response.url,
                status=response.status,
                response_headers=_headers(response.headers),
                body=response.body,
                request_headers=_headers(request.headers),
                fetched_at=datetime.now(UTC),
                method=request.method,
                protocol=_protocol(response),
            )
        )

    def close(self) -> None:
        """Finish the last WARC file."""
        self.archive.close()


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _protocol(response: Response) -> str:
    protocol = getattr(response, "protocol", None)
    return protocol.upper() if isinstance(protocol, str) and protocol else "HTTP/1.1"
