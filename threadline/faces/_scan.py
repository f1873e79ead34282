"""One image file in, its faces out: decode safely, detect, encode, map boxes back."""

from __future__ import annotations

from dataclasses import dataclass

from threadline.faces._images import MAX_SIDE, ImageError, decode_image
from threadline.faces._model import Box, Encoding, FaceModel


@dataclass(frozen=True, slots=True)
class Face:
    """One face found in an image: its number there, its box and its encoding."""

    number: int  # 0-based, left to right
    box: Box  # in the original image's pixels (after EXIF rotation)
    encoding: Encoding


@dataclass(frozen=True, slots=True)
class Scan:
    """The faces of one image and what was read."""

    faces: tuple[Face, ...]
    width: int
    height: int
    frames: int


def scan_image(model: FaceModel, data: bytes, max_side: int = MAX_SIDE) -> Scan:
    """Every face in the image's first frame; ImageError when the file cannot be used."""
    decoded = decode_image(data, max_side)
    boxes = model.detect(decoded.pixels)
    encodings = model.encode(decoded.pixels, boxes)
    back = 1.0 / decoded.scale
    faces = tuple(
        Face(number, box.scaled(back), encoding)
        for number, (box, encoding) in enumerate(zip(boxes, encodings, strict=True))
    )
    return Scan(faces, decoded.width, decoded.height, decoded.frames)


def try_scan(model: FaceModel, data: bytes) -> tuple[Scan | None, str]:
    """The scan, or None and the reason this one file cannot be used (never raises for it)."""
    try:
        return scan_image(model, data), ""
    except ImageError as exc:
        return None, exc.detail
    except (RuntimeError, MemoryError) as exc:  # dlib's failures; one file, not the batch
        return None, f"face model failed: {exc}"
