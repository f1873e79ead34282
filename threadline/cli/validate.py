"""`threadline validate`: check the data files Threadline runs on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from threadline.extract import LEXICON_PATHS, validate_lexicon
from threadline.ingest.mapping import SHIPPED_MAPPINGS, validate_mapping
from threadline.intercept import SHIPPED_SCRIPTS, validate_script_file
from threadline.screen import RULE_PATHS, validate_rules

Validator = Callable[[Path], list[str]]

# Each capability's data files: kind → (the shipped files, their checker).
VALIDATORS: dict[str, tuple[tuple[Path, ...], Validator]] = {
    "lexicon": (LEXICON_PATHS, validate_lexicon),
    "mapping": (SHIPPED_MAPPINGS, validate_mapping),
    "rules": (RULE_PATHS, validate_rules),
    "script": (SHIPPED_SCRIPTS, validate_script_file),
}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(sorted(VALIDATORS) or ["none"]),
    help="What the given files are; required with PATHS.",
)
def validate(paths: tuple[Path, ...], kind: str | None) -> int:
    """Validate the shipped data files (lexicons, scripts, mappings), or the files given."""
    if paths and kind is None:
        raise click.UsageError("--kind is required when files are given")
    problems = 0
    for name, (shipped, check) in sorted(VALIDATORS.items()):
        if kind is not None and name != kind:
            continue
        for path in paths or shipped:
            found = check(path)
            problems += len(found)
            for problem in found:
                click.echo(f"{path}: {problem}", err=True)
            click.echo(f"{name} {path.name}: {'ok' if not found else 'INVALID'}")
    return 1 if problems else 0
