"""`threadline users`: accounts are created by an admin, never by self-registration."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import Connection

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.store import AuditEvent, append_audit
from threadline.store import accounts as repo
from threadline.store.accounts import Role
from threadline.store.passwords import PasswordHasherPolicy
from threadline.store.sessions import revoke_user_sessions

ROLES = click.Choice([role.value for role in Role])


@click.group()
def users() -> None:
    """Create accounts, unlock them, reset them, change roles."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=ROLES, required=True, help="What the person may do.")
@click.pass_context
def add(ctx: click.Context, name: str, role: str) -> None:
    """Create an account and print its one-time password (changed at first login)."""
    hasher, now = _hasher(ctx), datetime.now(UTC)
    with open_database(ctx).transaction() as connection:
        account, password = repo.create_user(connection, name, Role(role), hasher, now)
        _audit(connection, "user.create", account.id, {"name": name, "role": role})
    _print_password(name, password)


@users.command("ensure-admin")
@click.option("--name", default="admin", show_default=True, help="The admin account's name.")
@click.pass_context
def ensure_admin(ctx: click.Context, name: str) -> None:
    """Create the first admin when no account exists yet; otherwise say how to log in."""
    hasher, now = _hasher(ctx), datetime.now(UTC)
    with open_database(ctx).transaction() as connection:
        if repo.list_accounts(connection):
            click.echo(
                f"Accounts exist. Forgot a password? threadline users reset {name}", err=True
            )
            return
        account, password = repo.create_user(connection, name, Role.ADMIN, hasher, now)
        _audit(connection, "user.create", account.id, {"name": name, "role": "admin"})
    _print_password(name, password)


@users.command("list")
@click.pass_context
def list_users(ctx: click.Context) -> None:
    """Every account: name, role, MFA, state."""
    with open_database(ctx).transaction() as connection:
        found = repo.list_accounts(connection)
        _audit(connection, "user.list", "*", {})
    for account in found:
        click.echo(f"{account.name}\t{account.role.value}\t{_state(account)}")


@users.command("unlock")
@click.argument("name")
@click.pass_context
def unlock(ctx: click.Context, name: str) -> None:
    """Lift a lockout after failed logins."""
    with open_database(ctx).transaction() as connection:
        account = _find(connection, name)
        repo.unlock(connection, account.id, datetime.now(UTC))
        _audit(connection, "user.unlock", account.id, {})
    click.echo(f"unlocked {name}", err=True)


@users.command("reset")
@click.argument("name")
@click.pass_context
def reset(ctx: click.Context, name: str) -> None:
    """New one-time password; MFA is set up again at the next login."""
    hasher, now = _hasher(ctx), datetime.now(UTC)
    with open_database(ctx).transaction() as connection:
        account = _find(connection, name)
        password = repo.reset_password(connection, account.id, hasher, now)
        revoke_user_sessions(connection, account.id, now)
        _audit(connection, "user.reset", account.id, {})
    _print_password(name, password)


@users.command("role")
@click.argument("name")
@click.argument("role", type=ROLES)
@click.pass_context
def set_role(ctx: click.Context, name: str, role: str) -> None:
    """Change an account's role; its sessions end."""
    with open_database(ctx).transaction() as connection:
        account = _find(connection, name)
        repo.set_role(connection, account.id, Role(role))
        revoke_user_sessions(connection, account.id, datetime.now(UTC))
        _audit(connection, "user.role", account.id, {"from": account.role.value, "to": role})
    click.echo(f"{name} is now {role}", err=True)


def _hasher(ctx: click.Context) -> PasswordHasherPolicy:
    return PasswordHasherPolicy(fips=get_settings(ctx).fips_mode)


def _find(connection: Connection, name: str) -> repo.Account:
    account = repo.find_account(connection, name)
    if account is None:
        raise click.ClickException(f"no user {name!r}")
    return account


def _state(account: repo.Account) -> str:
    if account.disabled:
        return "disabled"
    if account.locked:
        return "locked"
    mfa = "mfa" if account.mfa_enrolled else "no-mfa-yet"
    return f"first-login-pending\t{mfa}" if account.must_change_password else f"active\t{mfa}"


def _print_password(name: str, password: str) -> None:
    click.echo(f"one-time password for {name}: {password}")
    click.echo(
        "It works once: the first login asks for a new password and sets up two-factor login.",
        err=True,
    )


def _audit(connection: Connection, action: str, object_id: object, detail: dict[str, str]) -> None:
    event = AuditEvent(cli_actor(), action, "user", str(object_id), "local", "ok", detail)
    append_audit(connection, event)
