"""A small classified-ad website serving the synthetic corpus on loopback, for crawl tests.

City listings (newest first, paginated), ad pages, images and a robots.txt. From epoch 1 on
some ads are taken down (404, gone from the listings) and some are edited, so two visits
show takedowns and new versions. With `bad_pages` the first city's first listing page also
links to pages that break crawlers: a missing title, 404, 500, a redirect loop, a huge page,
a page in cp1252 without a declared charset, and a slow page.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from threadline.synth._corpus import generate_ads
from threadline.synth._places import CITIES

__all__ = ["BAD_PAGES", "SiteAd", "SynthSite"]

Answer = tuple[int, dict[str, str], bytes]
Route = Callable[[str, dict[str, list[str]]], Answer]

_CITY_SLUGS = frozenset(city.slug for city in CITIES)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
_IMAGE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
BAD_PAGES: tuple[str, ...] = (
    "missing-title",
    "gone",
    "error",
    "loop",
    "huge",
    "latin1",
    "slow",
)


@dataclass(frozen=True, slots=True)
class SiteAd:
    """One ad as the site shows it."""

    index: int
    id: str
    city_slug: str
    city: str
    region: str
    title: str
    body: str
    posted_at: str
    images: tuple[str, ...]  # file names under the image folder

    def path(self) -> str:
        """The ad page's path."""
        return f"/{self.city_slug}/ad/{self.id}.html"


