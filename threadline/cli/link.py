"""`threadline link`: ads into networks, one line per ad with the evidence that placed it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress

from threadline.cli._common import (
    Lines,
    get_settings,
    line_partitions,
    open_input,
    open_output,
    read_json_lines,
    show_progress,
    write_json_line,
)
from threadline.cli.analyze import executor_options
from threadline.cli.extract import PARTITION
from threadline.link import (
    LinkResult,
    LinkState,
    Signatures,
    TextStore,
    city_flows,
    hash_image,
    link_ads,
    network_movements,
)
from threadline.model import Ad, AdEvidence, Extraction, Finding, ad_from_record
from threadline.pipeline import Executor, make_executor

# What linking reads of an extraction: identifiers, risk score, juvenile flag.
Facts = tuple[tuple[tuple[str, str], ...], float, bool]
Extractor = Callable[[Ad, str], Facts]


def _extractor() -> Extractor | None:
    """Extraction straight to what linking reads, or None while that stage is not installed."""
    try:
        module = importlib.import_module("threadline.extract")
        extract_ad = module.extract_ad
    except (ImportError, AttributeError):
        return None

    def extract(ad: Ad, region: str) -> Facts:
        # Not through the `extracted` record: building every finding's dict cost a quarter
        # as much as extracting, for the three fields read here.
        extraction: Extraction = extract_ad(ad, region)
        risk = extraction.risk
        return _found_identifiers(extraction.findings), risk.score, risk.juvenile

    return extract


def _found_identifiers(findings: Iterable[Finding]) -> tuple[tuple[str, str], ...]:
    """Phones, e-mails and handles, each distinct in order of first appearance, as
    `_identifiers` reads them from the `extracted` record of the same findings."""
    found: dict[str, dict[str, None]] = {"phone": {}, "email": {}, "handle": {}}
    for finding in findings:
        if finding.kind in ("phone", "email"):
            found[finding.kind][finding.value] = None
        elif finding.kind == "handle" and finding.attr("handle"):
            found["handle"][f"{finding.attr('service')}:{finding.attr('handle')}"] = None
    return tuple((kind, value) for kind, values in found.items() for value in values)


def _identifiers(extracted: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found = [("phone", str(p)) for p in extracted.get("phones") or ()]
    found += [("email", str(e)) for e in extracted.get("emails") or ()]
    for handle in extracted.get("handles") or ():
        if isinstance(handle, dict) and handle.get("handle"):
            found.append(("handle", f"{handle.get('service', '')}:{handle['handle']}"))
    return tuple(found)


def _image_hashes(record: dict[str, Any]) -> tuple[str, ...]:
    """Hashes given as `phash`, else computed from readable local `path`s."""
    hashes: list[str] = []
    for image in record.get("images") or ():
        if not isinstance(image, dict):
            continue
        if isinstance(image.get("phash"), str):
            hashes.append(image["phash"])
        elif isinstance(image.get("path"), str) and Path(image["path"]).is_file():
            hashes.append(hash_image(image["path"]))
    return tuple(hashes)


def evidence_from_record(
    record: dict[str, Any], extract: Extractor | None, region: str
) -> AdEvidence:
    """What linking needs from one ad record, extracting first when it has no `extracted`."""
    ad = ad_from_record(record)
    extracted = record.get("extracted")
    names: tuple[str, ...] = ()
    if isinstance(extracted, dict):
        score = float((extracted.get("risk") or {}).get("score") or 0.0)
        flag = bool((extracted.get("juvenile") or {}).get("flag"))
        facts = (_identifiers(extracted), score, flag)
        names = tuple(str(n) for n in extracted.get("names") or ())
    else:
        facts = extract(ad, region) if extract is not None else ((), 0.0, False)
    identifiers, score, flagged = facts
    return AdEvidence(
        ad_id=ad.id,
        text=ad.text,
        identifiers=identifiers,
        image_hashes=_image_hashes(record),
        names=names,
        city=_shared(ad.city),
        region=_shared(ad.region),
        posted_at=ad.posted_at,
        risk_score=score,
        juvenile=flagged,
    )


def _shared(place: str | None) -> str | None:
    """One string object per distinct city or region: a million ads name a few hundred."""
    return sys.intern(place) if place else place


def read_evidence(ctx: click.Context, input_path: str) -> Iterator[AdEvidence]:
    """Evidence for every record of the input."""
    region = get_settings(ctx).default_region
    extract = _extractor()
    with open_input(input_path) as stream:
        for record in read_json_lines(stream, input_path):
            yield evidence_from_record(record, extract, region)


def evidence_partition(part: Lines, region: str) -> tuple[list[AdEvidence], Signatures]:
    """Evidence of one partition of input lines, decoding, extracting and hashing images,
    and the template signatures of its texts (runs on workers)."""
    extract = _extractor()
    evidence = [evidence_from_record(record, extract, region) for record in part.records()]
    return evidence, Signatures.of(evidence)


def _linking_input(
    ctx: click.Context, input_path: str, runner: Executor
) -> tuple[list[AdEvidence], Signatures, TextStore]:
    """Evidence for every record of the input in input order, without its texts (kept in the
    store), and the template signatures; partitions run by `runner`."""
    work = partial(evidence_partition, region=get_settings(ctx).default_region)
    store = TextStore()
    evidence: list[AdEvidence] = []
    parts: list[Signatures] = []
    with open_input(input_path) as stream:
        partitions = line_partitions(stream, input_path, PARTITION)
        for part, signatures in runner.map(work, partitions):
            evidence.extend(store.keep(item) for item in part)
            parts.append(signatures)
    return evidence, Signatures.joined(parts), store


def _movement(state: LinkState) -> dict[str, Any]:
    movements = network_movements(state)
    return {
        "circuits": [
            {
                "network": m.key.partition(":")[2],
                "cities": list(c.cities),
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
            }
            for m in movements
            for c in m.circuits
        ],
        "flows": [
            {"from": f.source, "to": f.target, "moves": f.moves} for f in city_flows(movements)
        ],
    }


def summary_record(result: LinkResult, state: LinkState) -> dict[str, Any]:
    """The network table, templates, set-aside evidence and movement as one JSON object."""
    return {
        "summary": {
            **_movement(state),
            "networks": [n.to_record() for n in result.networks],
            "templates": [
                {
                    "template": t.id,
                    "ads": t.ads,
                    "text": t.text,
                    "slots": [{"kind": s.kind, "examples": list(s.examples)} for s in t.slots],
                }
                for t in result.templates
            ],
            "set_aside": [
                {"kind": s.kind, "value": s.value, "ads": s.ads, "reason": s.reason}
                for s in result.set_aside
            ],
        }
    }


@click.command("link")
@click.option("-i", "--input", "input_path", default="-", show_default=True, help="Ad records.")
@click.option(
    "-o", "--output", "output_path", default="-", show_default=True, help="Where to write."
)
@click.option(
    "--summary",
    "summary_path",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="[PATH]",
    help="Add the network table (with templates, set-aside identifiers and why, circuits "
    'and city-to-city flows): alone, as a final {"summary": …} line of the output; '
    "with PATH, as that object written to PATH.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Link state file: loaded when it exists, saved after, so batches join earlier ones.",
)
@executor_options
@click.pass_context
def link(
    ctx: click.Context,
    input_path: str,
    output_path: str,
    summary_path: str | None,
    state_path: Path | None,
    executor: str,
    scheduler: str | None,
    dask_workers: int | None,
) -> None:
    """Link ads into networks through shared phones, emails, handles, images and templates.

    Reads ad records as JSON lines (raw, or with `extracted` from `threadline extract`) and
    writes one line per ad: {"id", "network", "via": ["phone:+1702…", "template:T…", …]}.
    Identifiers spread over many unrelated ads (a site's own number) are set aside and
    listed with the reason in the summary. With --executor dask, extraction, image hashing
    and template signatures run on the workers; the networks are merged here, the same as
    in process.
    """
    key = get_settings(ctx).resolved_secret_key()
    state = LinkState.load(state_path, key) if state_path and state_path.exists() else LinkState()
    with Progress(disable=not show_progress(), transient=True) as progress:
        progress.add_task("linking", total=None)
        with closing(make_executor(executor, scheduler, dask_workers)) as runner:
            evidence, signatures, texts = _linking_input(ctx, input_path, runner)
        result = link_ads(evidence, state, signatures=signatures, texts=texts)
    with open_output(output_path) as out:
        for item in evidence:
            member = result.memberships[state.ads.index[item.ad_id]]  # in the state's order
            via = [v.label() for v in member.via]
            write_json_line(out, {"id": item.ad_id, "network": member.network_id, "via": via})
        if summary_path == "-":
            write_json_line(out, summary_record(result, state))
    if summary_path not in (None, "-"):
        with open_output(str(summary_path)) as out:
            write_json_line(out, summary_record(result, state))
    if state_path is not None:
        state.save(state_path, key)
