"""`threadline faces`: enrol missing persons, find faces in ad images, match photos, review.

Every candidate this prints is a lead for a trained reviewer, never an identification.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings, show_progress, write_json_line
from threadline.cli._db import open_database
from threadline.faces import (
    DECISIONS,
    FaceMatch,
    FaceModel,
    ImageProblem,
    QueueItem,
    analyze_ad_faces,
    audit_access,
    enroll,
    face_links,
    load_gallery,
    load_model,
    match_files,
    person_name,
    queue_candidates,
    read_gallery,
    review_candidate,
    review_queue,
)
from threadline.settings import Settings
from threadline.store import BlobStore, Database, FieldCipher
from threadline.store.faces import persons_by_id

LEAD_NOTE = "Candidates are leads for a trained reviewer, never identifications."


@click.group()
def faces() -> None:
    """Match faces in ad photos against a missing-persons gallery, as leads for review.

    A candidate is a distance and a confidence band, never an identification: a person
    confirms, rejects or marks it unsure with a written reason (`faces review`).
    """


@faces.command("enroll")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--meta",
    type=click.Path(path_type=Path),
    help="CSV: case_number,name[,date_of_birth,missing_since,agency,contact,photos]; photos "
    "are `;`-separated paths under FOLDER, else the subfolder named by the case number.",
)
@click.pass_context
def enroll_command(ctx: click.Context, folder: Path, meta: Path | None) -> int:
    """Enrol the persons in FOLDER (one subfolder each, its name as id and name).

    Every photo must show exactly one face; a photo with none or several is reported and
    left out, never guessed (exit status 1 when any was). Names and dates of birth are
    stored encrypted. Faces already analyzed in ads are then searched for the new persons.
    """
    settings, database, model = _context(ctx)
    persons = read_gallery(folder, meta)
    report = enroll(
        database, model, _cipher(settings), BlobStore(settings.blob_dir()), persons, cli_actor()
    )
    for problem in report.problems:
        click.echo(f"set aside: {problem.case_number}/{problem.photo}: {problem.reason}", err=True)
    queued = queue_candidates(database, model, settings.face_threshold)
    click.echo(
        f"enrolled {report.faces_added} faces of {report.persons} persons "
        f"({report.faces_known} already enrolled, {len(report.problems)} photos set aside); "
        f"{queued} new candidates from analyzed ads queued for review",
        err=True,
    )
    return 1 if report.problems else 0


@faces.command("analyze")
@click.option("--top", default=5, show_default=True, help="Candidates kept per face.")
@click.pass_context
def analyze_command(ctx: click.Context, top: int) -> int:
    """Detect and encode faces in stored ad images not yet processed; queue candidates.

    Each image is read once however many ads use it. Unusable files are reported with their
    reason and do not stop the run.
    """
    settings, database, model = _context(ctx)
    blobs = BlobStore(settings.blob_dir())
    with Progress(disable=not show_progress(), transient=True) as bar:
        task = bar.add_task("faces", total=None)
        report = analyze_ad_faces(
            database,
            blobs,
            model,
            settings.face_threshold,
            top,
            lambda _stage, count: bar.advance(task, count),
        )
    for problem in report.problems:
        click.echo(f"{problem.name}: {problem.reason}", err=True)
    click.echo(
        f"read {report.images} images, {report.faces} faces, {len(report.problems)} unusable; "
        f"{report.candidates} candidates queued for review "
        f"(threshold {report.threshold}, model {report.model}). {LEAD_NOTE}",
        err=True,
    )
    return 0


@faces.command("match")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON line per candidate.")
@click.option("--top", default=5, show_default=True, help="Candidates shown per face.")
@click.pass_context
def match_command(ctx: click.Context, images: tuple[Path, ...], as_json: bool, top: int) -> int:
    """Search the gallery for every face in IMAGES; print candidates nearest first.

    `--json` prints {"image", "face", "person_id", "name", "distance", "confidence"} per
    candidate; a face with no candidate under the threshold prints nothing. Nothing is stored.
    """
    settings, database, model = _context(ctx)
    gallery = load_gallery(database, model)
    matches, problems = match_files(model, gallery, list(images), settings.face_threshold, top)
    names = _names(database, _cipher(settings), matches)
    leads = [[m.image, m.face.number, names[c.person_id][0]] for m in matches for c in m.candidates]
    audit_access(database, cli_actor(), "faces.match", ",".join(map(str, images)), {"leads": leads})
    for found in matches:
        _show_match(found, names, as_json)
    _show_problems(problems)
    if not as_json:
        click.echo(LEAD_NOTE, err=True)
    return 1 if problems else 0


@faces.command("links")
@click.option(
    "--max-distance",
    default=0.45,
    show_default=True,
    help="Largest distance between two ad faces that joins them.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per link.")
@click.pass_context
def links_command(ctx: click.Context, max_distance: float, as_json: bool) -> None:
    """Ads whose different photos show what may be the same face (a `face` link, a lead).

    Reads the faces `faces analyze` stored; nothing is changed.
    """
    _, database, model = _context(ctx)
    found = face_links(database, model, max_distance)
    for link in found:
        record = {
            "via": link.via.label(),
            "ads": list(link.ad_ids),
            "images": list(link.images),
            "max_distance": link.max_distance,
        }
        if as_json:
            write_json_line(sys.stdout.buffer, record)
        else:
            ads = ",".join(str(a) for a in link.ad_ids)
            click.echo(
                f"{link.via.label()}: ads {ads} ({len(link.images)} images, "
                f"widest pair {link.max_distance:.3f})"
            )
    if not as_json:
        click.echo(f"{len(found)} face links between ads. {LEAD_NOTE}", err=True)


@faces.group("review")
def review() -> None:
    """The review queue: every candidate waits for a person's decision and reason."""


