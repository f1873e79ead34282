"""Small abstract pictures (gradients, shapes, letters; never people) and their reposts."""

from __future__ import annotations

import hashlib
import io
import random
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from threadline.synth._rng import seeded

TRANSFORMS: tuple[str, ...] = ("none", "resize", "recompress", "crop")
_VARIANTS = ("resize", "recompress", "crop")
_RAMP = Image.linear_gradient("L")  # 256 x 256, black to white, top to bottom


def transforms_for(origin: str) -> tuple[str, ...]:
    """The transforms one origin is reposted with: `none` and two others (three files)."""
    dropped = _VARIANTS[int(origin[1:]) % 3]
    return ("none", *(name for name in _VARIANTS if name != dropped))


@lru_cache(maxsize=256)
def draw_origin(origin: str, seed: int) -> Image.Image:
    """The original picture, the same for the same origin id and seed."""
    rng = seeded(seed, "image", origin)
    width, height = rng.randint(96, 160), rng.randint(96, 160)
    image = _gradient(width, height, rng)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(5, 9)):
        _shape(draw, width, height, rng)
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randint(2, 5)))
    draw.text((rng.randint(4, width // 2), rng.randint(4, height - 16)), letters, fill=_color(rng))
    return image


def _color(rng: random.Random) -> tuple[int, int, int]:
    """A random RGB colour."""
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)


def _gradient(width: int, height: int, rng: random.Random) -> Image.Image:
    """A two-colour linear gradient in a random direction."""
    ramp = _RAMP.rotate(rng.uniform(0, 360), Image.Resampling.BILINEAR, expand=True)
    # The middle 180 pixels of the rotated square are all gradient at any angle.
    low, high = ramp.width // 2 - 90, ramp.width // 2 + 90
    middle = ramp.crop((low, low, high, high))
    gray = middle.resize((width, height), Image.Resampling.BILINEAR)
    return ImageOps.colorize(gray, _color(rng), _color(rng))


def _shape(draw: ImageDraw.ImageDraw, width: int, height: int, rng: random.Random) -> None:
    """One random ellipse, rectangle, triangle or thick line."""
    x0, y0 = rng.randrange(width), rng.randrange(height)
    x1, y1 = x0 + rng.randint(20, width * 2 // 3), y0 + rng.randint(20, height * 2 // 3)
    kind = rng.randrange(4)
    if kind == 0:
        draw.ellipse((x0, y0, x1, y1), fill=_color(rng))
    elif kind == 1:
        draw.rectangle((x0, y0, x1, y1), fill=_color(rng), outline=_color(rng))
    elif kind == 2:
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(3)]
        draw.polygon(points, fill=_color(rng))
    else:
        draw.line((x0, y0, x1, y1), fill=_color(rng), width=rng.randint(2, 6))


def encode(image: Image.Image, transform: str, rng: random.Random) -> bytes:
    """JPEG bytes of the picture as reposted with `transform`."""
    quality = 90
    if transform == "resize":
        scale = rng.uniform(0.6, 0.85)
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    elif transform == "crop":
        # A light crop: one or two pixels a side keeps perceptual hashes close to the origin.
        dx = max(1, round(image.width * rng.uniform(0.008, 0.016)))
        dy = max(1, round(image.height * rng.uniform(0.008, 0.016)))
        image = image.crop((dx, dy, image.width - dx, image.height - dy))
    elif transform == "recompress":
        quality = rng.randint(30, 45)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


class ImageStore:
    """Writes each (origin, transform) file once and remembers its path and SHA-256."""

    def __init__(self, directory: Path, prefix: str, seed: int) -> None:
        self.directory = directory
        self.prefix = prefix
        self.seed = seed
        self._written: dict[str, dict[str, str]] = {}

    def get(self, origin: str, transform: str) -> dict[str, str]:
        """The record image `{"path", "sha256"}`, writing the file on first use."""
        name = f"{origin}-{transform}.jpg"
        known = self._written.get(name)
        if known is None:
            known = self._write(name, origin, transform)
            self._written[name] = known
        return dict(known)

    def _write(self, name: str, origin: str, transform: str) -> dict[str, str]:
        """Draw, encode, write and hash one file."""
        rng = seeded(self.seed, "image", origin, transform)
        data = encode(draw_origin(origin, self.seed), transform, rng)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / name).write_bytes(data)
        return {"path": self.prefix + name, "sha256": hashlib.sha256(data).hexdigest()}
