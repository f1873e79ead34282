"""WARC files (warcio): every fetched page and image with its request, response and time.

Files are written as `NAME.warc.gz.open` and renamed to `NAME.warc.gz` when closed, so a
reader never takes a half-written file for a finished one; the writer holds an exclusive
flock on the open file, so recovery (`threadline.ingest.recover`) can tell a live crawl's
file from a killed one's. Each record is its own gzip member, so a capture is addressed by
(file, offset) and re-read alone for verification.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = [
    "Fetched",
    "WarcArchive",
    "WarcResponse",
    "capture_bytes",
    "iter_warc_responses",
    "read_capture",
    "verify_capture",
]

Headers = list[tuple[str, str]]
# Scrapy hands over bodies already de-chunked; keeping the header would make readers de-chunk again.
_HOP_HEADERS = {"transfer-encoding"}


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP exchange as the crawler saw it."""

    url: str
    status: int
    response_headers: Headers
    body: bytes
    request_headers: Headers
    fetched_at: datetime
    method: str = "GET"
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True, slots=True)
class WarcResponse:
    """A response record read back from a WARC file, with where it lies and its SHA-256."""

    url: str
    status: int
    content_type: str
    payload: bytes
    record_id: str
    path: Path
    offset: int
    fetched_at: datetime | None
    sha256: str


class WarcArchive:
    """Rotating gzip WARC files in a folder, named by a prefix and a sequence number."""

    def __init__(self, folder: Path, prefix: str, max_bytes: int = 1 << 30) -> None:
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.closed_files: list[Path] = []
        self._sequence = 0
        self._stream: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, fetched: Fetched) -> tuple[Path, int]:
        """Append the response and its request; returns the response record's file and offset."""
        writer, stream = self._current()
        offset = stream.tell()
        response = _response_record(writer, fetched)
        writer.write_record(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(_request_record(writer, fetched, record_id))
        if stream.tell() >= self.max_bytes:
            self.close()
        return self._final_name(self._sequence), offset

    def close(self) -> None:
        """Finish the open file: flush, fsync and give it its final name."""
        if self._stream is None:
            return
        self._stream.flush()
        os.fsync(self._stream.fileno())
        final = self._final_name(self._sequence)
        # Renamed while still locked, so recovery never takes a finished file for a dead one.
        final.with_name(final.name + ".open").replace(final)
        self._stream.close()
        self.closed_files.append(final)
        self._stream = self._writer = None

    def _current(self) -> tuple[WARCWriter, IO[bytes]]:
        if self._stream is None or self._writer is None:
            self._sequence += 1
            final = self._final_name(self._sequence)
            self._stream = open(final.with_name(final.name + ".open"), "wb")  # noqa: SIM115
            fcntl.flock(self._stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._writer = WARCWriter(self._stream, gzip=True)
            info = {"software": "threadline (scrapy, warcio)", "format": "WARC File Format 1.1"}
            self._writer.write_record(self._writer.create_warcinfo_record(final.name, info))
        return self._writer, self._stream

    def _final_name(self, sequence: int) -> Path:
        return self.folder / f"{self.prefix}-{sequence:05d}.warc.gz"


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _response_record(writer: WARCWriter, fetched: Fetched) -> Any:
    headers = [(k, v) for k, v in fetched.response_headers if k.lower() not in _HOP_HEADERS]
    status_line = f"{fetched.status} {_reason(fetched.status)}"
    http = StatusAndHeaders(status_line, headers, protocol=fetched.protocol)
    return writer.create_warc_record(
        fetched.url,
        "response",
        payload=io.BytesIO(fetched.body),
        length=len(fetched.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": _warc_date(fetched.fetched_at)},
    )


def _request_record(writer: WARCWriter, fetched: Fetched, concurrent_to: str) -> Any:
    parts = urlsplit(fetched.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *fetched.request_headers]
    http = StatusAndHeaders(
        f"{fetched.method} {target or '/'} {fetched.protocol}", headers, is_http_request=True
    )
    return writer.create_warc_record(
        fetched.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=http,
        warc_headers_dict={
            "WARC-Date": _warc_date(fetched.fetched_at),
            "WARC-Concurrent-To": concurrent_to,
        },
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def iter_warc_responses(
    path: Path, want: Callable[[str, str], bool] | None = None
) -> Iterator[WarcResponse | str]:
    """Response records (those `want(url, content_type)` accepts), or one problem string.

    Records not wanted are skipped without reading their payload.
    """
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if want is None or want(_target(record), _content_type(record)):
                    yield _read_response(record, records, path)
            # warcio stops quietly at a cut-off gzip member; the bytes left say so.
            if records.offset < os.fstat(stream.fileno()).st_size:
                yield f"unreadable WARC (cut off at byte {records.offset})"
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
            yield f"unreadable WARC ({_describe(exc)})"


def _target(record: Any) -> str:
    return str(record.rec_headers.get_header("WARC-Target-URI") or "")


def _content_type(record: Any) -> str:
    return str(record.http_headers.get_header("Content-Type") or "")


def _describe(exc: Exception) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text.strip() else type(exc).__name__


def _read_response(record: Any, records: Any, path: Path) -> WarcResponse:
    payload = record.content_stream().read()
    offset = records.get_record_offset()
    warc = record.rec_headers
    http = record.http_headers
    return WarcResponse(
        url=warc.get_header("WARC-Target-URI") or "",
        status=_status(http.get_statuscode()),
        content_type=http.get_header("Content-Type") or "",
        payload=payload,
        record_id=warc.get_header("WARC-Record-ID") or "",
        path=path,
        offset=int(offset),
        fetched_at=_parse_date(warc.get_header("WARC-Date")),
        sha256=hashlib.sha256(payload).hexdigest(),
    )


def _status(code: str | None) -> int:
    return int(code) if code and code.isdigit() else 0


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_capture(path: Path, offset: int) -> WarcResponse | None:
    """The response record at this offset, re-read alone; None when there is none."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type == "response" and record.http_headers is not None:
                return replace(_read_response(record, records, path), offset=offset)
            return None
    return None


def verify_capture(path: Path, offset: int, sha256: str) -> bool:
    """True when the record at this offset still holds a payload with this SHA-256."""
    try:
        found = read_capture(path, offset)
    except (OSError, ArchiveLoadFailed, EOFError, ValueError, zlib.error):
        return False
    return found is not None and found.sha256 == sha256


def capture_bytes(path: Path, offset: int) -> bytes:
    """The response record at this offset and the records concurrent to it that follow (its
    request), as the archive holds them: the same bytes (gzip members or plain records)."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        records = ArchiveIterator(stream)
        spans: list[tuple[int, int]] = []
        response_id = ""
        for record in records:
            record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
            if not spans and record.rec_type != "response":
                raise ValueError(f"no response record at byte {offset} of {path.name}")
            if spans and record.rec_headers.get_header("WARC-Concurrent-To") != response_id:
                break
            response_id = response_id or record_id
            spans.append((records.get_record_offset(), records.get_record_length()))
        if not spans:
            raise ValueError(f"no record at byte {offset} of {path.name}")
        stream.seek(spans[0][0])
        return stream.read(spans[-1][0] + spans[-1][1] - spans[0][0])
