"""Every export passes its validator: followthemoney, networkx, NCMEC's XSD, and exact CSVs."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import networkx as nx
import orjson
import pytest
from lxml import etree

from tests.report.corpus import PHONE_A, PHONE_B, Seeded, seed
from threadline.errors import InputError
from threadline.report import (
    ALL,
    TRAFFICVIS_COLUMNS,
    XSD_PATH,
    Reporter,
    Selection,
    export_cybertip,
    export_ftm,
    export_graph,
    export_i2,
    export_trafficvis,
    i2_spec,
    validate_cybertip,
    validate_entity,
)
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.cases import add_item, create_case

REPORTER = Reporter("Dana", "Reviewer", "dana@platform.example")


@pytest.fixture
def seeded(database: Database, settings: Settings) -> Seeded:
    return seed(database, BlobStore(settings.blob_dir()))


def _ftm(database: Database, selection: Selection = ALL) -> list[dict[str, object]]:
    stream = io.BytesIO()
    with database.transaction() as connection:
        export_ftm(connection, stream, "test", selection)
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


def test_ftm_entities_are_valid_and_complete(database: Database, seeded: Seeded) -> None:
    entities = _ftm(database)
    assert [validate_entity(e) for e in entities] == [[] for _ in entities]
    assert Counter(e["schema"] for e in entities) == {
        "Document": 3, "Address": 2, "Person": 2, "UserAccount": 1, "Note": 1,
    }  # fmt: skip
    people = sorted((e["properties"] for e in entities if e["schema"] == "Person"), key=str)
    assert [(p["phone"], p.get("email")) for p in people] == [
        ([PHONE_B], None),
        ([PHONE_A], ["ana@example.com"]),
    ]
    [account] = [e for e in entities if e["schema"] == "UserAccount"]
    assert account["properties"]["username"] == ["ana_x"]
    assert account["properties"]["service"] == ["kik"]


def test_ftm_selection_by_network(database: Database, seeded: Seeded) -> None:
    entities = _ftm(database, Selection(("net-a",)))
    assert sorted(e["properties"]["title"][0] for e in entities if e["schema"] == "Document") == [
        "Fresh girl",
        "Sweet",
    ]


def test_validate_entity_names_the_problems() -> None:
    bad = {"id": "x", "schema": "Person", "properties": {"phone": ["702-555"], "colour": ["red"]}}
    assert validate_entity(bad) == [
        "colour: not a Person property",
        "name: required",
        "phone: Invalid value: '702-555'",
    ]
    assert validate_entity({"id": "x", "schema": "Spaceship"}) == ["unknown schema 'Spaceship'"]


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graphs_read_back_in_networkx(database: Database, seeded: Seeded, fmt: str) -> None:
    stream = io.BytesIO()
    with database.transaction() as connection:
        nodes = export_graph(connection, stream, fmt, "test")  # type: ignore[arg-type]
    stream.seek(0)
    graph = nx.read_gexf(stream) if fmt == "gexf" else nx.read_graphml(stream)
    assert (nodes, graph.number_of_nodes(), graph.number_of_edges()) == (8, 8, 6)
    assert sorted(graph.neighbors(f"phone:{PHONE_A}")) == [f"ad:{seeded.a1}", f"ad:{seeded.a2}"]
    a1 = graph.nodes[f"ad:{seeded.a1}"]
    assert (a1["type"], a1["network"], a1["score"], a1["juvenile"]) == ("ad", "net-a", 12.0, True)
    kinds = Counter(data["kind"] for _, _, data in graph.edges(data=True))
    assert kinds == {"phone": 3, "email": 1, "handle": 1, "image": 1}


def test_i2_rows_are_exact(database: Database, seeded: Seeded) -> None:
    stream = io.BytesIO()
    with database.transaction() as connection:
        assert export_i2(connection, stream, "test") == 6
    rows = list(csv.reader(io.StringIO(stream.getvalue().decode())))
    assert rows[0][:3] == ["ad_id", "ad_label", "ad_date"]
    assert rows[5] == [
        f"ad:{seeded.a2}", "a2", "2026-10-01", "12:00:00", "Las Vegas", "net-a", "1.5", "false",
        "Advertises phone", "Telephone", f"phone:{PHONE_A}", PHONE_A,
    ]  # fmt: skip
    assert rows[4][8:11] == ["Shows image", "Image", f"image:{seeded.image}"]
    spec = i2_spec("links.csv")
    assert "Source: links.csv" in spec
    assert "(12 columns)" in spec


def test_trafficvis_rows_are_exact(database: Database, seeded: Seeded) -> None:
    stream = io.BytesIO()
    with database.transaction() as connection:
        assert export_trafficvis(connection, stream, "test") == 3
    text = stream.getvalue().decode()
    assert text.splitlines()[0] == (
        "ad_id,title,body,phone,email,social,image_id,city_id,country_id,day_posted,LSH label"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == TRAFFICVIS_COLUMNS
    assert [
        (r["ad_id"], r["phone"], r["email"], r["social"], r["city_id"], r["LSH label"])
        for r in rows
    ] == [
        ("a1", PHONE_A, "ana@example.com", "kik:ana_x", "0", "0"),
        ("a2", PHONE_A, "", "", "0", "0"),
        ("a3", PHONE_B, "", "", "1", "-1"),
    ]
    assert (rows[0]["image_id"], rows[0]["day_posted"], rows[2]["country_id"]) == (
        seeded.image, "2026-10-01", "0",
    )  # fmt: skip


def _case(database: Database, *row_ids: int) -> int:
    with database.transaction() as connection:
        case = create_case(connection, "Vegas ring", "alice")
        for row_id in row_ids:
            add_item(connection, case.id, "alice", "ad", str(row_id))
    return case.id


def test_cybertip_report_validates_against_ncmec_schema(database: Database, seeded: Seeded) -> None:
    assert XSD_PATH.is_file(), f"NCMEC schema expected at {XSD_PATH}"
    case_id = _case(database, seeded.a1, seeded.a2)
    with database.transaction() as connection:
        document = export_cybertip(connection, case_id, "alice", REPORTER)
    assert validate_cybertip(document) == []
    root = etree.fromstring(document)
    assert root.findtext("incidentSummary/incidentType") == "Child Sex Trafficking"
    assert root.findtext("incidentSummary/incidentDateTime") == "2026-10-01T12:00:00+00:00"
    phone = root.find("personOrUserReported/personOrUserReportedPerson/phone")
    assert (phone.text, phone.get("countryCallingCode")) == ("7025550142", "+1")
    assert root.findtext("personOrUserReported/screenName") == "kik:ana_x"
    assert root.findtext("reporter/reportingPerson/email") == "dana@platform.example"
    assert len(root.findall("internetDetails")) == 2


def test_cybertip_needs_a_juvenile_indicator(database: Database, seeded: Seeded) -> None:
    case_id = _case(database, seeded.a3)
    with database.transaction() as connection, pytest.raises(InputError) as raised:
        export_cybertip(connection, case_id, "alice", REPORTER)
    assert raised.value.detail == (
        "the case has no ad with a juvenile indicator; no CyberTipline report"
    )


def test_the_schema_check_catches_a_broken_report(tmp_path: Path) -> None:
    broken = b"<report><reporter><reportingPerson/></reporter></report>"
    problems = validate_cybertip(broken)
    assert len(problems) == 1
    assert "incidentSummary" in problems[0]
    assert validate_cybertip(broken, tmp_path / "none.xsd") == [
        f"schema not found: {tmp_path / 'none.xsd'}"
    ]
