"""`threadline users`, `keys rotate`, `retention run` and the audit-head commands."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.cli.test_cli import run
from threadline.cli import cli
from threadline.store.rotation import ENCRYPTED_COLUMNS

OLD = base64.b64encode(b"\x01" * 32).decode()
NEW = base64.b64encode(b"\x02" * 32).decode()


def invoke(tmp_path: Path, *args: str, **env: str) -> Result:
    """Run the CLI in-process with a private data folder."""
    environment = {"THREADLINE_DATA_DIR": str(tmp_path / "var")} | env
    return CliRunner().invoke(cli, list(args), env=environment, standalone_mode=False)


def _password(result: Result) -> str:
    found = re.search(r"one-time password for \S+: (\S+)", result.stdout)
    assert found, result.output
    return found.group(1)


def test_users_add_then_list(tmp_path: Path) -> None:
    added = invoke(tmp_path, "users", "add", "alice", "--role", "analyst")
    assert added.exit_code == 0
    assert len(_password(added)) == 22
    listed = invoke(tmp_path, "users", "list")
    assert listed.stdout == "alice\tanalyst\tfirst-login-pending\tno-mfa-yet\n"


def test_users_add_refuses_an_unknown_role(tmp_path: Path) -> None:
    result = invoke(tmp_path, "users", "add", "bob", "--role", "root")
    assert result.exit_code != 0
    assert "'root' is not one of" in str(result.exception) or "root" in result.output


def test_ensure_admin_creates_the_first_admin_once(tmp_path: Path) -> None:
    first = invoke(tmp_path, "users", "ensure-admin")
    second = invoke(tmp_path, "users", "ensure-admin")
    assert len(_password(first)) == 22
    assert "one-time password" not in second.stdout
    assert "Accounts exist." in second.stderr
    assert invoke(tmp_path, "users", "list").stdout.startswith("admin\tadmin\t")


def test_unlock_reset_and_role(tmp_path: Path) -> None:
    invoke(tmp_path, "users", "add", "carol", "--role", "analyst")
    assert invoke(tmp_path, "users", "unlock", "carol").exit_code == 0
    assert len(_password(invoke(tmp_path, "users", "reset", "carol"))) == 22
    assert invoke(tmp_path, "users", "role", "carol", "supervisor").exit_code == 0
    assert invoke(tmp_path, "users", "list").stdout.split("\t")[:2] == ["carol", "supervisor"]
    missing = invoke(tmp_path, "users", "unlock", "nobody")
    assert "no user 'nobody'" in str(missing.exception)


def test_every_user_command_is_audited(tmp_path: Path) -> None:
    invoke(tmp_path, "users", "add", "dave", "--role", "operator")
    invoke(tmp_path, "users", "unlock", "dave")
    verified = invoke(tmp_path, "audit", "verify")
    assert verified.return_value == 0
    assert verified.stdout.startswith("ok: 2 rows, head ")


def test_keys_rotate_reseals_under_the_new_first_key(tmp_path: Path) -> None:
    invoke(
        tmp_path, "users", "add", "erin", "--role", "analyst", THREADLINE_FIELD_KEYS=f"old:{OLD}"
    )
    _enrol(tmp_path, "erin", f"old:{OLD}")
    rotated = invoke(tmp_path, "keys", "rotate", THREADLINE_FIELD_KEYS=f"new:{NEW},old:{OLD}")
    lines = rotated.stdout.splitlines()
    assert lines[:2] == [
        "users.totp_secret: 1 of 1 re-encrypted",
        "intercept_contacts.phone_enc: 0 of 0 re-encrypted",
    ]
    assert len(lines) == len(ENCRYPTED_COLUMNS)
    again = invoke(tmp_path, "keys", "rotate", THREADLINE_FIELD_KEYS=f"new:{NEW},old:{OLD}")
    assert again.stdout.splitlines()[0] == "users.totp_secret: 0 of 1 re-encrypted"


def _enrol(tmp_path: Path, name: str, spec: str) -> None:
    from threadline.store import Database, FieldCipher
    from threadline.store.accounts import begin_enrolment, find_account

    database = Database(f"sqlite:///{tmp_path / 'var' / 'threadline.db'}")
    with database.transaction() as connection:
        account = find_account(connection, name)
        assert account is not None
        begin_enrolment(connection, account.id, FieldCipher.from_spec(spec, b"unused"))
    database.dispose()


def test_retention_run_reports_each_job(tmp_path: Path) -> None:
    result = invoke(tmp_path, "retention", "run")
    assert result.exit_code == 0
    assert result.stdout == (
        "intercept-contacts: purged 0 intercept_contact record(s)\n"
        "sessions: purged 0 session record(s)\n"
        "login-attempts: purged 0 login_attempt record(s)\n"
    )


def test_retention_due_and_revalidate(tmp_path: Path) -> None:
    assert invoke(tmp_path, "retention", "due").stdout == ""
    missing = invoke(tmp_path, "retention", "revalidate", "7", "--reason", "x" * 25)
    assert "no subject 7" in str(missing.exception)


def test_sign_export_and_check_the_head(tmp_path: Path) -> None:
    invoke(tmp_path, "users", "add", "frank", "--role", "auditor")
    assert invoke(tmp_path, "audit", "export-head").return_value == 1
    signed = json.loads(invoke(tmp_path, "audit", "sign-head").stdout)
    exported = json.loads(invoke(tmp_path, "audit", "export-head").stdout)
    assert exported == signed
    assert signed["seq"] == 2  # the create row and the export-head attempt
    head = tmp_path / "head.json"
    head.write_text(json.dumps(signed), encoding="utf-8")
    checked = invoke(tmp_path, "audit", "check-head", str(head))
    assert (checked.return_value, checked.stdout) == (
        0,
        f"ok: row 2 still has hash {signed['hash']}\n",
    )
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(signed | {"hash": "0" * 64}), encoding="utf-8")
    refused = invoke(tmp_path, "audit", "check-head", str(forged))
    assert (refused.return_value, refused.stderr) == (
        1,
        "does not hold: signature does not verify\n",
    )


@pytest.mark.parametrize("command", ["users", "keys", "retention"])
def test_new_commands_have_help(tmp_path: Path, command: str) -> None:
    result = run([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: threadline {command}")
