"""The screening API's request and response bodies (pydantic, so the OpenAPI is exact)."""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime
from typing import Annotated, Literal

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TEXT = 100_000
MAX_IMAGES = 20
MAX_IMAGE_BYTES = 1_500_000
MAX_BATCH = 1000

Text200 = Annotated[str, Field(max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageIn(_In):
    """An image of the ad: a URL (not fetched) or the bytes as base64."""

    url: str | None = Field(default=None, max_length=2048)
    data: str | None = Field(
        default=None,
        max_length=MAX_IMAGE_BYTES * 4 // 3 + 4,
        description="The image file as standard base64 (JPEG, PNG, GIF or WebP).",
    )
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _one_source(self) -> ImageIn:
        if (self.url is None) == (self.data is None):
            raise ValueError("an image has exactly one of url and data")
        return self

    @field_validator("data")
    @classmethod
    def _is_image(cls, value: str | None) -> str | None:
        if value is not None:
            check_image(decode_base64(value))
        return value

    def content(self) -> bytes | None:
        """The decoded image bytes, or None for a URL."""
        return None if self.data is None else decode_base64(self.data)


class AdIn(_In):
    """One ad record (DESIGN.md contract); `id` and one of title or body are required."""

    id: str = Field(min_length=1, max_length=512)
    site: Text200 | None = None
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(default="", max_length=MAX_TEXT)
    body: str = Field(default="", max_length=MAX_TEXT)
    posted_at: datetime | None = None
    city: Text200 | None = None
    region: Text200 | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    images: list[ImageIn] = Field(default_factory=list, max_length=MAX_IMAGES)

    @model_validator(mode="after")
    def _has_text(self) -> AdIn:
        if not self.title.strip() and not self.body.strip():
            raise ValueError("an ad needs a title or a body")
        return self


class BatchIn(_In):
    """Up to 1,000 ads screened in one call."""

    ads: list[AdIn] = Field(min_length=1, max_length=MAX_BATCH)


class AccountIn(_In):
    """The platform's own data about the account that posted the ad."""

    account_id: str = Field(min_length=1, max_length=200)
    username: Text200 | None = None
    display_name: Text200 | None = None
    email: Text200 | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    created_at: datetime | None = None
    ip_address: Annotated[str, Field(max_length=64)] | None = None
    profile_url: str | None = Field(default=None, max_length=2048)


class ReportIn(_In):
    """An ad the platform judged suspicious, forwarded to investigators with its account."""

    ad: AdIn
    account: AccountIn
    reason: str = Field(min_length=1, max_length=4000)


class SpanOut(BaseModel):
    """Offsets into the ad's text: the title, a newline, then the body."""

    start: int
    end: int


class ReasonOut(BaseModel):
    """An indicator code (`youth.fresh`) or a rule (`rule:watchlist`) and where it showed."""

    code: str
    spans: list[SpanOut]


class WatchlistOut(BaseModel):
    """Whether any identifier or image is on a watchlist, and of which kinds (never which)."""

    hit: bool
    kinds: list[str]


class ScreenOut(BaseModel):
    """The decision about one ad."""

    request_id: str
    ad_id: str
    decision: Literal["allow", "review", "block"]
    score: float
    reasons: list[ReasonOut]
    watchlist: WatchlistOut
    rules_version: str


class BatchOut(BaseModel):
    """Decisions in the order the ads were sent."""

    results: list[ScreenOut]


class ReportOut(BaseModel):
    """The receipt for a forwarded report."""

    report_id: str
    status: Literal["queued"]


class WatchHashOut(BaseModel):
    """One watchlist entry as the platform's keyed hash."""

    kind: str
    hash: str


class WatchlistDownload(BaseModel):
    """The platform's hashed watchlist, for matching offline."""

    algorithm: Literal["HMAC-SHA256"]
    key: str = Field(description="The platform's own HMAC key, hex; keep it secret.")
    message: str = Field(description="What is hashed: `kind:value` with the value normalized.")
    normalization: dict[str, str]
    entries: list[WatchHashOut]


def decode_base64(value: str) -> bytes:
    """Standard base64 to bytes; ValueError with a clear message otherwise."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("image data is not valid base64") from exc


def check_image(data: bytes) -> None:
    """ValueError unless the bytes are an image Pillow can read and it is not too large."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"image is larger than {MAX_IMAGE_BYTES} bytes")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        raise ValueError("image data is not an image") from exc
