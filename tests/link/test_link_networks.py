"""Networks on hand-built ads: exact members, vias, set-aside evidence and stable ids."""

import pickle
from datetime import UTC, datetime

import pytest

from threadline.errors import InputError
from threadline.link import LinkState, Signatures, TextStore, link_ads, place_ad
from threadline.link._result import stable_id
from threadline.model import AdEvidence

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf")
WORDS += ("hotel", "india", "juliet", "kilo", "lima", "mike")


def _text(seed: int) -> str:
    """A text of its own: no template shared with any other seed."""
    tag = chr(97 + seed % 26) + chr(97 + seed // 26)
    return " ".join(f"{WORDS[(seed + i) % len(WORDS)]}{tag}" for i in range(12))


def _ad(ad_id: str, text: str, *ids: tuple[str, str], **kw: object) -> AdEvidence:
    return AdEvidence(ad_id=ad_id, text=text, identifiers=ids, **kw)  # type: ignore[arg-type]


TEMPLATE = (
    "Hi gentlemen I am {name} visiting {city} this week, sweet fun and discreet, call {phone}"
)


def _fixture() -> list[AdEvidence]:
    return [
        _ad("a1", _text(1), ("phone", "+17025550101")),
        _ad("a2", _text(2), ("phone", "+17025550101"), ("email", "Ana.B@Gmail.com")),
        _ad("a3", _text(3), ("email", "ana.b@gmail.com")),
        _ad(
            "b1",
            TEMPLATE.format(name="Ana", city="Reno", phone="775-555-0101"),
            ("phone", "+17755550101"),
            names=("Ana",),
            city="Reno",
        ),
        _ad(
            "b2",
            TEMPLATE.format(name="Bea", city="Vegas", phone="702-555-0177"),
            ("phone", "+17025550177"),
            names=("Bea",),
            city="Vegas",
        ),
        _ad("c1", _text(4), ("handle", "snapchat:kitty")),
        _ad("c2", _text(5), ("handle", "snapchat:@Kitty")),
        _ad("d1", _text(6)),
    ]


def test_link_ads_groups_by_identifiers_and_templates_with_vias() -> None:
    result = link_ads(_fixture())
    vias = {m.ad_id: [v.label() for v in m.via] for m in result.memberships}
    template = "template:" + stable_id("T", "b1")
    assert vias == {
        "a1": ["phone:+17025550101"],
        "a2": ["phone:+17025550101", "email:ana.b@gmail.com"],
        "a3": ["email:ana.b@gmail.com"],
        "b1": [template],
        "b2": [template],
        "c1": ["handle:snapchat:kitty"],
        "c2": ["handle:snapchat:kitty"],
        "d1": [],
    }
    networks = result.network_of()
    assert networks["a1"] == networks["a2"] == networks["a3"] == stable_id("N", "a1")
    assert networks["b1"] == networks["b2"] == stable_id("N", "b1")
    assert networks["c1"] == networks["c2"] == stable_id("N", "c1")
    assert networks["d1"] == stable_id("N", "d1")


def test_link_ads_ids_do_not_depend_on_input_order() -> None:
    forward = link_ads(_fixture()).network_of()
    backward = link_ads(list(reversed(_fixture()))).network_of()
    assert forward == backward


def test_network_summary_lists_what_members_share() -> None:
    when = datetime(2026, 1, 5, tzinfo=UTC)
    ads = [
        _ad(
            "x1",
            _text(1),
            ("phone", "+17025550101"),
            names=("Ana",),
            city="Reno",
            posted_at=when,
            risk_score=2.0,
        ),
        _ad(
            "x2",
            _text(2),
            ("phone", "+17025550101"),
            ("email", "a@b.co"),
            names=("Bea",),
            city="Vegas",
            posted_at=when.replace(day=9),
            risk_score=5.5,
            juvenile=True,
        ),
    ]
    (summary,) = link_ads(ads).networks
    assert summary.to_record() == {
        "network": stable_id("N", "x1"),
        "size": 2,
        "ads": ["x1", "x2"],
        "identifiers": ["email:a@b.co", "phone:+17025550101"],
        "names": ["Ana", "Bea"],
        "cities": ["Reno", "Vegas"],
        "first_seen": "2026-01-05T00:00:00+00:00",
        "last_seen": "2026-01-09T00:00:00+00:00",
        "max_risk": 5.5,
        "juvenile_ads": ["x2"],
        "templates": [],
        "images": [],
    }


def _site_corpus() -> list[AdEvidence]:
    """30 two-ad networks, each with its own phone; every ad also prints the site's number."""
    site = ("phone", "+18005550100")
    ads = []
    for n in range(30):
        phone = ("phone", f"+1702555{n:04d}")
        ads += [
            _ad(f"n{n:02d}a", _text(2 * n), phone, site),
            _ad(f"n{n:02d}b", _text(2 * n + 1), phone, site),
        ]
    return ads


def test_site_number_is_set_aside_and_does_not_merge_networks() -> None:
    result = link_ads(_site_corpus())
    assert len({m.network_id for m in result.memberships}) == 30
    (aside,) = result.set_aside
    assert (aside.kind, aside.value, aside.ads, aside.spread) == ("phone", "+18005550100", 60, 30)
    assert aside.reason.startswith(
        "phone +18005550100 co-occurs with 30 distinct other identifiers"
    )
    assert all("phone:+18005550100" not in [v.label() for v in m.via] for m in result.memberships)


def test_spammer_phone_in_many_ads_is_not_set_aside() -> None:
    ads = [
        _ad(f"s{n:03d}", _text(n), ("phone", "+17025550199"), city=f"city{n % 9}")
        for n in range(200)
    ]
    result = link_ads(ads)
    assert result.set_aside == ()
    assert len({m.network_id for m in result.memberships}) == 1


def test_images_link_ads_through_near_hashes() -> None:
    base = "0" * 64
    near = "f" + "0" * 63  # 4 bits apart in the whole-image hash
    far = "ff" * 32
    ads = [
        AdEvidence("i1", _text(1), image_hashes=(base,)),
        AdEvidence("i2", _text(2), image_hashes=(near,)),
        AdEvidence("i3", _text(3), image_hashes=(far,)),
    ]
    result = link_ads(ads)
    vias = {m.ad_id: [v.label() for v in m.via] for m in result.memberships}
    assert vias == {"i1": ["image:" + "0" * 16], "i2": ["image:" + "0" * 16], "i3": []}


def test_incremental_batches_give_the_batch_partition() -> None:
    ads = _fixture() + _site_corpus()
    state = LinkState()
    link_ads(ads[:20], state)
    incremental = link_ads(ads[20:], state).network_of()
    assert incremental == link_ads(ads).network_of()


def test_place_ad_joins_an_existing_network() -> None:
    state = LinkState()
    link_ads(_fixture(), state)
    member = place_ad(_ad("a4", _text(9), ("email", "ana.b@gmail.com")), state)
    assert (member.network_id, [v.label() for v in member.via]) == (
        stable_id("N", "a1"),
        ["email:ana.b@gmail.com"],
    )


def test_state_survives_save_and_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    state = LinkState()
    link_ads(_fixture(), state)
    state.save(tmp_path / "state.pkl", b"key")
    loaded = LinkState.load(tmp_path / "state.pkl", b"key")
    member = place_ad(_ad("c3", _text(11), ("handle", "snapchat:kitty")), loaded)
    assert member.network_id == stable_id("N", "c1")
    assert [p.name for p in tmp_path.iterdir()] == ["state.pkl"]


def test_boilerplate_template_of_unrelated_networks_is_set_aside() -> None:
    ads = [
        _ad(
            f"t{n:02d}{side}",
            TEMPLATE.format(name="Ana", city="Reno", phone="x"),
            ("phone", f"+1775555{n:04d}"),
        )
        for n in range(30)
        for side in "ab"
    ]
    result = link_ads(ads)
    assert len({m.network_id for m in result.memberships}) == 30
    (aside,) = result.set_aside
    assert (aside.kind, aside.value, aside.ads, aside.spread) == (
        "template",
        stable_id("T", "t00a"),
        60,
        30,
    )


def test_state_of_another_format_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.state"
    path.write_bytes(pickle.dumps((0, "not a state")))
    with pytest.raises(InputError, match="not a link state sealed with this installation's key"):
        LinkState.load(path, b"key")


def test_state_sealed_with_another_key_or_changed_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "state.pkl"
    LinkState().save(path, b"key")
    with pytest.raises(InputError, match="sealed with this installation's key"):
        LinkState.load(path, b"other key")
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(InputError, match="sealed with this installation's key"):
        LinkState.load(path, b"key")


def test_signatures_computed_ahead_per_partition_give_the_same_result() -> None:
    ads = _fixture()
    # An ad with too little text, and a repeated id in a later partition: the first wins.
    ads.insert(1, _ad("z9", "call me", ("phone", "+17025550101")))
    ads.append(_ad("z9", TEMPLATE.format(name="Bo", city="Elko", phone="775-555-0109")))
    parts = [ads[:3], ads[3:5], ads[5:]]
    ahead = Signatures.joined(Signatures.of(part) for part in parts)
    assert (ahead.rows["a1"], ahead.rows["z9"], len(ahead.values)) == (0, -1, len(ads) - 1)
    assert link_ads(ads, signatures=ahead) == link_ads(ads)


def test_evidence_without_its_texts_gives_the_same_result() -> None:
    ads = _fixture()
    ads.append(_ad("a1", "call me", ("phone", "+17025550101")))  # a repeated id: the first wins
    store = TextStore()
    stripped = [store.keep(item) for item in ads]
    ahead = Signatures.of(ads)
    assert ({item.text for item in stripped}, len(store)) == ({""}, len(ads) - 1)
    result = link_ads(stripped, signatures=ahead, texts=store)
    assert result == link_ads(ads)
    assert len(result.templates) == 1


def test_evidence_without_its_texts_needs_signatures() -> None:
    store = TextStore()
    with pytest.raises(ValueError, match="signatures computed ahead"):
        link_ads([store.keep(_fixture()[0])], texts=store)


@pytest.mark.parametrize("text", ["", "plain", "✈️ new in town 🌹 555", "lone \ud83d surrogate"])
def test_text_store_gives_back_the_text_it_kept(text: str) -> None:
    store = TextStore()
    store.keep(_ad("a1", text))
    store.keep(_ad("a1", "a later copy"))
    assert store.text("a1") == text


def test_text_store_gives_back_every_text_past_its_dictionary() -> None:
    texts = [
        f"✈️ {TEMPLATE.format(name=f'N{i}', city='Reno', phone=i)} 🌹 \ud83d {i}" for i in range(60)
    ]
    store = TextStore()
    for number, text in enumerate(texts):
        store.keep(_ad(f"a{number}", text))
    assert (len(store), "a59" in store, "b1" in store) == (60, True, False)
    assert [store.text(f"a{number}") for number in range(60)] == texts
