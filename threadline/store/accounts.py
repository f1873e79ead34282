"""Accounts: users and roles, password login with lockout, TOTP enrolment and checks.

Functions take the caller's connection so that the change and its audit row commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from threadline.errors import InputError, NotFoundError
from threadline.store import totp
from threadline.store.crypto import FieldCipher
from threadline.store.passwords import PasswordHasherPolicy, one_time_password, password_problems
from threadline.store.tables_security import login_attempts, users

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
TOTP_CONTEXT = "users.totp_secret"


class Role(StrEnum):
    """What a person may do; every route names the roles it admits."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    OPERATOR = "operator"
    AUDITOR = "auditor"


@dataclass(frozen=True, slots=True)
class User:
    """A logged-in person as routes see them."""

    id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Account:
    """A user row with the state login needs (never the hash or the secret)."""

    id: int
    name: str
    role: Role
    must_change_password: bool
    mfa_enrolled: bool
    locked: bool
    disabled: bool
    created_at: datetime

    @property
    def user(self) -> User:
        """The principal routes see."""
        return User(self.id, self.name, self.role)


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The outcome of a password check; `account` only when it succeeded."""

    account: Account | None
    reason: str  # for the audit log only, never shown: "ok", "unknown", "password", "locked"…
    locked_now: bool = False


def valid_name(name: str) -> bool:
    """Names are 2-100 letters, digits, dots, dashes or underscores."""
    return 2 <= len(name) <= 100 and all(c.isalnum() or c in "._-" for c in name)


def create_user(
    connection: Connection, name: str, role: Role, hasher: PasswordHasherPolicy, now: datetime
) -> tuple[Account, str]:
    """A new account with a one-time password that must be changed at first login."""
    if not valid_name(name):
        raise InputError("a name is 2-100 letters, digits, dots, dashes or underscores")
    if find_account(connection, name) is not None:
        raise InputError(f"user {name!r} exists already")
    password = one_time_password()
    connection.execute(
        insert(users).values(
            name=name,
            role=role.value,
            password_hash=hasher.hash(password),
            must_change_password=True,
            mfa_enrolled=False,
            totp_last_step=0,
            disabled=False,
            created_at=now,
        )
    )
    account = find_account(connection, name)
    assert account is not None
    return account, password


def find_account(connection: Connection, name: str) -> Account | None:
    """The account with that name, if any."""
    row = connection.execute(select(users).where(users.c.name == name)).first()
    return _account(row) if row else None


def get_account(connection: Connection, user_id: int) -> Account:
    """The account with that id; NotFoundError when there is none."""
    row = connection.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFoundError(f"no user {user_id}")
    return _account(row)


def list_accounts(connection: Connection) -> list[Account]:
    """Every account, by name."""
    return [_account(r) for r in connection.execute(select(users).order_by(users.c.name))]


def count_active_admins(connection: Connection) -> int:
    """Admins who are neither disabled nor locked."""
    query = select(func.count()).where(
        users.c.role == Role.ADMIN.value, users.c.disabled.is_(False), users.c.locked_at.is_(None)
    )
    return int(connection.execute(query).scalar_one())


def authenticate(
    connection: Connection,
    name: str,
    password: str,
    *,
    hasher: PasswordHasherPolicy,
    now: datetime,
    source_ip: str,
) -> LoginResult:
    """Check a password; record the attempt, lock after too many failures.

    Every path verifies one hash, so a name that does not exist costs the same time.
    """
    row = connection.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        hasher.dummy_verify(password)
        return LoginResult(None, "unknown")
    matches = hasher.verify(row.password_hash, password)
    account = _account(row)
    if account.disabled or account.locked:
        record_attempt(connection, account.id, False, now, source_ip)
        return LoginResult(None, "disabled" if account.disabled else "locked")
    if not matches:
        return LoginResult(
            None, "password", register_failure(connection, account.id, now, source_ip)
        )
    record_attempt(connection, account.id, True, now, source_ip)
    if hasher.needs_rehash(row.password_hash):
        _set_hash(connection, account.id, hasher.hash(password))
    return LoginResult(account, "ok")


def register_failure(connection: Connection, user_id: int, now: datetime, source_ip: str) -> bool:
    """Record a failed password or code; lock the account at the limit and say so."""
    record_attempt(connection, user_id, False, now, source_ip)
    if recent_failures(connection, user_id, now) < MAX_FAILURES:
        return False
    connection.execute(
        update(users)
        .where(users.c.id == user_id, users.c.locked_at.is_(None))
        .values(locked_at=now)
    )
    return True


def record_attempt(
    connection: Connection, user_id: int, success: bool, now: datetime, source_ip: str
) -> None:
    """One row per login attempt; a success also resets the failure count."""
    connection.execute(
        insert(login_attempts).values(user_id=user_id, at=now, success=success, source_ip=source_ip)
    )
    if success:
        connection.execute(update(users).where(users.c.id == user_id).values(attempts_reset_at=now))


def recent_failures(connection: Connection, user_id: int, now: datetime) -> int:
    """Failures in the window that came after the last success or unlock."""
    reset = connection.execute(
        select(users.c.attempts_reset_at).where(users.c.id == user_id)
    ).scalar_one_or_none()
    since = now - FAILURE_WINDOW
    query = select(func.count()).where(
        login_attempts.c.user_id == user_id,
        login_attempts.c.success.is_(False),
        login_attempts.c.at > since,
    )
    if reset is not None:
        query = query.where(login_attempts.c.at >= reset)
    return int(connection.execute(query).scalar_one())


def unlock(connection: Connection, user_id: int, now: datetime) -> None:
    """Lift a lockout; earlier failures no longer count."""
    get_account(connection, user_id)
    connection.execute(
        update(users).where(users.c.id == user_id).values(locked_at=None, attempts_reset_at=now)
    )


def set_role(connection: Connection, user_id: int, role: Role) -> Account:
    """Change a user's role, keeping at least one active admin."""
    account = get_account(connection, user_id)
    if account.role is Role.ADMIN and role is not Role.ADMIN:
        _keep_an_admin(connection)
    connection.execute(update(users).where(users.c.id == user_id).values(role=role.value))
    return get_account(connection, user_id)


