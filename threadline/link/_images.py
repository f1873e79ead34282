"""Perceptual image hashes and a multi-index Hamming search over them.

`hash_image` writes nine 256-bit DCT hashes (pHash of 16x16 coefficients): the whole image
and eight centred crops (0, 4 or 8 % off each side, across and down). A lightly cropped
repost matches one of the original's crops, and the original matches one of the repost's,
so two images match when either one's whole-image hash is within MAX_DISTANCE bits of any
hash of the other. Candidates come from an index of each hash's low-frequency 8x8 corner
(three 21-bit chunks, exact chunk match: chunks of about log2(images) bits keep buckets
small at a million images; the nine directions to match make up for the chunks' reach).
Only candidates are compared in full.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from os import PathLike

import imagehash
from PIL import Image

from threadline.errors import InputError

CROPS = (0.0, 0.04, 0.08)  # share cut from each side, across and down
MAX_DISTANCE = 56  # of 256 bits: reposts measured up to 50, unrelated pictures from 66
MAX_DISTANCE_64 = 7  # for plain 64-bit hashes from elsewhere (no crops)
_VARIANT_HEX = 64
_CHUNKS = 3
_CHUNK_BITS = 21
_CHUNK_MASK = (1 << _CHUNK_BITS) - 1


def hash_image(image: str | PathLike[str] | bytes) -> str:
    """The perceptual hashes of an image file or its bytes: nine 256-bit hashes as hex."""
    try:
        source = io.BytesIO(image) if isinstance(image, bytes) else image
        with Image.open(source) as opened:
            gray = opened.convert("L")
    except (OSError, ValueError) as exc:
        raise InputError(f"image cannot be read: {exc}") from exc
    return "".join(
        str(imagehash.phash(_crop(gray, across, down), hash_size=16))
        for across in CROPS
        for down in CROPS
    )


def _crop(image: Image.Image, across: float, down: float) -> Image.Image:
    dx, dy = round(image.width * across), round(image.height * down)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def parse_hash(text: str) -> int:
    """A hex hash as an integer; raises InputError for anything else."""
    try:
        return int(text, 16)
    except ValueError as exc:
        raise InputError(f"image hash is not hex: {text[:20]!r}") from exc


def split_hash(text: str) -> tuple[int, ...]:
    """The variants of a hash string: nine (or one) 256-bit values, or one 64-bit value."""
    text = text.strip().lower()
    if len(text) % _VARIANT_HEX == 0 and text:
        return tuple(
            parse_hash(text[i : i + _VARIANT_HEX]) for i in range(0, len(text), _VARIANT_HEX)
        )
    if len(text) == 16:
        return (parse_hash(text),)
    raise InputError(f"image hash has {len(text)} hex digits; expected 16 or a multiple of 64")


def corner(value: int, bits: int) -> int:
    """The 64 low-frequency bits (top-left 8x8 of a 16x16 hash); a 64-bit hash is its own."""
    if bits == 64:
        return value
    out = 0
    for row in range(8):
        out = (out << 8) | ((value >> (bits - 16 * row - 8)) & 0xFF)
    return out


def corners(text: str) -> tuple[int, ...]:
    """`corner` of each variant of a hash string, read straight from its hex digits."""
    text = text.strip().lower()
    if len(text) == 16:
        return (parse_hash(text),)
    # Each 16x16 variant is 64 hex digits, four per row; the corner is two digits of rows 0-7.
    return tuple(
        int("".join(text[start + 4 * row : start + 4 * row + 2] for row in range(8)), 16)
        for start in range(0, len(text), _VARIANT_HEX)
    )


Tables = list[dict[int, int | list[int]]]


class HammingIndex:
    """Images by hash; `near` finds stored images within the distance rule of a new one."""

    def __init__(self) -> None:
        # Variants packed into one bytes object per image: a third of a tuple of big ints.
        self._variants: list[bytes] = []
        self._bits: list[int] = []
        # Bucket values are an item, or a list once a second item arrives (most stay single).
        self._whole: Tables = [{} for _ in range(_CHUNKS)]
        self._cropped: Tables = [{} for _ in range(_CHUNKS)]

    def __len__(self) -> int:
        return len(self._variants)

    def near(self, variants: tuple[int, ...], keys: tuple[int, ...], bits: int) -> list[int]:
        """Stored items matching these variants (with their `corners` as keys), in order."""
        found: set[int] = set()
        found.update(_lookup(self._cropped, keys[:1]))
        found.update(_lookup(self._whole, keys))
        return sorted(i for i in found if self._matches(i, variants, bits))

    def _matches(self, item: int, variants: tuple[int, ...], bits: int) -> bool:
        if self._bits[item] != bits:
            return False
        return variants_match(variants, _unpack(self._variants[item], bits), bits)

    def add(self, variants: tuple[int, ...], keys: tuple[int, ...], bits: int) -> int:
        """Store an image's variants (with their `corners` as keys); returns its item number."""
        item = len(self._variants)
        self._variants.append(b"".join(v.to_bytes(bits // 8, "big") for v in variants))
        self._bits.append(bits)
        _store(self._whole, keys[0], item)
        for value in keys[1:]:
            _store(self._cropped, value, item)
        return item


def variants_match(a: tuple[int, ...], b: tuple[int, ...], bits: int) -> bool:
    """The match rule: either image's whole-image hash within the distance of any of the
    other's variants (`bits` each). Symmetric, so it holds whichever image came first."""
    limit = MAX_DISTANCE if bits == 256 else MAX_DISTANCE_64
    best = min(
        min((a[0] ^ other).bit_count() for other in b),
        min((b[0] ^ mine).bit_count() for mine in a),
    )
    return best <= limit


def bucket_keys(keys: tuple[int, ...]) -> Iterator[tuple[int, bool]]:
    """The index buckets an image is filed under: (chunk number and value as one int, whether
    it comes from the whole image's corner). Two images are candidates when one's whole
    corner shares a bucket with any corner of the other, as `HammingIndex.near` finds them."""
    for position, value in enumerate(keys):
        for index, chunk in _chunks(value):
            yield (index << _CHUNK_BITS) | chunk, position == 0


def _chunks(value: int) -> Iterable[tuple[int, int]]:
    for index in range(_CHUNKS):
        yield index, (value >> (_CHUNK_BITS * index)) & _CHUNK_MASK


def _unpack(packed: bytes, bits: int) -> tuple[int, ...]:
    size = bits // 8
    return tuple(int.from_bytes(packed[i : i + size], "big") for i in range(0, len(packed), size))


def _lookup(tables: Tables, keys: tuple[int, ...]) -> Iterable[int]:
    for value in keys:
        for index, chunk in _chunks(value):
            found = tables[index].get(chunk)
            if isinstance(found, int):
                yield found
            elif found is not None:
                yield from found


def _store(tables: Tables, value: int, item: int) -> None:
    for index, chunk in _chunks(value):
        table = tables[index]
        found = table.get(chunk)
        if found is None:
            table[chunk] = item
        elif isinstance(found, int):
            table[chunk] = [found, item]
        else:
            found.append(item)


def hash_bits(text: str) -> int:
    """Bits per variant of a hash string (64 for a plain pHash, else 256)."""
    return 64 if len(text.strip()) == 16 else 256
