"""`threadline stats`: concentration of ads over phones, weekly volume, terms and emoji."""

from __future__ import annotations

import click
import orjson

from threadline.cli.link import read_evidence
from threadline.link import console_lines, corpus_stats, link_ads


@click.command("stats")
@click.option("-i", "--input", "input_path", default="-", show_default=True, help="Ad records.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV rows: section,key,subkey,value.")
@click.option("--top", default=50, show_default=True, help="How many terms and emoji to list.")
@click.pass_context
def stats(ctx: click.Context, input_path: str, as_json: bool, as_csv: bool, top: int) -> None:
    """Share of ads covered by the top 10/100/1000 phones, Lorenz curve and Gini coefficient,
    ads per city per ISO week, and the terms and emoji the most ads use.

    Phones that linking sets aside as spread over unrelated ads (a site's own number) are
    left out of the concentration figures.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    evidence = list(read_evidence(ctx, input_path))
    excluded = {s.value for s in link_ads(evidence, max_templates=0).set_aside if s.kind == "phone"}
    result = corpus_stats(evidence, excluded, top)
    if as_json:
        click.echo(orjson.dumps(result.to_json()).decode())
    elif as_csv:
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo("\n".join(console_lines(result)))
