"""Corpus statistics for the console: phone concentration, language sample, network sightings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Connection,
    func,
    select,
)

from threadline.model import AdEvidence
from threadline.store.console_ads import EPOCH, ad_evidence, aware
from threadline.store.tables import (
    ad_identifiers,
    ads,
    identifiers,
    memberships,
    networks,
)


def phone_ad_counts(connection: Connection) -> tuple[int, list[int]]:
    """The number of ads, and for each phone the number of ads naming it."""
    total = int(connection.execute(select(func.count()).select_from(ads)).scalar_one())
    query = (
        select(func.count(func.distinct(ad_identifiers.c.ad_id)))
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(identifiers.c.kind == "phone")
        .group_by(ad_identifiers.c.identifier_id)
    )
    return total, [int(n) for n in connection.execute(query).scalars()]


def ads_covered_by_top_phones(connection: Connection, top: int) -> int:
    """Distinct ads naming one of the `top` phones named by the most ads."""
    ranked = (
        select(ad_identifiers.c.identifier_id)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(identifiers.c.kind == "phone")
        .group_by(ad_identifiers.c.identifier_id)
        .order_by(
            func.count(func.distinct(ad_identifiers.c.ad_id)).desc(), ad_identifiers.c.identifier_id
        )
        .limit(top)
        .subquery()
    )
    query = select(func.count(func.distinct(ad_identifiers.c.ad_id))).where(
        ad_identifiers.c.identifier_id.in_(select(ranked.c.identifier_id))
    )
    return int(connection.execute(query).scalar_one())


def recent_evidence(connection: Connection, limit: int) -> list[AdEvidence]:
    """Texts of the most recently stored ads (the language sample)."""
    ids = connection.execute(select(ads.c.id).order_by(ads.c.id.desc()).limit(limit)).scalars()
    return ad_evidence(connection, [int(i) for i in ids])


def network_sightings(connection: Connection) -> list[tuple[str, datetime, str]]:
    """(network, posted_at, city) of every dated, placed ad in a network of two or more."""
    query = (
        select(memberships.c.network_id, ads.c.posted_at, ads.c.city)
        .join(ads, ads.c.id == memberships.c.ad_id)
        .join(networks, networks.c.id == memberships.c.network_id)
        .where(networks.c.size > 1, ads.c.posted_at.is_not(None), ads.c.city.is_not(None))
    )
    return [(str(n), aware(p) or EPOCH, str(c)) for n, p, c in connection.execute(query)]
