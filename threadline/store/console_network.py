"""The console's network page: members, their vias, prices and linking evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    select,
)

from threadline.errors import NotFoundError
from threadline.model import AdEvidence
from threadline.store.console_ads import EPOCH, AdRow, ad_evidence, ad_rows
from threadline.store.tables import (
    findings,
    memberships,
    networks,
)

MAX_NETWORK_ADS = 500


@dataclass(frozen=True, slots=True)
class NetworkData:
    """A network row, its members' rows and vias, prices and evidence for linking."""

    row: Any
    members: tuple[AdRow, ...]
    via: dict[int, tuple[str, ...]]
    prices: tuple[tuple[str, int], ...]
    evidence: tuple[AdEvidence, ...]
    truncated: bool


def network_data(
    connection: Connection, network_id: str, cap: int = MAX_NETWORK_ADS
) -> NetworkData:
    """A network's row, up to `cap` member ads with their vias, prices and linking evidence."""
    row = connection.execute(select(networks).where(networks.c.id == network_id)).first()
    if row is None:
        raise NotFoundError(f"no network {network_id}")
    query = select(memberships.c.ad_id, memberships.c.via).where(
        memberships.c.network_id == network_id
    )
    via = {int(a): tuple(v) for a, v in connection.execute(query.order_by(memberships.c.ad_id))}
    ids = sorted(via)[:cap]
    members = ad_rows(connection, ids)
    return NetworkData(
        row=row,
        members=tuple(sorted(members, key=lambda m: (m.posted_at or EPOCH, m.id))),
        via={i: via[i] for i in ids},
        prices=tuple(_prices(connection, ids)),
        evidence=tuple(ad_evidence(connection, ids)),
        truncated=len(via) > cap,
    )


def _prices(connection: Connection, ids: list[int]) -> list[tuple[str, int]]:
    query = (
        select(findings.c.value, func.count())
        .where(findings.c.ad_id.in_(ids), findings.c.kind == "price")
        .group_by(findings.c.value)
        .order_by(func.count().desc(), findings.c.value)
    )
    return [(str(v), int(n)) for v, n in connection.execute(query)]
