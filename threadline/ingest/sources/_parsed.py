"""What a source reader yields for each line or row: an ad, or the reason it was rejected."""

from __future__ import annotations

from dataclasses import dataclass

from threadline.model import Ad


@dataclass(frozen=True, slots=True)
class Parsed:
    """One record read from a file: `ad` when it parsed, else `error`."""

    location: str  # "ads.jsonl:17"
    ad: Ad | None = None
    error: str = ""
