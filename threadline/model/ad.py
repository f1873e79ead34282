"""An advertisement as Threadline reads it, after ingest and before analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ImageRef:
    """One image of an ad: where it was found and, when known, its content hash."""

    url: str | None = None
    path: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Ad:
    """An ad record (the data contract in DESIGN.md); unknown fields stay in `extra`."""

    id: str
    title: str = ""
    body: str = ""
    site: str | None = None
    url: str | None = None
    posted_at: datetime | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    images: tuple[ImageRef, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def text(self) -> str:
        """Title and body as one text; extractors' offsets point into this."""
        if self.title and self.body:
            return f"{self.title}\n{self.body}"
        return self.title or self.body
