"""Recovery of the WARC files a killed crawl left unfinished (`NAME.warc.gz.open`).

Each record is its own gzip member, so the complete records of such a file are the gzip
members at its start that decompress to their end with a good CRC. Those are kept: the file
is cut after the last of them and given its final name. What follows (a record cut off by
the kill) is moved aside to `quarantine/NAME.warc.gz.tail` with the reason beside it, so
nothing half-written is read as a capture and nothing fetched is thrown away unseen.

A file that a live crawl still writes is locked by it (`WarcArchive` holds an exclusive
flock until it closes the file) and is left alone.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["OPEN_SUFFIX", "QUARANTINE", "Recovered", "complete_prefix", "recover_open_warcs"]

OPEN_SUFFIX = ".open"
QUARANTINE = "quarantine"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Recovered:
    """An unfinished WARC file put right."""

    path: Path | None  # the finished file; None when not one record was complete
    records: int  # complete records kept (the warcinfo record counts)
    kept_bytes: int
    quarantined: Path | None  # where the cut-off tail went; None when there was none
    reason: str  # why the tail was set aside; "" when there was none

    def line(self, original: str) -> str:
        """What was done, in one line."""
        kept = f"{self.records} complete records kept in {self.path.name if self.path else '-'}"
        if self.quarantined is None:
            return f"recovered {original}: {kept}"
        return f"recovered {original}: {kept}; tail to {self.quarantined} ({self.reason})"


def recover_open_warcs(folder: Path) -> list[tuple[str, Recovered]]:
    """Recover every `.warc.gz.open` file in the folder no live crawl holds; (name, result)."""
    found: list[tuple[str, Recovered]] = []
    for path in sorted(folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        recovered = _recover(path)
        if recovered is not None:
            found.append((path.name, recovered))
    return found


def _recover(path: Path) -> Recovered | None:
    try:
        stream = open(path, "r+b")  # noqa: SIM115 - held open across the lock and the rename
    except FileNotFoundError:
        return None  # another collector recovered it first
    with stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a live crawl is writing it
        if not path.exists():
            return None  # recovered and renamed while we waited for the lock
        return _cut_and_finish(stream, path)


def _cut_and_finish(stream: IO[bytes], path: Path) -> Recovered:
    kept, records, reason = complete_prefix(stream)
    size = os.fstat(stream.fileno()).st_size
    quarantined = _quarantine(stream, path, kept, reason) if kept < size else None
    stream.truncate(kept)
    stream.flush()
    os.fsync(stream.fileno())
    final = _finish(path, records)
    _fsync_folder(path.parent)
    return Recovered(final, records, kept, quarantined, reason if quarantined else "")


def _finish(path: Path, records: int) -> Path | None:
    """Give the file its final name, or remove it when it kept nothing."""
    if records == 0:
        path.unlink()
        return None
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    path.replace(final)
    return final


def complete_prefix(stream: IO[bytes]) -> tuple[int, int, str]:
    """Bytes and count of the whole WARC gzip members at the start; why the rest is not."""
    stream.seek(0)
    kept = records = read = 0
    member = _Member()
    while chunk := stream.read(_CHUNK):
        read += len(chunk)
        data = chunk
        while data:
            try:
                data = member.feed(data)
            except zlib.error as exc:
                return kept, records, f"corrupt gzip member at byte {kept}: {exc}"
            if not member.ended:
                break
            if not member.head.startswith(b"WARC/"):
                return kept, records, f"not a WARC record at byte {kept}"
            kept, records, member = read - len(data), records + 1, _Member()
    if not member.started:
        return kept, records, ""
    return kept, records, f"record cut off: it starts at byte {kept}, the file ends at {read}"


class _Member:
    """One gzip member being decompressed: its first bytes and whether it ended."""

    def __init__(self) -> None:
        self.decompressor = zlib.decompressobj(wbits=31)
        self.head = b""
        self.started = False
        self.ended = False

    def feed(self, data: bytes) -> bytes:
        """Decompress; returns the bytes past this member's end (b"" while it goes on)."""
        self.started = True
        out = self.decompressor.decompress(data)
        self.head += out[: max(0, 8 - len(self.head))]
        self.ended = self.decompressor.eof
        return self.decompressor.unused_data if self.ended else b""


def _quarantine(stream: IO[bytes], path: Path, kept: int, reason: str) -> Path:
    folder = path.parent / QUARANTINE
    folder.mkdir(exist_ok=True)
    target = folder / (path.name.removesuffix(OPEN_SUFFIX) + ".tail")
    stream.seek(kept)
    with open(target, "wb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    note = f"{reason}\nfrom {path.name}, bytes {kept} to the end\n"
    target.with_name(target.name + ".reason.txt").write_text(note, encoding="utf-8")
    return target


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
