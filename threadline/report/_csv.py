"""Tabular exports: i2 Analyst's Notebook link rows (with an import specification) and
TrafficVis (CMU) ad rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from threadline.report._data import ExportAd

I2_COLUMNS = (
    "ad_id",
    "ad_label",
    "ad_date",
    "ad_time",
    "ad_city",
    "ad_network",
    "ad_score",
    "ad_juvenile",
    "link_type",
    "entity_type",
    "entity_id",
    "entity_label",
)
TRAFFICVIS_COLUMNS = (
    "ad_id",
    "title",
    "body",
    "phone",
    "email",
    "social",
    "image_id",
    "city_id",
    "country_id",
    "day_posted",
    "LSH label",
)
_I2_LINKS = {
    "phone": "Advertises phone",
    "email": "Advertises email",
    "handle": "Advertises account",
    "url": "Links to",
    "image": "Shows image",
}
_I2_TYPES = {
    "phone": "Telephone",
    "email": "Email Address",
    "handle": "Online Account",
    "url": "Web Site",
    "image": "Image",
}

I2_SPEC = """\
Threadline -> i2 Analyst's Notebook import specification (classic, unaligned)
============================================================================
Use with the Import Data wizard (File > Import > Import Data), then save the design as a .ximp
specification for reuse. The file is not a .ximp itself: that format is written by the wizard.

Source: {csv_name}; Format: delimited text, UTF-8, separator comma, text qualifier ",
first row holds the column headings ({n_columns} columns). One row per link between an ad
and something it shows.

Design: Link (Entity 1 -> Entity 2), one link per row.

Entity 1 (the ad)
  Type:        "Document" (icon: Document)
  Identity:    column ad_id      (Threadline's database id, e.g. ad:1234; merges rows of one ad)
  Label:       column ad_label   (the site's own ad id)
  Date & time: columns ad_date (yyyy-MM-dd) and ad_time (HH:mm:ss, UTC)
  Attributes:  ad_city (Text), ad_network (Text), ad_score (Number), ad_juvenile (Flag: true/false)

Link
  Type:        column link_type  ({links})
  Direction:   Entity 1 -> Entity 2
  Merge rule:  same ends and same type merge (an ad that shows a phone twice draws one link)

Entity 2 (what the ad shows)
  Type:        column entity_type ({types})
  Identity:    column entity_id   (kind:value; equal identities merge across ads, so
               ads sharing a phone, email, account or image meet on the chart)
  Label:       column entity_label

Every score and link is a lead for a trained person to review, never a finding of fact.
"""


def write_i2(items: Iterable[ExportAd], stream: IO[bytes]) -> int:
    """One CSV row per ad-to-identifier link; returns the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(I2_COLUMNS)
    rows = 0
    for item in items:
        for kind, value, label in _shown(item):
            writer.writerow(
                [*_ad_cells(item), _I2_LINKS[kind], _I2_TYPES[kind], f"{kind}:{value}", label]
            )
            rows += 1
    text.flush()
    text.detach()
    return rows


def i2_spec(csv_name: str) -> str:
    """The import specification that goes with an i2 CSV file."""
    return I2_SPEC.format(
        csv_name=csv_name,
        n_columns=len(I2_COLUMNS),
        links=", ".join(f'"{v}"' for v in _I2_LINKS.values()),
        types=", ".join(f'"{v}"' for v in _I2_TYPES.values()),
    )


def write_trafficvis(items: Iterable[ExportAd], stream: IO[bytes]) -> int:
    """One row per ad in TrafficVis's columns; ids of cities, countries and clusters are
    small integers numbered in order of first appearance (-1: the ad is in no network)."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(TRAFFICVIS_COLUMNS)
    numbers: dict[str, dict[str, int]] = {"city": {}, "country": {}, "lsh": {}}
    rows = 0
    for item in items:
        writer.writerow(_trafficvis_row(item, numbers))
        rows += 1
    text.flush()
    text.detach()
    return rows


def _shown(item: ExportAd) -> list[tuple[str, str, str]]:
    shown = [(kind, value, value) for kind, value in item.identifiers if kind in _I2_LINKS]
    shown += [("image", i.sha256, i.sha256[:12]) for i in item.ad.images if i.sha256]
    return shown


def _ad_cells(item: ExportAd) -> list[str]:
    posted = item.ad.posted_at
    return [
        f"ad:{item.row_id}",
        item.ad.id,
        posted.strftime("%Y-%m-%d") if posted else "",
        posted.strftime("%H:%M:%S") if posted else "",
        item.ad.city or "",
        item.network or "",
        f"{item.score:g}",
        "true" if item.juvenile else "false",
    ]


def _number(table: dict[str, int], key: str | None) -> int:
    if not key:
        return -1
    return table.setdefault(key, len(table))


def _trafficvis_row(item: ExportAd, numbers: dict[str, dict[str, int]]) -> list[object]:
    ad = item.ad

    def joined(kind: str) -> str:
        return ";".join(v for k, v in item.identifiers if k == kind)

    city = f"{ad.city}|{ad.region or ''}|{ad.country or ''}" if ad.city else None
    return [
        ad.id,
        ad.title,
        ad.body,
        joined("phone"),
        joined("email"),
        joined("handle"),
        ";".join(i.sha256 for i in ad.images if i.sha256),
        _number(numbers["city"], city),
        _number(numbers["country"], ad.country),
        ad.posted_at.strftime("%Y-%m-%d") if ad.posted_at else "",
        _number(numbers["lsh"], item.network),
    ]
