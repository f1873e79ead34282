"""The CLI reference (docs/cli.md), generated from the commands' own help.

Run `python -m threadline.cli._reference > docs/cli.md` (or `make docs`); a test fails when the
file and the commands disagree.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from threadline.cli import cli


def reference() -> str:
    """Markdown with every command's usage and help, depth first, in name order."""
    lines = ["# Command reference", "", "Generated from `--help`; do not edit by hand.", ""]
    root = click.Context(cli, info_name="threadline", terminal_width=100, **cli.context_settings)
    for context in _walk(root):
        lines += [f"## `{context.command_path}`", "", "```", _help(context), "```", ""]
    return "\n".join(lines)


def _walk(context: click.Context) -> Iterator[click.Context]:
    # Child contexts inherit the root's settings (e.g. `-h`), as they do when a user runs them.
    yield context
    command = context.command
    if isinstance(command, click.Group):
        # list_commands and get_command, not .commands: the root group loads its commands lazily.
        for name in sorted(command.list_commands(context)):
            child = command.get_command(context, name)
            assert child is not None, name
            yield from _walk(click.Context(child, info_name=name, parent=context))


def _help(context: click.Context) -> str:
    return context.command.get_help(context).rstrip()


if __name__ == "__main__":
    print(reference())