def set_disabled(connection: Connection, user_id: int, disabled: bool) -> Account:
    """Disable or re-enable an account, keeping at least one active admin."""
    account = get_account(connection, user_id)
    if disabled and account.role is Role.ADMIN and not account.disabled:
        _keep_an_admin(connection)
    connection.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))
    return get_account(connection, user_id)


def reset_password(
    connection: Connection, user_id: int, hasher: PasswordHasherPolicy, now: datetime
) -> str:
    """Issue a new one-time password and drop MFA, so the next login enrols afresh."""
    get_account(connection, user_id)
    password = one_time_password()
    connection.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            password_hash=hasher.hash(password),
            must_change_password=True,
            totp_secret=None,
            mfa_enrolled=False,
            locked_at=None,
            attempts_reset_at=now,
        )
    )
    return password


def change_password(
    connection: Connection,
    user_id: int,
    current: str,
    new: str,
    *,
    hasher: PasswordHasherPolicy,
    now: datetime,
) -> list[str]:
    """Replace the password after checking the current one; the problems, if refused."""
    row = connection.execute(select(users).where(users.c.id == user_id)).one()
    if not hasher.verify(row.password_hash, current):
        return ["the current password is wrong"]
    problems = password_problems(new, row.name)
    if new == current:
        problems.append("must differ from the current password")
    if problems:
        return problems
    connection.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=hasher.hash(new), must_change_password=False, password_changed_at=now)
    )
    return []


def begin_enrolment(connection: Connection, user_id: int, cipher: FieldCipher) -> str:
    """A new TOTP secret for a user who has none confirmed yet; stored sealed."""
    existing = connection.execute(
        select(users.c.totp_secret, users.c.mfa_enrolled).where(users.c.id == user_id)
    ).one()
    if existing.totp_secret and not existing.mfa_enrolled:
        return cipher.decrypt(existing.totp_secret, TOTP_CONTEXT)
    secret = totp.new_secret()
    connection.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(totp_secret=cipher.encrypt(secret, TOTP_CONTEXT), mfa_enrolled=False)
    )
    return secret


def check_totp(
    connection: Connection, user_id: int, code: str, cipher: FieldCipher, now: datetime
) -> bool:
    """Accept a current, unused code and mark enrolment done; refuse a replayed one."""
    row = connection.execute(
        select(users.c.totp_secret, users.c.totp_last_step)
        .where(users.c.id == user_id)
        .with_for_update()
    ).one()
    if not row.totp_secret:
        return False
    secret = cipher.decrypt(row.totp_secret, TOTP_CONTEXT)
    step = totp.accepted_step(secret, code, now, int(row.totp_last_step))
    if step is None:
        return False
    # The guarded update is what refuses a replay racing this one: only one of them moves it.
    moved = connection.execute(
        update(users)
        .where(users.c.id == user_id, users.c.totp_last_step < step)
        .values(totp_last_step=step, mfa_enrolled=True)
    )
    return moved.rowcount == 1


def _keep_an_admin(connection: Connection) -> None:
    if count_active_admins(connection) <= 1:
        raise InputError("the last active admin cannot be demoted or disabled")


def _set_hash(connection: Connection, user_id: int, encoded: str) -> None:
    connection.execute(update(users).where(users.c.id == user_id).values(password_hash=encoded))


def _account(row: Row[Any]) -> Account:
    return Account(
        id=int(row.id),
        name=str(row.name),
        role=Role(row.role),
        must_change_password=bool(row.must_change_password),
        mfa_enrolled=bool(row.mfa_enrolled),
        locked=row.locked_at is not None,
        disabled=bool(row.disabled),
        created_at=row.created_at,
    )
