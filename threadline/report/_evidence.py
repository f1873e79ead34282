"""Evidence package for a case: a zip of the items, a SHA-256 manifest, the custody log,
a README for the prosecutor and a standard-library verify.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection, and_, or_, select

from threadline.errors import NotFoundError, ThreadlineError
from threadline.ingest.archive import capture_bytes, verify_capture
from threadline.intercept import InterceptConfig, contact_report
from threadline.model import ad_to_record
from threadline.report import _verify
from threadline.report._data import ExportAd, load_ads
from threadline.settings import Settings
from threadline.store import AuditEvent, BlobStore, Database, append_audit
from threadline.store.cases import Case, CaseItem, get_case
from threadline.store.collect import CaptureRow, captures_for
from threadline.store.tables import ad_versions, audit_head, audit_log, networks

MANIFEST = _verify.MANIFEST
# The kinds of audit object each case item kind is recorded under.
AUDIT_TYPES = {
    "ad": ("ad",),
    "network": ("network",),
    "contact": ("intercept_contact", "contact"),
    "face_review": ("face_review",),
    "note": (),
}


@dataclass(frozen=True, slots=True)
class EvidencePackage:
    """A written package: where, how many files, and the manifest's own SHA-256."""

    path: Path
    files: int
    manifest_sha256: str


@dataclass
class _Builder:
    connection: Connection
    settings: Settings
    blobs: BlobStore
    user: str
    now: datetime
    files: dict[str, bytes] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)
    captures: list[dict[str, Any]] = field(default_factory=list)

    def put_json(self, path: str, value: object) -> None:
        self.files[path] = (
            json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"
        ).encode()


def build_evidence(
    database: Database, settings: Settings, case_id: int, user: str, out: Path
) -> EvidencePackage:
    """Write the case's evidence package to `out` (zip); the export is audited."""
    now = datetime.now(UTC)
    with database.transaction() as connection:
        case = get_case(connection, case_id, user)
        builder = _Builder(connection, settings, BlobStore(settings.blob_dir()), user, now)
        builder.put_json("case.json", _case_json(case))
        for item in case.items:
            _add_item(builder, item)
        detail = {"items": len(case.items)}
        append_audit(
            connection,
            AuditEvent(user, "case.export.evidence", "case", str(case_id), detail=detail),
        )
        builder.put_json("custody.json", _custody(connection, case))
        builder.files["README.txt"] = _readme(case, builder).encode()
        builder.files["verify.py"] = Path(_verify.__file__).read_bytes()
        manifest = _manifest(case, builder)
        digest = hashlib.sha256(manifest).hexdigest()
        sealed = {"manifest_sha256": digest, "files": len(builder.files)}
        append_audit(
            connection, AuditEvent(user, "case.export.sealed", "case", str(case_id), detail=sealed)
        )
    builder.files[MANIFEST] = manifest
    _write_zip(builder.files, out)
    return EvidencePackage(out, len(builder.files), digest)


def verify_package(path: Path) -> list[str]:
    """Changed, missing or added files of a package (zip or folder), one line each."""
    return _verify.verify(path)


def _case_json(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "owner": case.owner,
        "status": case.status,
        "created_at": case.created_at,
        "shared_with": list(case.shared_with),
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "ref": i.ref,
                "note": i.note,
                "added_by": i.added_by,
                "added_at": i.added_at,
            }
            for i in case.items
        ],
    }


def _add_item(builder: _Builder, item: CaseItem) -> None:
    adders = {"ad": _add_ad, "network": _add_network, "contact": _add_contact, "note": _add_note}
    adder = adders.get(item.kind, _add_reference)
    try:
        adder(builder, item)
    except (ThreadlineError, ValueError) as exc:
        builder.unavailable.append(f"{item.kind} {item.ref}: {exc}")


