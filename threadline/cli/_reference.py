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
    for path, command in _walk(cli, ["threadline"]):
        lines += [f"## `{' '.join(path)}`", "", "```", _help(command, path), "```", ""]
    return "\n".join(lines)


def _walk(command: click.Command, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], [*path, name])


def _help(command: click.Command, path: list[str]) -> str:
    context = click.Context(command, info_name=" ".join(path), terminal_width=100)
    return command.get_help(context).rstrip()


if __name__ == "__main__":
    print(reference())
