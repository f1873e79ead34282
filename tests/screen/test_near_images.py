"""Near-duplicate matching of watchlisted images: edited copies hit, unrelated pictures do not,
the stored hashes are sealed, and the platforms' download keeps the exact hash only."""

from __future__ import annotations

import base64
import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageEnhance
from sqlalchemy import select

from threadline.link import hash_image
from threadline.screen import (
    AdIn,
    ImageIn,
    Screener,
    add_to_watchlist,
    hashed_watchlist,
    screen_ads,
)
from threadline.screen._nearimages import NearImages, image_variants
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.screen import Platform, create_platform, remove_watch
from threadline.store.tables_screen import watchlist_images


def picture(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A synthetic scene: a gradient and a few coloured shapes placed by the seed."""
    chance = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y = chance.randrange(size[0]), chance.randrange(size[1])
        w, h = chance.randrange(40, 200), chance.randrange(40, 160)
        colour = tuple(chance.randrange(256) for _ in range(3))
        shape = draw.ellipse if chance.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=colour)  # type: ignore[arg-type]
    return image


def encoded(image: Image.Image, kind: str = "PNG", **options: int) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _crop(image: Image.Image, share: float) -> Image.Image:
    dx, dy = round(image.width * share), round(image.height * share)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


EDITS = {
    "re-encoded as JPEG 60": lambda im: encoded(im, "JPEG", quality=60),
    "resized to half": lambda im: encoded(im.resize((im.width // 2, im.height // 2))),
    "cropped 5 % each side": lambda im: encoded(_crop(im, 0.05)),
    "brighter by 20 %": lambda im: encoded(ImageEnhance.Brightness(im).enhance(1.2)),
    "cropped 3 %, resized, JPEG 75": lambda im: encoded(
        _crop(im, 0.03).resize((400, 290)), "JPEG", quality=75
    ),
}


@pytest.fixture
def screener(settings: Settings) -> Screener:
    return Screener.from_settings(settings)


@pytest.fixture
def platform(database: Database) -> Platform:
    with database.transaction() as connection:
        return create_platform(connection, "listings", "admin")[0]


def _watch(database: Database, screener: Screener, tmp_path: Path, seed: int) -> None:
    path = tmp_path / f"watched-{seed}.png"
    path.write_bytes(encoded(picture(seed)))
    add_to_watchlist(database, screener, "image", str(path), "missing person photo", "inv")


def _hits(database: Database, screener: Screener, platform: Platform, data: bytes) -> list[str]:
    image = ImageIn(data=base64.b64encode(data).decode())
    [out] = screen_ads(database, screener, platform, [AdIn(id="x", body="hello", images=[image])])
    return out.watchlist.kinds


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_copy_of_a_watched_image_hits(
    database: Database, screener: Screener, platform: Platform, tmp_path: Path, edit: str
) -> None:
    _watch(database, screener, tmp_path, seed=1)
    copy = EDITS[edit](picture(1))
    exact = hash_image(copy)[:64] == hash_image(encoded(picture(1)))[:64]
    assert exact == (edit == "resized to half")  # the exact hash alone misses the other four
    assert _hits(database, screener, platform, copy) == ["image"]


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6, 7])
def test_unrelated_pictures_do_not_hit(
    database: Database, screener: Screener, platform: Platform, tmp_path: Path, seed: int
) -> None:
    _watch(database, screener, tmp_path, seed=1)
    assert _hits(database, screener, platform, encoded(picture(seed))) == []


def test_the_nine_hashes_are_stored_sealed_and_never_downloaded(
    database: Database, screener: Screener, platform: Platform, tmp_path: Path
) -> None:
    _watch(database, screener, tmp_path, seed=1)
    nine = hash_image(encoded(picture(1)))
    with database.transaction() as connection:
        sealed = connection.execute(select(watchlist_images.c.hashes_enc)).scalar_one()
    assert nine[:16] not in sealed
    assert screener.cipher.decrypt(sealed, "watchlist.image_hashes") == nine
    download = hashed_watchlist(database, screener, platform)
    assert [e.kind for e in download.entries] == ["image"]
    assert nine[:16] not in download.model_dump_json()


def test_a_removed_image_no_longer_hits(
    database: Database, screener: Screener, platform: Platform, tmp_path: Path
) -> None:
    _watch(database, screener, tmp_path, seed=1)
    copy = EDITS["brighter by 20 %"](picture(1))
    assert _hits(database, screener, platform, copy) == ["image"]
    with database.transaction() as connection:
        remove_watch(connection, 1, "inv")
    screener.watch.invalidate()
    assert _hits(database, screener, platform, copy) == []


def test_the_distance_rule_matches_the_link_rule() -> None:
    original = hash_image(encoded(picture(1)))
    index = NearImages([image_variants(original)])
    assert len(index) == 1
    assert index.hit(image_variants(hash_image(EDITS["cropped 5 % each side"](picture(1)))))
    assert not index.hit(image_variants(hash_image(encoded(picture(2)))))
    # An entry added as a bare 64-hex whole-image hash still matches near copies.
    bare = NearImages([image_variants(original[:64])])
    assert bare.hit(image_variants(hash_image(EDITS["brighter by 20 %"](picture(1)))))
