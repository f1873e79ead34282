"""A lead as investigators read it: its reports with the platforms' account data opened, the
identifiers the reported ads show, and the stored ads and networks that share them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from threadline.errors import ThreadlineError
from threadline.extract import extract_ad
from threadline.model import Ad
from threadline.screen._identifiers import IDENTIFIER_KINDS, canonical
from threadline.store import FieldCipher
from threadline.store.screen import ACCOUNT_CONTEXT, NetworkRow, networks_by_identifier
from threadline.store.screen_leads import LeadRecord, LeadTip, LinkedAd, ads_sharing, lead_record

ACCOUNT_KINDS = ("phone", "email")


@dataclass(frozen=True, slots=True)
class LeadReport:
    """One report of the lead with the platform's account data, opened."""

    tip: LeadTip
    account: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LeadPage:
    """Everything the lead page shows."""

    lead: LeadRecord
    reports: tuple[LeadReport, ...]
    identifiers: tuple[tuple[str, str, str], ...]  # (kind, value, as written)
    networks: tuple[NetworkRow, ...]
    linked_ads: tuple[LinkedAd, ...]


def lead_page(connection: Connection, cipher: FieldCipher, region: str, lead_id: int) -> LeadPage:
    """A lead with its reports, identifiers, and the stored ads and networks they link to."""
    lead = lead_record(connection, lead_id)
    reports = tuple(
        LeadReport(t, json.loads(cipher.decrypt(t.account_enc, ACCOUNT_CONTEXT))) for t in lead.tips
    )
    shown = lead_identifiers(reports, region)
    pairs = [(kind, value) for kind, value, _ in shown]
    own = {r.tip.ad_id for r in reports}
    networks = {n for rows in networks_by_identifier(connection, pairs).values() for n in rows}
    return LeadPage(
        lead=lead,
        reports=reports,
        identifiers=shown,
        networks=tuple(sorted(networks, key=lambda n: (-n[3], n[0]))),
        linked_ads=tuple(ads_sharing(connection, pairs, sorted(own))),
    )


def lead_identifiers(
    reports: tuple[LeadReport, ...], region: str
) -> tuple[tuple[str, str, str], ...]:
    """Phones, emails and handles of the reported ads, then of the accounts, distinct."""
    found: dict[tuple[str, str], str] = {}
    for report in reports:
        ad = Ad(id=report.tip.ad_ext_id, title=report.tip.ad_title, body=report.tip.ad_body)
        for finding in extract_ad(ad, region).findings:
            if finding.kind in IDENTIFIER_KINDS:
                value = finding.value if finding.kind == "phone" else finding.value.lower()
                found.setdefault((finding.kind, value), finding.text)
    for report in reports:
        for kind in ACCOUNT_KINDS:
            written = report.account.get(kind)
            if written:
                try:
                    value = canonical(kind, str(written), region)
                except ThreadlineError:
                    continue  # an unreadable account phone or email is shown with the report
                found.setdefault((kind, value), f"{written} (account on {report.tip.platform})")
    return tuple((kind, value, written) for (kind, value), written in found.items())
