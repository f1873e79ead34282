"""`threadline evidence`: check evidence packages."""

from __future__ import annotations

from pathlib import Path

import click

from threadline.report import verify_package


@click.group()
def evidence() -> None:
    """Work with evidence packages."""


@evidence.command()
@click.argument("package", type=click.Path(exists=True, path_type=Path))
def verify(package: Path) -> int:
    """Check every file against manifest.json; name changed, missing or added files (exit 1)."""
    problems = verify_package(package)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"FAILED: {len(problems)} problem(s) in {package}", err=True)
        return 1
    click.echo(f"ok: {package} matches its manifest")
    return 0
