"""Site mappings: YAML files that tell the generic spider and the HTML reader where things are.

A mapping names the start URLs (a path template per city), the listing page's ad links and
next-page link, and the ad page's fields as CSS selectors (parsel syntax, `::text` and
`::attr(name)` allowed) or XPath (prefixed `xpath:`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from threadline.errors import InputError

__all__ = [
    "MAPPINGS_DIR",
    "SHIPPED_MAPPINGS",
    "AdSelectors",
    "ListingSelectors",
    "Mapping",
    "Politeness",
    "load_mapping",
    "read_mapping",
    "resolve_mapping",
    "validate_mapping",
]

MAPPINGS_DIR = Path(__file__).parent / "mappings"
SHIPPED_MAPPINGS: tuple[Path, ...] = tuple(sorted(MAPPINGS_DIR.glob("*.yaml")))

SelectorText = Annotated[str, Field(min_length=1, max_length=500)]


def _check_selector(value: str) -> str:
    """The selector, if parsel can compile it; ValueError naming the problem otherwise."""
    probe = Selector(text="<html></html>")
    try:
        if value.startswith("xpath:"):
            probe.xpath(value.removeprefix("xpath:"))
        else:
            probe.css(value)
    except (ValueError, SyntaxError) as exc:  # cssselect and lxml both raise ValueError kinds
        raise ValueError(f"bad selector {value!r}: {exc}") from exc
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListingSelectors(_Strict):
    """Where a listing page keeps its ad links and the link to the next page."""

    ad_links: SelectorText
    next_page: SelectorText | None = None

    _check = field_validator("ad_links", "next_page")(
        lambda value: None if value is None else _check_selector(value)
    )


class AdSelectors(_Strict):
    """Where an ad page keeps each field; `id` is the site's own ad id."""

    id: SelectorText
    title: SelectorText
    body: SelectorText
    posted_at: SelectorText | None = None
    location: SelectorText | None = None  # "City, ST": split into city and region
    images: SelectorText | None = None

    _check = field_validator("id", "title", "body", "posted_at", "location", "images")(
        lambda value: None if value is None else _check_selector(value)
    )


class Politeness(_Strict):
    """How gently to crawl the site; robots.txt is obeyed unless a reason is recorded."""

    obey_robots: bool = True
    robots_reason: str = ""
    delay: float = Field(default=1.0, ge=0.0, le=600.0)
    concurrency: int = Field(default=2, ge=1, le=64)

    @model_validator(mode="after")
    def _reason_for_ignoring_robots(self) -> Politeness:
        if not self.obey_robots and not self.robots_reason.strip():
            raise ValueError("obey_robots: false needs a robots_reason")
        return self


class Mapping(_Strict):
    """One site: where to start, how to walk its listings, how to read an ad page."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")
    site: str = Field(min_length=1, max_length=200)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    base_url: str = Field(pattern=r"^https?://[^/\s]+$")
    start_path: str = Field(pattern=r"^/")
    cities: tuple[str, ...] = Field(min_length=1)
    ad_url_pattern: str = Field(min_length=1)  # regex a URL matches when it is an ad page
    listing: ListingSelectors
    ad: AdSelectors
    politeness: Politeness = Politeness()

    @field_validator("ad_url_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def start_urls(self, base_url: str | None = None) -> list[str]:
        """The first listing page of every city, under `base_url` (default the mapping's)."""
        base = (base_url or self.base_url).rstrip("/")
        return [base + self.start_path.format(city=city) for city in self.cities]

    def is_ad_url(self, url: str) -> bool:
        """True when the URL is an ad page by the mapping's pattern."""
        return re.search(self.ad_url_pattern, url) is not None


def load_mapping(path: Path) -> Mapping:
    """A mapping from its YAML file; OSError, yaml.YAMLError or ValidationError when bad."""
    with open(path, encoding="utf-8") as stream:
        return Mapping.model_validate(yaml.safe_load(stream))


def resolve_mapping(name_or_path: str) -> Path:
    """A mapping file by path, or a shipped one by its name (`synth-site`)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = MAPPINGS_DIR / f"{name_or_path}.yaml"
    if re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name_or_path) and shipped.is_file():
        return shipped
    raise FileNotFoundError(f"{name_or_path}: no such mapping file or shipped mapping")


def read_mapping(name_or_path: str) -> tuple[Path, Mapping]:
    """The mapping file and its contents, by path or shipped name; InputError when bad."""
    try:
        path = resolve_mapping(name_or_path)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from exc
    problems = validate_mapping(path)
    if problems:
        raise InputError(f"{path}: " + "; ".join(problems[:3]))
    return path, load_mapping(path)


def validate_mapping(path: Path) -> list[str]:
    """Human-readable problems with a mapping file; empty when it is valid."""
    try:
        load_mapping(path)
    except OSError as exc:
        return [f"cannot read ({exc.strerror})"]
    except yaml.YAMLError as exc:
        return [f"not YAML ({str(exc).splitlines()[0]})"]
    except ValidationError as exc:
        return [f"{_where(error['loc'])}{error['msg']}" for error in exc.errors()]
    return []


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) + ": " if loc else ""
