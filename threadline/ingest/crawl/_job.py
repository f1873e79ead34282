"""What one crawl is asked to do, and what it reported, as plain data across the process line."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["CrawlEvent", "CrawlJob", "read_events"]


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """A crawl's parameters; written as JSON for the child process."""

    mapping_path: str
    base_url: str
    warc_dir: str
    prefix: str
    log_path: str
    user_agent: str
    obey_robots: bool = True
    robots_reason: str = ""  # recorded in the job file kept beside the WARC files
    delay: float = 1.0
    concurrency: int = 2
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubles with each
    timeout: float = 30.0
    max_page_bytes: int = 10_000_000
    max_redirects: int = 5
    max_pages: int = 0  # 0: no bound
    max_seconds: float = 0.0  # 0: no bound; past it the crawl closes as after its last page
    recheck: tuple[str, ...] = field(default=())  # known ad URLs to re-check if not listed

    def dump(self, path: Path) -> None:
        """Write the job as JSON."""
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        """Read a job written by `dump`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        data["recheck"] = tuple(data.get("recheck", ()))
        return cls(**data)


@dataclass(frozen=True, slots=True)
class CrawlEvent:
    """One URL's outcome: kind (listing, ad, image, recheck), status, and a reason if it failed."""

    url: str
    kind: str
    status: int = 0
    error: str = ""

    def line(self) -> str:
        """The event as one JSON line."""
        return json.dumps(asdict(self), ensure_ascii=False) + "\n"


def read_events(path: Path) -> list[CrawlEvent]:
    """Every event in a crawl log; a torn last line (a killed crawl) is skipped."""
    events: list[CrawlEvent] = []
    if not path.is_file():
        return events
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            try:
                events.append(CrawlEvent(**json.loads(line)))
            except (ValueError, TypeError):
                continue
    return events
