"""The local test site: listings, pagination, ad pages, images, robots.txt, takedowns."""

from __future__ import annotations

from pathlib import Path

from threadline.synth import SynthSite


def test_site_is_the_same_for_the_same_seed() -> None:
    first, second = SynthSite(30, 5), SynthSite(30, 5)
    assert [ad.path() for ad in first.ads] == [ad.path() for ad in second.ads]
    assert first.respond(first.ads[0].path()) == second.respond(second.ads[0].path())


def test_listing_paginates_newest_first() -> None:
    site = SynthSite(200, 5, per_page=5)
    city = max(site._by_city, key=lambda c: len(site._by_city[c]))
    ads = site._by_city[city]
    status, _headers, page = site.respond(f"/{city}/")
    assert status == 200
    assert page.count(b'class="ad-link"') == 5
    assert f'href="{ads[0].path()}"'.encode() in page
    assert f'rel="next" href="/{city}/?page=2"'.encode() in page
    assert site.respond(f"/{city}/?page=999")[0] == 404


def test_epoch_one_takes_ads_down_and_edits_others() -> None:
    site = SynthSite(40, 5)
    gone = site.ads[3]
    edited = site.ads[7]
    assert site.respond(gone.path())[0] == 200
    site.epoch = 1
    assert site.respond(gone.path())[0] == 404
    assert b"(updated)</h1>" in site.respond(edited.path())[2]
    assert len(site.live()) == 36


def test_robots_visits_move_the_epoch_on() -> None:
    site = SynthSite(10, 5, remove_after_visits=1)
    assert site.respond("/robots.txt") == (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    assert site.epoch == 0
    site.respond("/robots.txt")
    assert site.epoch == 1


def test_images_are_served_from_the_image_folder(tmp_path: Path) -> None:
    site = SynthSite(10, 5, tmp_path)
    name = next(n for ad in site.ads for n in ad.images)
    assert site.respond(f"/images/{name}") == (
        200,
        {"Content-Type": "image/jpeg"},
        (tmp_path / name).read_bytes(),
    )
    assert site.respond("/images/../secret")[0] == 404
