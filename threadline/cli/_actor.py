"""Who ran a command, as the audit log names them."""

from __future__ import annotations

import getpass
import os


def cli_actor() -> str:
    """`cli:<login name>` of the operating-system user running the command."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"
