"""Extraction of one ad: normalize once, run every extractor, derive flags, assess risk."""

from __future__ import annotations

from operator import attrgetter

from threadline.extract._base import Extractor
from threadline.extract.ages import extract_ages
from threadline.extract.emails import extract_emails
from threadline.extract.handles import extract_handles
from threadline.extract.indicators import computed_indicator, extract_indicators
from threadline.extract.normalize import normalize
from threadline.extract.phones import PLAIN_STYLES, extract_phones
from threadline.extract.places import SOURCE as PLACES_SOURCE
from threadline.extract.places import extract_places
from threadline.extract.prices import extract_prices
from threadline.extract.risk import assess
from threadline.extract.urls import extract_urls
from threadline.model import Ad, Extraction, Finding

__all__ = ["EXTRACTORS", "extract_ad", "extract_text"]

EXTRACTORS: tuple[Extractor, ...] = (
    extract_phones,
    extract_emails,
    extract_handles,
    extract_urls,
    extract_ages,
    extract_prices,
    extract_places,
    extract_indicators,
)
RECORD_SOURCE = "record@1"
_ADULT = 18
_POSITION = attrgetter("start", "end", "kind")  # C-level sort key, same order


def extract_text(text: str, region: str = "US") -> list[Finding]:
    """Every finding in one text, with derived flags, in order of position."""
    normalized = normalize(text)
    findings = [finding for extractor in EXTRACTORS for finding in extractor(normalized, region)]
    findings.extend(_derived(findings))
    return sorted(findings, key=_POSITION)


def extract_ad(ad: Ad, region: str = "US") -> Extraction:
    """Every finding in an ad, from its text and its record, and the risk built from them."""
    findings = extract_text(ad.text, region) + _record_findings(ad)
    return Extraction(ad_id=ad.id, findings=tuple(findings), risk=assess(findings))


def _derived(findings: list[Finding]) -> list[Finding]:
    """Findings computed from others: obscured phones, ages under 18, area-code regions."""
    derived: list[Finding] = []
    for finding in findings:
        if finding.kind == "phone":
            derived.extend(_from_phone(finding))
        elif finding.kind == "age" and int(finding.value) < _ADULT:
            derived.append(computed_indicator(finding, "age.under_18"))
    return derived


def _from_phone(phone: Finding) -> list[Finding]:
    """The obscured-phone flag and the area code's region of one phone."""
    derived: list[Finding] = []
    if phone.attr("style") not in PLAIN_STYLES:
        derived.append(computed_indicator(phone, "obscured.phone"))
    area = phone.attr("area")
    if area:
        attrs = (("basis", "area_code"), ("phone", phone.value))
        derived.append(
            Finding("place", area, phone.start, phone.end, phone.text, PLACES_SOURCE, attrs)
        )
    return derived


def _record_findings(ad: Ad) -> list[Finding]:
    """The posting time and site, which come from the record rather than the text."""
    facts = (("site", ad.site), ("posted_at", ad.posted_at.isoformat() if ad.posted_at else None))
    return [
        Finding(kind, value, 0, 0, "", RECORD_SOURCE, (("basis", "record"),))
        for kind, value in facts
        if value
    ]