class SynthSite:
    """The corpus of `generate_ads(n, seed)` as a website; `epoch` moves takedowns on."""

    def __init__(
        self,
        n: int,
        seed: int,
        image_dir: Path | None = None,
        *,
        per_page: int = 20,
        removed_every: int = 10,
        bad_pages: bool = False,
        remove_after_visits: int | None = None,
        slow_seconds: float = 3.0,
    ) -> None:
        self.image_dir = image_dir
        self.per_page = per_page
        self.removed_every = removed_every
        self.bad_pages = bad_pages
        self.remove_after_visits = remove_after_visits
        self.slow_seconds = slow_seconds
        self.epoch = 0
        self.robots_visits = 0
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.ads = _site_ads(n, seed, image_dir)
        self._by_path = {ad.path(): ad for ad in self.ads}
        self._by_city = _by_city(self.ads)
        self._server: ThreadingHTTPServer | None = None

    def removed(self, ad: SiteAd) -> bool:
        """True when the ad is taken down in the current epoch."""
        return self.epoch >= 1 and ad.index % self.removed_every == 3

    def edited(self, ad: SiteAd) -> bool:
        """True when the ad shows an edited title in the current epoch."""
        return self.epoch >= 1 and ad.index % self.removed_every == 7

    def live(self) -> list[SiteAd]:
        """The ads on show now."""
        return [ad for ad in self.ads if not self.removed(ad)]

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        """Serve in a background thread; returns the base URL."""
        server = _QuietServer((host, port), _handler_for(self))
        self._server = server
        threading.Thread(target=server.serve_forever, name="synth-site", daemon=True).start()
        return f"http://{host}:{server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def respond(self, target: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a request target (path and query)."""
        parts = urlsplit(target)
        with self._lock:
            self.hits[parts.path] = self.hits.get(parts.path, 0) + 1
        for prefix, route in self._routes():
            if parts.path.startswith(prefix):
                return route(parts.path, parse_qs(parts.query))
        return self._listing_or_ad(parts.path, parse_qs(parts.query))

    def _routes(self) -> list[tuple[str, Route]]:
        return [
            ("/robots.txt", self._robots),
            ("/images/", self._image),
            ("/bad/ad/", self._bad),
        ]

    def _robots(
        self, _path: str, _query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.robots_visits += 1
            after = self.remove_after_visits
            if after is not None and self.robots_visits > after:
                self.epoch = max(self.epoch, 1)
        return 200, {"Content-Type": "text/plain"}, ROBOTS

    def _image(self, path: str, _query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        name = path.removeprefix("/images/")
        if self.image_dir is None or not _IMAGE_NAME.match(name):
            return _not_found()
        file = self.image_dir / name
        if not file.is_file():
            return _not_found()
        return 200, {"Content-Type": "image/jpeg"}, file.read_bytes()

    def _listing_or_ad(
        self, path: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        ad = self._by_path.get(path)
        if ad is not None:
            return _not_found() if self.removed(ad) else _page(self._ad_page(ad))
        city = path.strip("/")
        if path.endswith("/") and city in _CITY_SLUGS:
            return self._listing(city, _page_number(query))
        return _not_found()

    def _listing(self, city: str, page: int) -> tuple[int, dict[str, str], bytes]:
        shown = [ad for ad in self._by_city.get(city, []) if not self.removed(ad)]
        start = (page - 1) * self.per_page
        if page < 1 or (start >= len(shown) and page > 1):
            return _not_found()
        items = "".join(
            f'<li><a class="ad-link" href="{ad.path()}">{html.escape(self._title(ad))}</a></li>'
            for ad in shown[start : start + self.per_page]
        )
        extra = self._bad_links() if self.bad_pages and page == 1 and city == _first(self) else ""
        more = start + self.per_page < len(shown)
        nav = f'<a rel="next" href="/{city}/?page={page + 1}">next</a>' if more else ""
        body = f"<h1>{html.escape(city)}</h1><ul>{items}{extra}</ul>{nav}"
        return _page(body)

    def _bad_links(self) -> str:
        links = "".join(
            f'<li><a class="ad-link" href="/bad/ad/{n}.html">x</a></li>' for n in BAD_PAGES
        )
        return links + '<li><a class="ad-link" href="/private/ad/trap.html">x</a></li>'

    def _title(self, ad: SiteAd) -> str:
        return f"{ad.title} (updated)" if self.edited(ad) else ad.title

    def _ad_page(self, ad: SiteAd) -> str:
        photos = "".join(f'<img src="/images/{name}" alt="">' for name in ad.images)
        return (
            f'<h1 class="title">{html.escape(self._title(ad))}</h1>'
            f'<p>Post <span class="post-id">{html.escape(ad.id)}</span> '
            f'<time class="posted" datetime="{ad.posted_at}">{ad.posted_at}</time> '
            f'<span class="location">{html.escape(ad.city)}, {ad.region}</span></p>'
            f'<div class="body">{html.escape(ad.body)}</div>'
            f'<div class="photos">{photos}</div>'
        )

    def _bad(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        name = path.removeprefix("/bad/ad/").removesuffix(".html")
        if name == "missing-title":
            return _page('<p>no title here <span class="post-id">BAD1</span></p>')
        if name == "error":
            return 500, {"Content-Type": "text/plain"}, b"internal error"
        if name == "loop":  # a chain that never ends: each hop is a new URL
            hop = _page_number(query) + 1
            return 302, {"Location": f"{path}?page={hop}"}, b""
        if name == "huge":
            return _page("<p>" + "x" * 3_000_000 + "</p>")
        if name == "latin1":
            return _latin1_page()
        if name == "slow":
            time.sleep(self.slow_seconds)
            return _page('<h1 class="title">slow</h1><span class="post-id">SLOW</span>')
        return _not_found()


def _first(site: SynthSite) -> str:
    return next(iter(site._by_city))


def _latin1_page() -> tuple[int, dict[str, str], bytes]:
    body = (
        '<html><body><h1 class="title">Café “Crème” soirée</h1>'
        '<span class="post-id">LATIN1</span><div class="body">Très jolie — 25 ans</div>'
        "</body></html>"
    )
    return 200, {"Content-Type": "text/html"}, body.encode("cp1252")


def _page(inner: str) -> tuple[int, dict[str, str], bytes]:
    document = (
        f'<!doctype html><html><head><meta charset="utf-8"></head><body>{inner}</body></html>'
    )
    return 200, {"Content-Type": "text/html; charset=utf-8"}, document.encode("utf-8")


def _not_found() -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "text/plain"}, b"not found"


def _page_number(query: dict[str, list[str]]) -> int:
    raw = query.get("page", ["1"])[0]
    return int(raw) if raw.isdigit() and len(raw) < 7 else 0


def _site_ads(n: int, seed: int, image_dir: Path | None) -> list[SiteAd]:
    records = generate_ads(n, seed, image_dir, relative_to=image_dir)
    return [_site_ad(index, record) for index, record in enumerate(records)]


def _site_ad(index: int, record: dict[str, Any]) -> SiteAd:
    return SiteAd(
        index=index,
        id=record["id"],
        city_slug=record["url"].split("/")[3],
        city=record["city"],
        region=record["region"],
        title=record["title"],
        body=record["body"],
        posted_at=record["posted_at"],
        images=tuple(Path(image["path"]).name for image in record["images"]),
    )


def _by_city(ads: list[SiteAd]) -> dict[str, list[SiteAd]]:
    cities: dict[str, list[SiteAd]] = {}
    for ad in reversed(ads):  # newest first, as listings show them
        cities.setdefault(ad.city_slug, []).append(ad)
    return cities


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # crawlers that time out or cancel a huge page reset the connection


def _handler_for(site: SynthSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "synth-site"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, headers, body = site.respond(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: tests and benchmarks read the site's counters instead

    return Handler
