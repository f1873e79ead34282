"""Decoding untrusted image bytes into a bounded RGB array, with one clear error per file."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from threadline.errors import InputError

# Our own ceiling, below Pillow's decompression-bomb warning (about 89 MP), so a bomb is
# refused by a check we chose and test, not by a library default that may move.
MAX_PIXELS = 80_000_000
MAX_SIDE = 1600  # longest side fed to the detector; larger photos are downscaled first
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")  # JPEG includes MPO
SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})

RGBArray = NDArray[np.uint8]
TRANSPOSES = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageError(InputError):
    """An image file that cannot be used: empty, not an image, damaged or too large."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """An RGB array ready for detection, and how it relates to the original file."""

    pixels: RGBArray
    width: int  # the original's size, after EXIF rotation
    height: int
    scale: float  # pixels = original * scale
    frames: int  # more than 1 for an animation; only the first frame is used


def decode_image(data: bytes, max_side: int = MAX_SIDE) -> Decoded:
    """The first frame as 8-bit RGB, turned upright per EXIF and no larger than max_side."""
    if not data:
        raise ImageError("empty file (0 bytes)")
    image = _open(data)
    frames = int(getattr(image, "n_frames", 1))
    _check_size(image.size)
    orientation = _orientation(image)
    width, height = image.size[::-1] if orientation in (5, 6, 7, 8) else image.size
    image.draft("RGB", (max_side, max_side))  # JPEG decodes at reduced scale: cheap, bounded
    pixels = _upright(_fit(_to_rgb(_load(image)), max_side), orientation)
    scale = pixels.width / width
    return Decoded(np.asarray(pixels, dtype=np.uint8), width, height, scale, frames)


def _open(data: bytes) -> Image.Image:
    Image.init()  # registers every plugin (idempotent), so `formats` can name TIFF and WEBP
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("image too large (decompression bomb guard)") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("not an image in a supported format") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(_damage(exc)) from exc


def _check_size(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise ImageError(f"image has no pixels ({width}x{height})")
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"image too large: {width}x{height} is over {MAX_PIXELS // 1_000_000} megapixels"
        )


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (OSError, SyntaxError, ValueError, TypeError):
        return 1  # broken EXIF: show the pixels as stored


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    # Turned after downscaling, so a huge photo is never copied at full size to rotate it.
    method = TRANSPOSES.get(orientation)
    return image if method is None else image.transpose(method)


def _load(image: Image.Image) -> Image.Image:
    try:
        image.load()
        return image
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(_damage(exc)) from exc


def _damage(exc: BaseException) -> str:
    truncated = "truncated" in str(exc).lower() or isinstance(exc, EOFError)
    return f"image data {'truncated' if truncated else 'damaged'}: {exc}"


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode; 16-bit and float greys are rescaled, not clipped."""
    if image.mode in SIXTEEN_BIT_MODES or image.mode == "F":
        grey = np.asarray(image, dtype=np.float64)
        peak = 1.0 if image.mode == "F" and grey.max(initial=0.0) <= 1.0 else 65535.0
        eight = np.clip(grey * (255.0 / peak), 0, 255).astype(np.uint8)
        return Image.fromarray(eight).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return _flatten(image.convert("RGBA"))
    return image if image.mode == "RGB" else image.convert("RGB")


def _flatten(image: Image.Image) -> Image.Image:
    # Transparent pixels become white rather than whatever colour they happen to hold.
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, image).convert("RGB")


def _fit(image: Image.Image, max_side: int) -> Image.Image:
    longest = max(image.size)
    if longest <= max_side:
        return image
    factor = longest // max_side
    if factor > 1:  # a whole-factor box shrink first: 40 times cheaper than resampling 50 MP
        image = image.reduce(factor)
    ratio = max_side / max(image.size)
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    return image.resize(size, Image.Resampling.LANCZOS)
