"""Signed audit heads, key rotation over the registry, and retention jobs."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Connection, func, select, text

from threadline.errors import InputError, NotFoundError
from threadline.settings import Settings
from threadline.store import (
    AuditEvent,
    Database,
    DecryptionError,
    FieldCipher,
    append_audit,
    verify_chain,
)
from threadline.store.accounts import Role, begin_enrolment, create_user
from threadline.store.passwords import PasswordHasherPolicy
from threadline.store.retention import (
    Purged,
    revalidate_subject,
    run_retention,
    subjects_due,
)
from threadline.store.rotation import ENCRYPTED_COLUMNS, EncryptedColumn, rotate_keys
from threadline.store.schema import metadata
from threadline.store.sessions import Stage, create_session
from threadline.store.signing import check_signed_head, sign_head, signing_key
from threadline.store.tables import audit_log
from threadline.store.tables_intercept import intercept_contacts
from threadline.store.tables_security import login_attempts, sessions, users

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FAST = PasswordHasherPolicy(fips=True)
OLD = base64.b64encode(b"\x01" * 32).decode()
NEW = base64.b64encode(b"\x02" * 32).decode()


def test_a_signed_head_holds_until_history_is_rewritten(sqlite_db: Database) -> None:
    key = signing_key(None, b"secret")
    with sqlite_db.transaction() as connection:
        for n in range(3):
            append_audit(connection, AuditEvent("alice", f"act-{n}"))
        head = sign_head(connection, key, T0).as_dict()
        assert (head["seq"], check_signed_head(connection, head)) == (3, "")
        assert check_signed_head(connection, head | {"seq": 2}) == "signature does not verify"
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(audit_log.update().where(audit_log.c.seq == 3).values(hash="f" * 64))
        assert check_signed_head(connection, head) == "row 3 no longer has the signed hash"


def test_the_signing_key_can_be_set_explicitly() -> None:
    seed = base64.b64encode(bytes(range(32))).decode()
    assert signing_key(seed, b"ignored").public_key() is not None
    with pytest.raises(Exception, match="base64 of 32 bytes"):
        signing_key("not base64!", b"x")


@cache
def _empty_log() -> Database:
    database = Database("sqlite://")  # one in-memory database, reused by every example
    database.migrate()
    return database


@hsettings(deadline=None, max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["seq", "hash", "signed_at", "public_key", "signature", "format"]),
        st.text(max_size=20) | st.integers(),
    )
)
def test_checking_any_exported_head_never_crashes(exported: dict[str, object]) -> None:
    with _empty_log().transaction() as connection:
        try:
            problem = check_signed_head(connection, dict(exported))
        except InputError:
            return
    assert problem in {"", "signature does not verify"} or problem.startswith("row ")


def test_rotation_reseals_every_registered_column_under_the_new_key(database: Database) -> None:
    old = FieldCipher.from_spec(f"old:{OLD}", b"s")
    ring = FieldCipher.from_spec(f"new:{NEW},old:{OLD}", b"s")
    with database.transaction() as connection:
        for n in range(7):
            account, _ = create_user(connection, f"user{n}", Role.ANALYST, FAST, T0)
            begin_enrolment(connection, account.id, old)
        _contact(connection, "a", old.encrypt("+17025550101", "intercept_contacts.phone"))
    counts = rotate_keys(database, ring)
    assert [(c.column.table, c.checked, c.rotated) for c in counts[:2]] == [
        ("users", 7, 7),
        ("intercept_contacts", 1, 1),
    ]
    assert [(c.checked, c.rotated) for c in counts[2:]] == [(0, 0)] * (len(ENCRYPTED_COLUMNS) - 2)
    with database.transaction() as connection:
        tokens = [r[0] for r in connection.execute(select(users.c.totp_secret))]
    assert all(t.startswith("tl1.new.") for t in tokens)
    assert {c.rotated for c in rotate_keys(database, ring)} == {0}  # idempotent
    with database.transaction() as connection:
        phone = connection.execute(select(intercept_contacts.c.phone_enc)).scalar_one()
    assert ring.decrypt(phone, "intercept_contacts.phone") == "+17025550101"


def test_the_registry_names_real_columns() -> None:
    assert EncryptedColumn("users", "id", "totp_secret", "users.totp_secret") in ENCRYPTED_COLUMNS
    with pytest.raises(Exception, match="is unknown"):
        rotate_keys(
            Database("sqlite://"),
            FieldCipher.from_spec(None, b"s"),
            [EncryptedColumn("nope", "id", "x", "nope.x")],
        )


def test_retention_purges_old_sessions_and_attempts_and_audits_the_fact(
    database: Database, settings: Settings
) -> None:
    with database.transaction() as connection:
        account, _ = create_user(connection, "dave", Role.ANALYST, FAST, T0)
        create_session(connection, account.id, Stage.OK, T0 - timedelta(days=40), "ip")
        create_session(connection, account.id, Stage.OK, T0, "ip")
        connection.execute(
            login_attempts.insert().values(
                user_id=account.id, at=T0 - timedelta(days=100), success=False, source_ip="ip"
            )
        )
    results = run_retention(database, settings, T0, "cli:test")
    assert [(r.job, r.object_type, r.total) for r in results] == [
        ("intercept-contacts", "intercept_contact", 0),
        ("sessions", "session", 1),
        ("login-attempts", "login_attempt", 1),
    ]
    with database.transaction() as connection:
        assert connection.execute(select(func.count()).select_from(sessions)).scalar_one() == 1
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.object_id, audit_log.c.detail).order_by(
                audit_log.c.seq
            )
        ).all()
        assert verify_chain(connection).ok
    assert [(r.action, r.object_id) for r in rows] == [
        ("retention.purge", "intercept-contacts"),
        ("retention.purge", "sessions"),
        ("retention.purge", "login-attempts"),
    ]
    sessions_detail = json.loads(rows[1].detail)
    assert (sessions_detail["count"], [len(i) for i in sessions_detail["ids"]]) == (1, [12])
    assert '"count":1' in rows[2].detail


def _contact(connection: Connection, key: str, phone_enc: str = "tl1.x.y", **values: object) -> int:
    row = {
        "phone_hash": key * 64,
        "phone_enc": phone_enc,
        "first_seen": T0,
        "last_seen": T0,
        "enrichment": {},
        "labels": [],
    } | values
    return int(
        connection.execute(intercept_contacts.insert().values(**row)).inserted_primary_key[0]
    )


def test_subjects_are_purged_at_review_unless_revalidated(
    database: Database, settings: Settings
) -> None:
    five_years_ago = T0 - timedelta(days=5 * 365)
    with database.transaction() as connection:
        intake = _contact(connection, "a", expires_at=T0 - timedelta(days=1))
        fresh = _contact(connection, "b", expires_at=T0 + timedelta(days=60))
        stale = _contact(
            connection, "c", promoted_at=five_years_ago, expires_at=T0, promoted_by="ana"
        )
        kept = _contact(
            connection, "d", promoted_at=five_years_ago, expires_at=T0, promoted_by="ana"
        )
        due = subjects_due(connection, T0 - timedelta(days=1), timedelta(days=30))
        assert [(d.contact_id, d.promoted_by) for d in due] == [(stale, "ana"), (kept, "ana")]
        with pytest.raises(InputError, match="written reason"):
            revalidate_subject(connection, kept, "still", "ana", T0 - timedelta(days=1))
        with pytest.raises(NotFoundError):
            revalidate_subject(connection, intake, "x" * 30, "ana", T0 - timedelta(days=1))
        revalidate_subject(
            connection, kept, "linked to an open case in 2030", "ana", T0 - timedelta(days=1)
        )
    results = run_retention(database, settings, T0, "cli:test")
    assert results[0].total == 2
    with database.transaction() as connection:
        left = sorted(r[0] for r in connection.execute(select(intercept_contacts.c.id)))
        actions = [r[0] for r in connection.execute(select(audit_log.c.action))]
    assert left == sorted([fresh, kept])
    assert actions[0] == "subject.revalidate"
    assert "intercept.contact.purge" in actions


def test_a_failing_job_rolls_back_its_own_purge_only(
    database: Database, settings: Settings
) -> None:
    def boom(connection: object, now: datetime, _s: Settings) -> Purged:
        raise InputError("job failed")

    with pytest.raises(InputError):
        run_retention(database, settings, T0, "cli:test", jobs=[boom])
    with database.transaction() as connection:
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar_one() == 0


def test_every_sealed_column_in_the_schema_is_registered_for_rotation() -> None:
    sealed = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_enc") or column.name == "totp_secret"
    }
    registered = {(c.table, c.value_column) for c in ENCRYPTED_COLUMNS}
    assert sealed == registered


@hsettings(max_examples=300, deadline=None)
@given(token=st.text(max_size=120) | st.from_regex(r"tl1\.[a-z0-9]{1,4}\.[A-Za-z0-9_-]{0,80}"))
def test_reading_any_token_raises_only_decryption_error(token: str) -> None:
    cipher = FieldCipher.from_spec(f"new:{NEW},old:{OLD}", b"s")
    for call in (lambda: cipher.decrypt(token, "ctx"), lambda: cipher.needs_rotation(token)):
        with contextlib.suppress(DecryptionError):
            call()


class _RacingCipher(FieldCipher):
    """Re-seals like FieldCipher, but first lets another writer change the row (a race)."""

    def __init__(self, database: Database, racer: FieldCipher) -> None:
        super().__init__({"new": b"\x02" * 32, "old": b"\x01" * 32}, "new")
        self.database, self.racer = database, racer

    def rotate(self, token: str, context: str) -> str:
        with self.database.transaction() as connection:  # another connection, committed
            connection.execute(
                users.update().values(totp_secret=self.racer.encrypt("RACED", context))
            )
        return super().rotate(token, context)


def test_rotation_never_overwrites_a_value_written_while_it_runs(database: Database) -> None:
    old = FieldCipher.from_spec(f"old:{OLD}", b"s")
    with database.transaction() as connection:
        account, _ = create_user(connection, "gina", Role.ANALYST, FAST, T0)
        begin_enrolment(connection, account.id, old)
    newer = FieldCipher.from_spec(f"new:{NEW},old:{OLD}", b"s")
    counts = rotate_keys(database, _RacingCipher(database, newer), ENCRYPTED_COLUMNS[:1])
    assert [(c.checked, c.rotated) for c in counts] == [(1, 0)]
    with database.transaction() as connection:
        token = connection.execute(select(users.c.totp_secret)).scalar_one()
    assert newer.decrypt(token, "users.totp_secret") == "RACED"
