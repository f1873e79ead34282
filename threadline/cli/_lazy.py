"""A click group that imports a subcommand's module only when that subcommand is used.

Importing every command module up front costs seconds (Dask, Scrapy, FAISS, dlib, ...), which
every invocation paid, even `threadline --help`. The registry names each command's module and
keeps its short help, so the list of commands is shown without importing any of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a subcommand lives (`package.module:attribute`) and its short help."""

    target: str
    short_help: str

    def load(self) -> click.Command:
        """Import the module and return the command object."""
        module_name, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a registry mistake
            raise TypeError(f"{self.target} is not a click command")
        return command

    def placeholder(self, name: str) -> click.Command:
        """A stand-in that shortens the registered help exactly as click shortens the real one."""
        return click.Command(name, help=self.short_help)


class LazyGroup(click.Group):
    """A group whose registered subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(self.lazy_commands[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # As click.Group.format_commands, but a command not loaded yet shows its registered help.
        commands = [(name, self._for_listing(name)) for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in commands)
        rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _for_listing(self, name: str) -> click.Command:
        loaded = self.commands.get(name)
        return loaded if loaded is not None else self.lazy_commands[name].placeholder(name)
