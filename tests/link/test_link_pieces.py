"""Exact values for the pieces: MinHash/LSH, Hamming index, union-find, templates."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from threadline.errors import InputError
from threadline.link import hash_image
from threadline.link._images import (
    HammingIndex,
    corner,
    corners,
    hamming,
    parse_hash,
    split_hash,
)
from threadline.link._lsh import (
    BANDS,
    BandIndex,
    _Run,
    _unique_pairs,
    band_keys,
    bucket_pairs,
    ordered_pairs,
)
from threadline.link._mask import mask_tokens
from threadline.link._minhash import shingle_hashes, signatures, similarity, token_ids
from threadline.link._templates import describe
from threadline.link._unionfind import UnionFind, component_roots


def _sig(text: str) -> np.ndarray:
    return signatures([shingle_hashes(token_ids(text.split()))])


def test_signatures_equal_for_equal_text_and_differ_for_unrelated() -> None:
    a = _sig("one two three four five six seven eight")
    assert similarity(a, _sig("one two three four five six seven eight")).tolist() == [1.0]
    assert similarity(a, _sig("zz yy xx ww vv uu tt ss")).tolist() == [0.0]


def test_signatures_are_the_same_across_calls() -> None:
    # CRC-32 token ids and a fixed seed: the same text always gives the same signature
    assert token_ids(["girl"]).tolist() == [2579420686]
    assert np.array_equal(_sig("a b c d e"), _sig("a b c d e"))


def test_shingle_hashes_counts_three_word_windows() -> None:
    assert len(shingle_hashes(token_ids(["a", "b", "c", "d", "e"]))) == 3
    assert len(shingle_hashes(token_ids(["a", "b"]))) == 1
    assert len(shingle_hashes(token_ids([]))) == 0


def test_band_index_ends_find_an_indexed_duplicate_and_not_an_unrelated_text() -> None:
    index = BandIndex()
    sigs = np.concatenate([_sig("w1 w2 w3 w4 w5 w6 w7 w8"), _sig("q1 q2 q3 q4 q5 q6 q7 q8")])
    index.insert(band_keys(sigs), np.array([10, 11], np.int64))
    found, (first, last) = index.ends(band_keys(_sig("w1 w2 w3 w4 w5 w6 w7 w8")).ravel())
    assert (found.all(), set(first.tolist()), set(last.tolist())) == (True, {10}, {10})
    found, _ = index.ends(band_keys(_sig("z1 z2 z3 z4 z5 z6 z7 z8")).ravel())
    assert not found.any()


def test_run_ends_give_each_bucket_first_and_last_member_in_insertion_order() -> None:
    run = _Run()
    keys = np.array(
        [range(100, 100 + BANDS), range(200, 200 + BANDS), [100, *range(301, 300 + BANDS)]],
        np.uint64,
    )  # docs 10, 11, 12; doc 12 shares key 100 with doc 10
    run.extend(keys, np.array([10, 11, 12], np.int64))
    run.extend(np.array([[100, *range(401, 400 + BANDS)]], np.uint64), np.array([13], np.int64))
    found, (first, last) = run.ends(np.array([213, 100, 50], np.uint64))
    assert found.tolist() == [True, True, False]
    assert (first[:2].tolist(), last[:2].tolist()) == ([11, 10], [11, 13])
    empty_found, _ = _Run().ends(np.array([100], np.uint64))
    assert empty_found.tolist() == [False]


def test_unique_pairs_sorts_and_drops_repeats() -> None:
    a = np.array([3, 0, 3, 1, 0, 3, 1], np.int64)
    b = np.array([2, 5, 2, 0, 5, 1, 0], np.int64)
    first, second = _unique_pairs(a, b)
    assert (first.tolist(), second.tolist()) == ([0, 1, 3, 3], [5, 0, 1, 2])
    assert a.tolist() == [3, 0, 3, 1, 0, 3, 1]  # the inputs are left as they were
    empty = np.empty(0, np.int64)
    assert [x.tolist() for x in _unique_pairs(empty, empty)] == [[], []]


def _bucket_keys() -> np.ndarray:
    keys = np.array([[5, 1], [5, 2], [7, 3], [5, 4]], np.uint64)
    return np.repeat(keys, BANDS // 2, axis=1)  # the first 8 bands share key 5: rows 0, 1, 3


def _pairs(pairs: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    return list(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))


def test_bucket_pairs_of_a_new_bucket_pair_each_member_with_its_head_and_predecessor() -> None:
    old, new = bucket_pairs(_bucket_keys(), BandIndex())
    assert (_pairs(old), _pairs(new)) == ([], [(1, 0), (3, 0), (3, 1)])


def test_bucket_pairs_of_an_indexed_bucket_use_its_first_and_last_member() -> None:
    index = BandIndex()
    earlier = np.array([[5] * 8 + [9] * 8, [5] * 8 + [8] * 8], np.uint64)
    index.insert(earlier, np.array([20, 21], np.int64))
    old, new = bucket_pairs(_bucket_keys(), index)
    # every member with the bucket's first (20); the batch's first also with its last (21)
    assert _pairs(old) == [(0, 20), (0, 21), (1, 20), (3, 20)]
    assert _pairs(new) == [(1, 0), (3, 1)]  # predecessors only: the head is 20, not row 0


def test_bucket_pairs_one_at_a_time_equal_all_at_once() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 6, (40, BANDS)).astype(np.uint64)  # small keys: big buckets
    ids = np.arange(40, dtype=np.int64)
    index, pairs = BandIndex(), set()
    for row in range(40):
        old, new = bucket_pairs(keys[row : row + 1], index)
        pairs |= {(row, b) for _, b in _pairs(old)} | {(row + a, row + b) for a, b in _pairs(new)}
        index.insert(keys[row : row + 1], ids[row : row + 1])
    _, together = bucket_pairs(keys, BandIndex())
    assert (
        pairs
        == set(_pairs(together))
        == set(_pairs(ordered_pairs(keys.ravel(), np.repeat(ids, BANDS))))
    )
    assert len(pairs) > 40


def test_hamming_and_parse_hash() -> None:
    assert hamming(0b1011, 0b0001) == 2
    assert parse_hash("ff00") == 0xFF00
    with pytest.raises(InputError):
        parse_hash("not hex")


def test_hamming_index_returns_items_within_distance_only() -> None:
    index = HammingIndex()
    base = 0x0123456789ABCDEF

    def add(value: int, bits: int = 64) -> int:
        return index.add((value,), (value,), bits)

    near = add(base ^ 0b1111111)  # 7 bits away
    add(base ^ 0xFF)  # 8 bits away
    add(base ^ 0b1111111, 256)  # another kind of hash: never compared
    assert index.near((base,), (base,), 64) == [near]


def test_corner_takes_the_low_frequency_eight_by_eight() -> None:
    text = "ff00" * 8 + "0000" * 8  # rows 0-7: first 8 bits set
    assert corner(int(text, 16), 256) == 0xFFFFFFFFFFFFFFFF
    assert corners(text * 2) == (0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF)
    assert corner(0x1234, 64) == 0x1234


def _picture() -> Image.Image:
    image = Image.new("RGB", (140, 120), (30, 60, 90))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 80, 70), fill=(220, 40, 40))
    draw.rectangle((70, 50, 130, 110), fill=(40, 200, 90))
    draw.line((0, 119, 139, 0), fill=(250, 250, 0), width=5)
    return image


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_hash_image_survives_resize_recompression_and_light_crop() -> None:
    image = _picture()
    index = HammingIndex()

    def add(data: bytes) -> int:
        text = hash_image(data)
        return index.add(split_hash(text), corners(text), 256)

    def near(data: bytes) -> list[int]:
        text = hash_image(data)
        return index.near(split_hash(text), corners(text), 256)

    original = add(_jpeg(image))
    add(_jpeg(Image.new("RGB", (140, 120), (200, 10, 10))))
    copies = {
        "resize": _jpeg(image.resize((98, 84))),
        "recompress": _jpeg(image, quality=35),
        "crop": _jpeg(image.crop((8, 6, 132, 114))),
    }
    found = {name: near(data) for name, data in copies.items()}
    assert found == {"resize": [original], "recompress": [original], "crop": [original]}


def test_hash_image_reads_paths_and_bytes_alike(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _jpeg(_picture())
    (tmp_path / "a.jpg").write_bytes(data)
    assert hash_image(tmp_path / "a.jpg") == hash_image(data)
    assert len(hash_image(data)) == 9 * 64
    with pytest.raises(InputError):
        hash_image(b"not an image")


def test_union_find_joins_and_reports_roots() -> None:
    uf = UnionFind()
    for _ in range(5):
        uf.add()
    assert uf.union(0, 1) == (0, 1)
    assert uf.union(2, 1) == (0, 2)
    assert uf.union(0, 2) is None
    assert [uf.find(i) for i in range(5)] == [0, 0, 0, 3, 4]


def test_component_roots_gives_smallest_member() -> None:
    roots = component_roots(6, np.array([4, 1], np.int64), np.array([2, 5], np.int64))
    assert roots.tolist() == [0, 1, 2, 3, 2, 1]


def test_describe_template_shows_fixed_text_and_slots() -> None:
    members = [
        mask_tokens("Hi I am Ana, new in Reno! call 775-555-0101 sweet", ["Ana"], "Reno"),
        mask_tokens("Hi I am Bea, new in Vegas! call 702-555-0142 so sweet", ["Bea"], "Vegas"),
    ]
    template = describe("T1", 2, members)
    assert template.text == "hi i am {name} new in {city} call {phone} {text} sweet"
    assert [(s.kind, s.examples) for s in template.slots] == [
        ("name", ("ana", "bea")),
        ("city", ("reno", "vegas")),
        ("phone", ("775-555-0101", "702-555-0142")),
        ("text", ("so",)),
    ]


def test_band_index_finds_entries_after_the_delta_folds_into_the_main_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("threadline.link._lsh._MAX_DELTA", 2)
    index = BandIndex()
    sigs = np.concatenate([_sig(f"w{i} x{i} y{i} z{i} v{i} u{i}") for i in range(5)])
    for i in range(5):
        index.insert(band_keys(sigs[i : i + 1]), np.array([i], np.int64))
    found, (first, last) = index.ends(band_keys(sigs[[4, 0]]).ravel())
    assert found.all()
    assert first.tolist() == last.tolist() == [4] * BANDS + [0] * BANDS
    assert len(index) == 5
