"""Verify a Threadline evidence package: every file against manifest.json (SHA-256).

This file is copied into every package as verify.py and uses only the Python standard
library, so anyone can check a package without Threadline:

    python verify.py                 # the folder this script is in (an unzipped package)
    python verify.py PACKAGE.zip     # a package still zipped

It prints one line per changed, missing or added file and exits 1 when there is any,
else prints the number of files verified and exits 0. It also re-reads every WARC capture
listed in the manifest (the ad pages as the crawler archived them) and checks that the page
it holds has the SHA-256 the database recorded at crawl time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import zipfile
import zlib
from pathlib import Path

MANIFEST = "manifest.json"


def check_files(files: dict[str, bytes]) -> list[str]:
    """Problems with a package given as {path: content}: changed, missing, added files."""
    if MANIFEST not in files:
        return [f"missing: {MANIFEST}"]
    try:
        listed = json.loads(files[MANIFEST].decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        return [f"changed: {MANIFEST} is not a readable manifest"]
    problems = []
    for path, digest in sorted(listed.items()):
        if path not in files:
            problems.append(f"missing: {path}")
        elif hashlib.sha256(files[path]).hexdigest() != digest:
            problems.append(f"changed: {path}")
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    problems += [f"added: {path}" for path in extra]
    captures = json.loads(files[MANIFEST].decode("utf-8")).get("captures", [])
    problems += [p for c in captures if (p := check_capture(files, c))]
    return problems


def check_capture(files: dict[str, bytes], capture: dict[str, str]) -> str:
    """ "" when the capture file holds the recorded record and payload SHA-256, else why not."""
    name = capture["file"]
    if name not in files:
        return ""  # already reported as missing
    try:
        record_id, payload = read_response(files[name])
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        return f"capture unreadable: {name} ({exc})"
    if record_id != capture["warc_record_id"]:
        return f"capture holds another record: {name}"
    if hashlib.sha256(payload).hexdigest() != capture["payload_sha256"]:
        return f"capture does not match the SHA-256 recorded at crawl time: {name}"
    return ""


def read_response(data: bytes) -> tuple[str, bytes]:
    """The record id and HTTP payload of the first WARC record (gzip or plain), decoded as
    the archive reader decodes it when it records the SHA-256."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    head, _, rest = data.partition(b"\r\n\r\n")
    warc = _headers(head)
    block = rest[: int(warc.get("content-length", "0"))]
    http_head, _, body = block.partition(b"\r\n\r\n")
    http = _headers(http_head)
    if http.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return warc.get("warc-record-id", ""), _decode(body, http.get("content-encoding", ""))


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def _dechunk(body: bytes) -> bytes:
    out, at = b"", 0
    while True:
        end = body.index(b"\r\n", at)
        size = int(body[at:end].split(b";")[0], 16)
        if size == 0:
            return out
        out += body[end + 2 : end + 2 + size]
        at = end + 2 + size + 2


def _decode(body: bytes, encoding: str) -> bytes:
    kind = encoding.lower()
    if kind in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if kind == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)
    return body  # identity, or an encoding the archive reader also leaves as it is


def read_zip(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """A zipped package's files, and duplicate names (a zip can hold a name twice)."""
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        files = {name: archive.read(name) for name in names}
    duplicates = sorted({name for name in names if names.count(name) > 1})
    return files, [f"added: {name} (a second copy)" for name in duplicates]


def read_folder(root: Path) -> dict[str, bytes]:
    """An unzipped package's files, by path relative to its folder."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def verify(target: Path) -> list[str]:
    """Problems with a package: a zip file or an unzipped folder."""
    if target.is_dir():
        return check_files(read_folder(target))
    try:
        files, duplicates = read_zip(target)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"unreadable package: {exc}"]
    return duplicates + check_files(files)


def main(argv: list[str]) -> int:
    """Verify the package named on the command line, or the folder holding this script."""
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    problems = verify(target)
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {target}")
        return 1
    count = len(read_folder(target)) if target.is_dir() else len(read_zip(target)[0])
    print(f"ok: {count} files match manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