@review.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "confirmed", "rejected", "unsure", "all"]),
    default="pending",
    show_default=True,
)
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per candidate.")
@click.pass_context
def review_list(ctx: click.Context, status: str, limit: int, as_json: bool) -> None:
    """Candidates in the queue, nearest first, with the ads that use each image."""
    settings, database = get_settings(ctx), open_database(ctx)
    items = review_queue(database, _cipher(settings), None if status == "all" else status, limit)
    shown = [item.candidate.id for item in items]
    audit_access(database, cli_actor(), "faces.queue.view", status, {"candidates": shown})
    for item in items:
        if as_json:
            write_json_line(sys.stdout.buffer, _item_record(item))
        else:
            click.echo(_item_line(item))
    if not as_json:
        click.echo(f"{len(items)} candidates. {LEAD_NOTE}", err=True)


@review.command("decide")
@click.argument("candidate_id", type=int)
@click.argument("decision", type=click.Choice(sorted(DECISIONS)))
@click.option("--reason", required=True, help="Why: what in the photos supports the decision.")
@click.option("--reviewer", default=None, help="Who decides (default: cli:<login name>).")
@click.pass_context
def review_decide(
    ctx: click.Context, candidate_id: int, decision: str, reason: str, reviewer: str | None
) -> None:
    """Confirm, reject or mark unsure one candidate, with a written reason (audited)."""
    result = review_candidate(
        open_database(ctx), candidate_id, decision, reason, reviewer or cli_actor()
    )
    click.echo(
        f"candidate {result.candidate_id}: {result.status} by {result.reviewer} "
        f"at {result.at.isoformat(timespec='seconds')}"
    )


def _context(ctx: click.Context) -> tuple[Settings, Database, FaceModel]:
    settings = get_settings(ctx)
    return settings, open_database(ctx), load_model(settings.face_model)


def _cipher(settings: Settings) -> FieldCipher:
    keys = settings.field_keys
    return FieldCipher.from_spec(
        keys.get_secret_value() if keys else None, settings.resolved_secret_key()
    )


def _names(
    database: Database, cipher: FieldCipher, matches: list[FaceMatch]
) -> dict[int, tuple[str, str]]:
    wanted = {c.person_id for m in matches for c in m.candidates}
    with database.transaction() as connection:
        persons = persons_by_id(connection, wanted)
    return {pid: (p.ext_id, person_name(cipher, p.name_enc)) for pid, p in persons.items()}


def _show_match(found: FaceMatch, names: dict[int, tuple[str, str]], as_json: bool) -> None:
    if not as_json:
        box = ",".join(str(v) for v in found.face.box.as_list())
        click.echo(f"{found.image} face {found.face.number} [{box}]:")
        if not found.candidates:
            click.echo("  no candidate under the threshold")
    for candidate in found.candidates:
        ext_id, name = names[candidate.person_id]
        if as_json:
            record = {
                "image": found.image,
                "face": found.face.number,
                "person_id": ext_id,
                "name": name,
                "distance": round(candidate.distance, 4),
                "confidence": candidate.confidence,
            }
            write_json_line(sys.stdout.buffer, record)
        else:
            click.echo(
                f"  lead for review: {name} ({ext_id}) distance {candidate.distance:.3f}, "
                f"{candidate.confidence}"
            )


def _show_problems(problems: list[ImageProblem]) -> None:
    for problem in problems:
        click.echo(f"{problem.name}: {problem.reason}", err=True)


def _item_record(item: QueueItem) -> dict[str, Any]:
    c = item.candidate
    return {
        "id": c.id,
        "status": c.status,
        "person_id": c.person_ext_id,
        "name": item.name,
        "distance": round(c.distance, 4),
        "confidence": c.confidence,
        "threshold": c.threshold,
        "model": c.model,
        "image": c.sha256,
        "box": c.box,
        "ads": list(c.ad_ids),
    }


def _item_line(item: QueueItem) -> str:
    c = item.candidate
    ads = ",".join(str(a) for a in c.ad_ids) or "-"
    return (
        f"#{c.id} [{c.status}] lead: {item.name} ({c.person_ext_id}) distance {c.distance:.3f} "
        f"{c.confidence}; image {c.sha256[:12]} face box {c.box}; ads {ads}"
    )
