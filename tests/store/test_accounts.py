"""Passwords, TOTP, lockout and sessions at the repository level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.store import Database
from threadline.store.accounts import (
    Role,
    authenticate,
    change_password,
    create_user,
    recent_failures,
)
from threadline.store.passwords import (
    PBKDF2_ITERATIONS,
    PasswordHasherPolicy,
    common_passwords,
    password_problems,
)
from threadline.store.sessions import (
    Limits,
    Stage,
    create_session,
    load_session,
    revoke,
    token_hash,
)
from threadline.store.totp import accepted_step, code_at, new_secret

T0 = datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC)
REAL = PasswordHasherPolicy()
FIPS = PasswordHasherPolicy(fips=True)
LIMITS = Limits(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("violet anchor tramline 1987", []),
        ("short", ["must be at least 12 characters"]),
        ("iloveyou2024!", ["is a commonly used password"]),
        ("password1234", ["is a commonly used password"]),
        ("Password123!", ["is a commonly used password"]),
        ("!!Dragon2024", ["is a commonly used password"]),
        ("Qwertyuiop!!", ["is a commonly used password"]),
        ("aaaaaaaaaaaaaaaa", ["must use more than three different characters"]),
        ("my name is alice!", ["must not contain the account name"]),
    ],
)
def test_password_policy(password: str, problems: list[str]) -> None:
    assert password_problems(password, "alice") == problems


def test_the_shipped_list_holds_30000_common_passwords() -> None:
    words = common_passwords()
    assert len(words) == 30000
    assert {"123456", "password", "qwerty", "letmein"} <= words


def test_argon2id_is_the_default_scheme() -> None:
    encoded = REAL.hash("violet anchor tramline 1987")
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert REAL.verify(encoded, "violet anchor tramline 1987") is True
    assert REAL.verify(encoded, "violet anchor tramline 1988") is False


def test_fips_mode_uses_pbkdf2_sha256_with_600000_iterations() -> None:
    encoded = FIPS.hash("violet anchor tramline 1987")
    assert encoded.split("$")[:2] == ["pbkdf2-sha256", "600000"]
    assert PBKDF2_ITERATIONS == 600_000
    assert FIPS.verify(encoded, "violet anchor tramline 1987") is True
    assert FIPS.verify(encoded, "wrong") is False


def test_a_hash_of_the_other_scheme_is_upgraded() -> None:
    argon, pbkdf2 = REAL.hash("x" * 12), FIPS.hash("x" * 12)
    assert (REAL.needs_rehash(argon), REAL.needs_rehash(pbkdf2)) == (False, True)
    assert (FIPS.needs_rehash(argon), FIPS.needs_rehash(pbkdf2)) == (True, False)
    assert REAL.verify(pbkdf2, "x" * 12) is True  # switching schemes locks nobody out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_malformed_hashes_never_raise_and_never_match(encoded: str) -> None:
    assert REAL.verify(encoded, "anything") is False
    assert REAL.verify("pbkdf2-sha256$" + encoded, "anything") is False


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_totp_check_never_raises_and_accepts_only_the_right_code(code: str) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    expected = accepted_step(secret, code, T0, 0)
    assert expected is None or "".join(code.split()) in {
        code_at(secret, T0 + timedelta(seconds=s)) for s in (-30, 0, 30)
    }


def test_totp_accepts_the_current_and_neighbouring_codes_once() -> None:
    secret = new_secret()
    step = int(T0.timestamp()) // 30
    assert accepted_step(secret, code_at(secret, T0), T0, 0) == step
    assert accepted_step(secret, code_at(secret, T0 - timedelta(seconds=30)), T0, 0) == step - 1
    assert accepted_step(secret, code_at(secret, T0 - timedelta(seconds=60)), T0, 0) is None
    assert accepted_step(secret, code_at(secret, T0), T0, step) is None  # replay
    assert accepted_step(secret, code_at(secret, T0 - timedelta(seconds=30)), T0, step) is None


def test_lockout_counts_failures_inside_15_minutes(database: Database) -> None:
    fast = PasswordHasherPolicy(fips=True)
    with database.transaction() as connection:
        account, once = create_user(connection, "alice", Role.ANALYST, fast, T0)
        results = [
            authenticate(
                connection,
                "alice",
                "wrong",
                hasher=fast,
                now=T0 + timedelta(minutes=i),
                source_ip="10.0.0.1",
            )
            for i in range(5)
        ]
        assert [r.locked_now for r in results] == [False, False, False, False, True]
        assert recent_failures(connection, account.id, T0 + timedelta(minutes=5)) == 5
        assert recent_failures(connection, account.id, T0 + timedelta(minutes=17)) == 2
        right = authenticate(
            connection, "alice", once, hasher=fast, now=T0 + timedelta(hours=2), source_ip=""
        )
        assert (right.account, right.reason) == (None, "locked")


def test_change_password_checks_the_current_one(database: Database) -> None:
    fast = PasswordHasherPolicy(fips=True)
    with database.transaction() as connection:
        account, once = create_user(connection, "bob", Role.ANALYST, fast, T0)
        wrong = change_password(
            connection, account.id, "nope", "violet anchor tramline 1987", hasher=fast, now=T0
        )
        ok = change_password(
            connection, account.id, once, "violet anchor tramline 1987", hasher=fast, now=T0
        )
    assert (wrong, ok) == (["the current password is wrong"], [])


def test_sessions_store_only_a_hash_and_expire(database: Database) -> None:
    fast = PasswordHasherPolicy(fips=True)
    with database.transaction() as connection:
        account, _ = create_user(connection, "carol", Role.SUPERVISOR, fast, T0)
        token = create_session(connection, account.id, Stage.OK, T0, "10.0.0.2")
        live = load_session(connection, token, T0 + timedelta(minutes=29), LIMITS)
        idle = load_session(connection, token, T0 + timedelta(minutes=59), LIMITS)
        again = load_session(connection, token, T0 + timedelta(minutes=60), LIMITS)
        other = create_session(connection, account.id, Stage.OK, T0, "10.0.0.2")
        revoke(connection, token_hash(other), T0)
        revoked = load_session(connection, other, T0, LIMITS)
    assert live.session is not None
    assert (live.session.user.name, live.session.stage) == ("carol", Stage.OK)
    assert (idle.session, idle.ended) == (None, "idle")
    assert (again.ended, revoked.ended) == ("revoked", "revoked")
