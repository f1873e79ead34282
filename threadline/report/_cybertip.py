"""A CyberTipline report (NCMEC's ESP XML schema) for a case with a juvenile indicator.

Threadline writes the file for an authorized reporter to review and submit; it never sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
from lxml import etree

from threadline.errors import InputError
from threadline.report._data import ExportAd

INCIDENT_TYPE = "Child Sex Trafficking"
# The schema lives in the `shared/ncmec` folder beside the repository root (CI has it too).
XSD_PATH = Path(__file__).resolve().parents[3] / "shared" / "ncmec" / "cybertip.xsd"


@dataclass(frozen=True, slots=True)
class Reporter:
    """The person at the reporting organization who reviews and submits the report."""

    first_name: str
    last_name: str
    email: str


def cybertip_xml(case_title: str, items: Sequence[ExportAd], reporter: Reporter) -> bytes:
    """The report XML for the case's ads; InputError unless one has a juvenile indicator."""
    flagged = [item for item in items if item.juvenile]
    if not flagged:
        raise InputError("the case has no ad with a juvenile indicator; no CyberTipline report")
    root = etree.Element("report")
    _summary(root, items)
    for item in items:
        _web_page(root, item)
    _reporter(root, reporter)
    _reported(root, items)
    etree.SubElement(root, "additionalInfo").text = _additional(case_title, items, flagged)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def validate_cybertip(document: bytes, xsd: Path = XSD_PATH) -> list[str]:
    """Problems with a report by NCMEC's schema, one line each; empty when it is valid."""
    if not xsd.is_file():
        return [f"schema not found: {xsd}"]
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    try:
        parsed = etree.fromstring(document)
    except etree.XMLSyntaxError as exc:
        return [f"not XML: {exc}"]
    if schema.validate(parsed):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _summary(root: etree._Element, items: Sequence[ExportAd]) -> None:
    summary = etree.SubElement(root, "incidentSummary")
    etree.SubElement(summary, "incidentType").text = INCIDENT_TYPE
    sites = sorted({item.ad.site for item in items if item.ad.site})
    if sites:
        etree.SubElement(summary, "platform").text = ", ".join(sites)
    times = [item.ad.posted_at for item in items if item.ad.posted_at]
    first = min(times) if times else datetime.now(UTC)
    etree.SubElement(summary, "incidentDateTime").text = first.astimezone(UTC).isoformat(
        timespec="seconds"
    )
    etree.SubElement(summary, "incidentDateTimeDescription").text = (
        "Earliest posting time of the ads in this report"
        if times
        else "Time the report was written"
    )


def _web_page(root: etree._Element, item: ExportAd) -> None:
    details = etree.SubElement(root, "internetDetails")
    page = etree.SubElement(details, "webPageIncident")
    if item.ad.url:
        etree.SubElement(page, "url").text = item.ad.url
    codes = ", ".join(dict.fromkeys(code for code, *_ in item.indicators)) or "none"
    etree.SubElement(page, "additionalInfo").text = (
        f"Ad {item.ad.id} on {item.ad.site or 'an unknown site'}"
        f"{' in ' + item.ad.city if item.ad.city else ''}; indicators: {codes}; "
        f"juvenile indicator: {'yes' if item.juvenile else 'no'}."
    )


def _reporter(root: etree._Element, reporter: Reporter) -> None:
    person = etree.SubElement(etree.SubElement(root, "reporter"), "reportingPerson")
    etree.SubElement(person, "firstName").text = reporter.first_name
    etree.SubElement(person, "lastName").text = reporter.last_name
    etree.SubElement(person, "email").text = reporter.email


def _reported(root: etree._Element, items: Sequence[ExportAd]) -> None:
    phones = _distinct(items, "phone")
    emails = _distinct(items, "email")
    handles = _distinct(items, "handle")
    if not (phones or emails or handles):
        return
    reported = etree.SubElement(root, "personOrUserReported")
    person = etree.SubElement(reported, "personOrUserReportedPerson")
    for phone in phones:
        _phone(person, phone)
    for email in emails:
        etree.SubElement(person, "email").text = email
    sites = sorted({item.ad.site for item in items if item.ad.site})
    if sites:
        etree.SubElement(reported, "espService").text = ", ".join(sites)
    if handles:
        etree.SubElement(reported, "screenName").text = handles[0]
        for handle in handles[1:]:
            etree.SubElement(reported, "displayName").text = handle


def _phone(parent: etree._Element, e164: str) -> None:
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        etree.SubElement(parent, "phone").text = e164
        return
    element = etree.SubElement(parent, "phone", countryCallingCode=f"+{parsed.country_code}")
    element.text = str(parsed.national_number)


def _distinct(items: Sequence[ExportAd], kind: str) -> list[str]:
    return list(dict.fromkeys(v for item in items for k, v in item.identifiers if k == kind))


def _additional(case_title: str, items: Sequence[ExportAd], flagged: Sequence[ExportAd]) -> str:
    evidence = "; ".join(
        f"ad {item.ad.id}: " + ", ".join(f'{code} "{text}"' for code, _, _, text in item.indicators)
        for item in flagged
    )
    return (
        f"Case: {case_title}. {len(items)} ads, {len(flagged)} with a juvenile indicator "
        f"({evidence}). Indicators are leads found by automated text analysis and reviewed by "
        "the reporter; they are not findings of fact. Prepared with Threadline for an "
        "authorized reporter to review and submit."
    )
