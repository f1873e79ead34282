"""Cases: owners and shares see them, nobody else does; every call leaves an audit row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from threadline.errors import InputError, NotFoundError, ThreadlineError
from threadline.store import Database
from threadline.store.cases import add_item, create_case, get_case, share_case, visible_cases
from threadline.store.tables import audit_log


def _actions(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.object_id).order_by(
                audit_log.c.seq
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_owner_creates_adds_and_reads_a_case(database: Database) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "  Vegas ring  ", "alice")
        add_item(connection, case.id, "alice", "ad", "17", "the first ad")
        found = get_case(connection, case.id, "alice")
    assert (found.title, found.owner, found.status) == ("Vegas ring", "alice", "open")
    assert [(i.kind, i.ref, i.note, i.added_by) for i in found.items] == [
        ("ad", "17", "the first ad", "alice")
    ]
    assert _actions(database) == [
        ("alice", "case.create", str(case.id)),
        ("alice", "case.add_item", str(case.id)),
        ("alice", "case.read", str(case.id)),
    ]


def test_a_case_is_invisible_to_others_until_shared(database: Database) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "Ring", "alice")
    with database.transaction() as connection, pytest.raises(NotFoundError):
        get_case(connection, case.id, "bob")
    with database.transaction() as connection, pytest.raises(NotFoundError):
        add_item(connection, case.id, "bob", "note", "a note")
    with database.transaction() as connection:
        assert visible_cases(connection, "bob") == []
        share_case(connection, case.id, "alice", "bob")
        assert [c.id for c in visible_cases(connection, "bob")] == [case.id]
        assert get_case(connection, case.id, "bob").shared_with == ("bob",)
        add_item(connection, case.id, "bob", "network", "net-a")


def test_missing_and_hidden_cases_give_the_same_error(database: Database) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "Ring", "alice")
    for case_id in (case.id, case.id + 100):
        with database.transaction() as connection, pytest.raises(NotFoundError) as raised:
            get_case(connection, case_id, "mallory")
        assert raised.value.detail == f"no case {case_id}"


def test_only_the_owner_shares(database: Database) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "Ring", "alice")
        share_case(connection, case.id, "alice", "bob")
    with database.transaction() as connection, pytest.raises(ThreadlineError) as raised:
        share_case(connection, case.id, "bob", "carol")
    assert (raised.value.status, raised.value.detail) == (403, "only the case owner can share it")


@pytest.mark.parametrize(
    ("kind", "ref", "message"),
    [
        ("photo", "1", "item kind must be one of ad, contact, face_review, network, note"),
        ("ad", "", "an item reference is 1 to 200 characters"),
    ],
)
def test_bad_items_are_refused(database: Database, kind: str, ref: str, message: str) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "Ring", "alice")
    with database.transaction() as connection, pytest.raises(InputError) as raised:
        add_item(connection, case.id, "alice", kind, ref)
    assert raised.value.detail == message


def test_visible_cases_lists_owned_and_shared_newest_first(database: Database) -> None:
    with database.transaction() as connection:
        first = create_case(connection, "Mine", "alice")
        theirs = create_case(connection, "Theirs", "bob")
        create_case(connection, "Hidden", "carol")
        share_case(connection, theirs.id, "bob", "alice")
        listed = visible_cases(connection, "alice")
    assert [(c.title, c.owner) for c in listed] == [("Theirs", "bob"), ("Mine", "alice")]
    assert first.id < theirs.id