def _add_ad(builder: _Builder, item: CaseItem) -> None:
    found = list(load_ads(builder.connection, [int(item.ref)]))
    if not found:
        raise NotFoundError(f"no ad {item.ref}")
    ad = found[0]
    versions = builder.connection.execute(
        select(ad_versions).where(ad_versions.c.ad_id == ad.row_id).order_by(ad_versions.c.version)
    )
    builder.put_json(
        f"items/ads/ad-{ad.row_id}.json", _ad_json(ad, [dict(v._mapping) for v in versions])
    )
    for image in ad.ad.images:
        if image.sha256:
            _add_image(builder, image.sha256)
    for capture in captures_for(builder.connection, ad.row_id):
        _add_capture(builder, capture)


def _add_capture(builder: _Builder, capture: CaptureRow) -> None:
    """The ad page's WARC records as archived, if they still hold the page hashed at crawl time."""
    what = f"capture of ad {capture.ad_id} version {capture.version}"
    path = Path(capture.warc_path)
    if not verify_capture(path, capture.record_offset, capture.sha256):
        reason = "WARC file not found" if not path.exists() else "record no longer matches"
        builder.unavailable.append(f"{what}: {reason} ({path.name}, byte {capture.record_offset})")
        return
    data = capture_bytes(path, capture.record_offset)
    suffix = "warc.gz" if data[:2] == b"\x1f\x8b" else "warc"
    name = f"items/captures/ad-{capture.ad_id}-v{capture.version}.{suffix}"
    builder.files[name] = data
    builder.captures.append(
        {
            "file": name,
            "ad_row_id": capture.ad_id,
            "version": capture.version,
            "url": capture.url,
            "warc_record_id": capture.warc_record_id,
            "fetched_at": capture.fetched_at.isoformat() if capture.fetched_at else None,
            "payload_sha256": capture.sha256,
            "archived_in": {"warc_file": path.name, "offset": capture.record_offset},
        }
    )


def _ad_json(ad: ExportAd, versions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "row_id": ad.row_id,
        "source": ad.source,
        "record_as_captured": ad_to_record(ad.ad),
        "earlier_versions": [{"version": v["version"], "record": v["record"]} for v in versions],
        "analysis": {
            "identifiers": [list(pair) for pair in ad.identifiers],
            "indicators": [
                {"code": c, "start": s, "end": e, "text": t} for c, s, e, t in ad.indicators
            ],
            "risk_score": ad.score,
            "risk_level": ad.level,
            "juvenile_indicator": ad.juvenile,
            "network": ad.network,
            "via": list(ad.via),
        },
    }


def _add_image(builder: _Builder, digest: str) -> None:
    try:
        data = builder.blobs.get(digest)
    except NotFoundError:
        builder.unavailable.append(f"image {digest}: not in the blob store")
        return
    builder.files[f"items/images/{digest}.{_image_extension(data)}"] = data


