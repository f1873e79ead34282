"""Each export as one call over a database connection; every export is audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Literal

import orjson
from sqlalchemy import Connection

from threadline.errors import InputError, ThreadlineError
from threadline.report._csv import write_i2, write_trafficvis
from threadline.report._cybertip import XSD_PATH, Reporter, cybertip_xml, validate_cybertip
from threadline.report._data import ExportAd, ad_row_ids, load_ads
from threadline.report._ftm import ftm_entities, validate_entity
from threadline.report._graph import build_graph, write_gexf, write_graphml
from threadline.store import AuditEvent, append_audit
from threadline.store.cases import get_case

GraphFormat = Literal["gexf", "graphml"]


@dataclass(frozen=True, slots=True)
class Selection:
    """Which ads an export covers: the named networks, or networks of at least `min_size`
    ads, or (by default) every ad."""

    network_ids: tuple[str, ...] = ()
    min_size: int = 1


ALL = Selection()


def selected_ads(connection: Connection, selection: Selection = ALL) -> Iterator[ExportAd]:
    """The ads the selection covers, in row order."""
    return load_ads(connection, ad_row_ids(connection, selection.network_ids, selection.min_size))


def export_ftm(
    connection: Connection, stream: IO[bytes], actor: str, selection: Selection = ALL
) -> int:
    """FollowTheMoney entities as JSON lines, each validated first; returns the count."""
    count = 0
    for entity in ftm_entities(selected_ads(connection, selection)):
        problems = validate_entity(entity)
        if problems:
            raise ThreadlineError(f"entity {entity['id']} is invalid: {problems[0]}")
        stream.write(orjson.dumps(entity) + b"\n")
        count += 1
    _audit(connection, actor, "ftm", count)
    return count


def export_graph(
    connection: Connection,
    stream: IO[bytes],
    fmt: GraphFormat,
    actor: str,
    selection: Selection = ALL,
) -> int:
    """Ads and identifiers as a GEXF or GraphML graph; returns the number of nodes."""
    graph = build_graph(selected_ads(connection, selection))
    (write_gexf if fmt == "gexf" else write_graphml)(graph, stream)
    _audit(connection, actor, fmt, len(graph.nodes))
    return len(graph.nodes)


def export_i2(
    connection: Connection, stream: IO[bytes], actor: str, selection: Selection = ALL
) -> int:
    """i2 Analyst's Notebook link rows; returns the number of rows."""
    rows = write_i2(selected_ads(connection, selection), stream)
    _audit(connection, actor, "i2", rows)
    return rows


def export_trafficvis(
    connection: Connection, stream: IO[bytes], actor: str, selection: Selection = ALL
) -> int:
    """TrafficVis rows, one per ad; returns the number of rows."""
    rows = write_trafficvis(selected_ads(connection, selection), stream)
    _audit(connection, actor, "trafficvis", rows)
    return rows


def export_cybertip(connection: Connection, case_id: int, user: str, reporter: Reporter) -> bytes:
    """The CyberTipline XML for a case the user can see, checked against NCMEC's schema."""
    case = get_case(connection, case_id, user)
    row_ids = sorted({int(i.ref) for i in case.items if i.kind == "ad" and i.ref.isdigit()})
    document = cybertip_xml(case.title, list(load_ads(connection, row_ids)), reporter)
    problems = validate_cybertip(document) if XSD_PATH.is_file() else []
    if problems:
        raise InputError(f"the report does not validate: {problems[0]}")
    event = AuditEvent(user, "export.cybertip", "case", str(case_id), detail={"ads": len(row_ids)})
    append_audit(connection, event)
    return document


def _audit(connection: Connection, actor: str, kind: str, count: int) -> None:
    event = AuditEvent(actor, f"export.{kind}", "export", kind, detail={"count": count})
    append_audit(connection, event)
