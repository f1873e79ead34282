"""Perceptual image hashes and a multi-index Hamming search over them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from os import PathLike

import imagehash
from PIL import Image

from threadline.errors import InputError

MAX_DISTANCE = 7  # bits; resized, recompressed and lightly cropped copies stay within this
_CHUNKS = 4
_CHUNK_BITS = 16
_CHUNK_MASK = (1 << _CHUNK_BITS) - 1
# Pigeonhole: when d <= MAX_DISTANCE, some chunk differs in at most d // _CHUNKS bits.
_PROBE = MAX_DISTANCE // _CHUNKS


def hash_image(image: str | PathLike[str] | bytes) -> str:
    """The 64-bit perceptual hash (DCT pHash) of an image file or its bytes, as 16 hex digits."""
    try:
        source = io.BytesIO(image) if isinstance(image, bytes) else image
        with Image.open(source) as opened:
            return str(imagehash.phash(opened.convert("L")))
    except (OSError, ValueError) as exc:
        raise InputError(f"image cannot be read: {exc}") from exc


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def parse_hash(text: str) -> int:
    """A hex hash as an integer; raises InputError for anything else."""
    try:
        return int(text, 16)
    except ValueError as exc:
        raise InputError(f"image hash is not hex: {text[:20]!r}") from exc


def _chunks(value: int) -> Iterator[tuple[int, int]]:
    for index in range(_CHUNKS):
        yield index, (value >> (index * _CHUNK_BITS)) & _CHUNK_MASK


def _probes(chunk: int, radius: int) -> Iterator[int]:
    yield chunk
    if radius >= 1:
        for bit in range(_CHUNK_BITS):
            yield chunk ^ (1 << bit)


class HammingIndex:
    """Multi-index hashing: four 16-bit tables, probed within radius, candidates verified."""

    def __init__(self, max_distance: int = MAX_DISTANCE) -> None:
        self.max_distance = max_distance
        self._probe = min(max_distance // _CHUNKS, 1)
        self._values: list[int] = []
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(_CHUNKS)]

    def __len__(self) -> int:
        return len(self._values)

    def value(self, item: int) -> int:
        """The hash stored as `item`."""
        return self._values[item]

    def near(self, value: int) -> list[int]:
        """Items within max_distance of `value`, in insertion order."""
        seen: set[int] = set()
        for index, chunk in _chunks(value):
            table = self._tables[index]
            for probe in _probes(chunk, self._probe):
                seen.update(table.get(probe, ()))
        limit = self.max_distance
        return sorted(i for i in seen if (self._values[i] ^ value).bit_count() <= limit)

    def add(self, value: int) -> int:
        """Store a hash; returns its item number."""
        item = len(self._values)
        self._values.append(value)
        for index, chunk in _chunks(value):
            self._tables[index].setdefault(chunk, []).append(item)
        return item