def _image_extension(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return (opened.format or "bin").lower()
    except (UnidentifiedImageError, OSError):
        return "bin"


def _add_network(builder: _Builder, item: CaseItem) -> None:
    row = builder.connection.execute(select(networks).where(networks.c.id == item.ref)).first()
    if row is None:
        raise NotFoundError(f"no network {item.ref}")
    builder.put_json(f"items/networks/{item.ref}.json", dict(row._mapping))


def _add_contact(builder: _Builder, item: CaseItem) -> None:
    config = InterceptConfig.from_settings(builder.settings)
    report = contact_report(builder.connection, config, int(item.ref), builder.user, builder.now)
    builder.put_json(f"items/transcripts/contact-{item.ref}.json", report.to_json())


def _add_note(builder: _Builder, item: CaseItem) -> None:
    text = f"{item.ref}\n\n{item.note}\n\n-- {item.added_by}, {item.added_at.isoformat()}\n"
    builder.files[f"items/notes/note-{item.id}.txt"] = text.encode()


def _add_reference(builder: _Builder, item: CaseItem) -> None:
    # Face reviews are kept by the faces capability; the package records the reference.
    builder.put_json(
        f"items/{item.kind}s/{item.kind}-{item.id}.json",
        {
            "kind": item.kind,
            "ref": item.ref,
            "note": item.note,
            "added_by": item.added_by,
            "added_at": item.added_at,
        },
    )


def _custody(connection: Connection, case: Case) -> dict[str, Any]:
    pairs = [("case", str(case.id))]
    pairs += [(kind, i.ref) for i in case.items for kind in AUDIT_TYPES.get(i.kind, ())]
    touching = or_(
        *(and_(audit_log.c.object_type == t, audit_log.c.object_id == o) for t, o in pairs)
    )
    rows = connection.execute(select(audit_log).where(touching).order_by(audit_log.c.seq))
    head = connection.execute(select(audit_head).where(audit_head.c.id == 1)).one()
    return {
        "chain_head": {"seq": head.seq, "hash": head.hash},
        "how_to_check": "`threadline audit verify` recomputes the chain up to this head",
        "rows": [dict(row._mapping) for row in rows],
    }


def _manifest(case: Case, builder: _Builder) -> bytes:
    manifest = {
        "package": "threadline-evidence",
        "format": 1,
        "case": {"id": case.id, "title": case.title},
        "created_at": builder.now.isoformat(),
        "created_by": builder.user,
        "algorithm": "SHA-256",
        "unavailable": builder.unavailable,
        # The SHA-256 of each captured page as the database recorded it at crawl time.
        "captures": builder.captures,
        "files": {
            path: hashlib.sha256(data).hexdigest() for path, data in sorted(builder.files.items())
        },
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def _write_zip(files: dict[str, bytes], out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
    os.replace(partial, out)


def _readme(case: Case, builder: _Builder) -> str:
    counts: dict[str, int] = {}
    for item in case.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no items"
    missing = "\n".join(f"  - {line}" for line in builder.unavailable) or "  (none)"
    when = builder.now.isoformat(timespec="seconds")
    return README.format(
        title=case.title,
        case_id=case.id,
        user=builder.user,
        when=when,
        listed=listed,
        missing=missing,
    )


README = """\
Evidence package: {title} (case {case_id})
Prepared by {user} at {when} (UTC) with Threadline.

What is inside
  case.json             the case as recorded: owner, items ({listed}), who it is shared with
  items/ads/            each ad as captured (the record the crawler stored), earlier versions,
                        and what automated analysis found in it, with the exact text of each
                        indicator and identifier
  items/images/         the ads' images, named by their SHA-256
  items/captures/       each ad page exactly as the crawler archived it when it fetched it:
                        the WARC records (the response with its HTTP headers and time, and
                        the request) cut unchanged from the crawl's archive file. Open them
                        with any WARC tool (warcio, pywb, ReplayWeb.page). manifest.json
                        lists, per capture, the SHA-256 of the page that Threadline's database
                        recorded at crawl time; verify.py checks the page against it
  items/transcripts/    decoy conversations (intercept), with their own SHA-256 digest
  items/networks/       networks of linked ads and what links them
  items/notes/          investigators' notes
  custody.json          every audit-log row that touches this case or its items, and the head
                        of the hash-chained audit log when the package was made
  manifest.json         the SHA-256 of every other file in the package
  verify.py             checks the package against manifest.json (Python 3, standard library)

Items that could not be included
{missing}

How to check that nothing was changed
  Unzip the package and run `python verify.py` in its folder, or run
  `python verify.py PACKAGE.zip`. It names every changed, missing or added file, and every
  capture whose page no longer has the SHA-256 recorded at crawl time, and exits 1 if there
  is any. The SHA-256 of manifest.json itself was recorded in Threadline's audit
  log when the package was made (action case.export.sealed), so a replaced manifest shows too.

How to read it
  Risk scores, indicators, network links and face matches are leads produced by automated
  analysis for trained people to review; they are not findings of fact. Each indicator names
  the exact words of the ad that triggered it, so every one can be checked by reading the ad.
"""
