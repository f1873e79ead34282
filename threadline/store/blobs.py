"""Content-addressed, write-once blob storage (images, evidence) under the data folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from threadline.errors import NotFoundError


class BlobStore:
    """Files named by the SHA-256 of their content; a stored blob is never rewritten."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the blob with this hash lives (two levels of fan-out)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFoundError(f"not a SHA-256: {sha256[:70]!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes durably (fsync, then rename) and return their SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return digest

    def get(self, sha256: str) -> bytes:
        """The blob's bytes; NotFoundError when it is not stored."""
        target = self.path(sha256)
        if not target.exists():
            raise NotFoundError(f"no blob {sha256}")
        return target.read_bytes()

    def verify(self, sha256: str) -> bool:
        """True when the stored bytes still hash to their name."""
        return hashlib.sha256(self.get(sha256)).hexdigest() == sha256
