"""Everything linking remembers between batches: ads, evidence groups, indexes, networks."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from threadline.errors import InputError
from threadline.link import _lsh, _minhash
from threadline.link._groups import Groups
from threadline.link._images import HammingIndex, corners, hash_bits, split_hash
from threadline.link._mask import masked_words
from threadline.link._spread import SpreadRule
from threadline.link._unionfind import UnionFind, component_roots
from threadline.model import AdEvidence

FORMAT_VERSION = 1
_MAGIC = b"TLLS1\n"  # Threadline link state, sealed
_BODY = len(_MAGIC) + 32
_LINKING_KINDS = frozenset({"phone", "email", "handle"})
_TEMPLATE_CHUNK = 50_000  # ads shingled at once: bounds the memory of a big batch
_REBUILD_SHARE = 0.5  # a batch this large (vs the corpus) rebuilds networks in one pass

Link = tuple[int, int, str, int, bool]  # ad, ad, kind, item joining them, groups merged


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of ads with enough text for templates, computed ahead (on workers).

    Signatures depend on one ad's text alone, so a partition's can be computed anywhere and
    the state uses them as if it had computed them itself: the same links follow.
    """

    rows: dict[str, int]  # ad id -> row of `values`, or -1 (too little text); first record wins
    values: NDArray[np.uint32]

    @classmethod
    def of(cls, evidence: Iterable[AdEvidence]) -> Signatures:
        """Signatures of one partition of ads (pure: runs on any worker)."""
        first: dict[str, AdEvidence] = {}
        for item in evidence:
            first.setdefault(item.ad_id, item)
        batch = list(enumerate(first.values()))
        positions, values = _template_signatures(batch)
        rows = dict.fromkeys(first, -1)
        for row, position in enumerate(positions.tolist()):
            rows[batch[position][1].ad_id] = row
        return cls(rows, values)

    @classmethod
    def joined(cls, parts: Iterable[Signatures]) -> Signatures:
        """One set of signatures from partitions in order (an id's first partition wins)."""
        rows: dict[str, int] = {}
        arrays: list[NDArray[np.uint32]] = []
        offset = 0
        for part in parts:
            for ad_id, row in part.rows.items():
                rows.setdefault(ad_id, offset + row if row >= 0 else -1)
            arrays.append(part.values)
            offset += len(part.values)
        empty = np.empty((0, _minhash.PERMUTATIONS), np.uint32)
        return cls(rows, np.concatenate(arrays) if arrays else empty)

    def lookup(
        self, batch: list[tuple[int, AdEvidence]]
    ) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
        """Numbers and signatures of the batch's ads that have one, in batch order."""
        rows = self.rows
        found = [(number, row) for number, e in batch if (row := rows.get(e.ad_id, -1)) >= 0]
        numbers = np.asarray([number for number, _ in found], np.int64)
        return numbers, self.values[np.asarray([row for _, row in found], np.int64)]


@dataclass
class AdTable:
    """Per-ad columns, indexed by the ad's number in arrival order."""

    ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    cities: list[str | None] = field(default_factory=list)
    regions: list[str | None] = field(default_factory=list)
    times: list[datetime | None] = field(default_factory=list)
    risk: list[float] = field(default_factory=list)
    juvenile: list[bool] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)
    keys: list[tuple[int, ...]] = field(default_factory=list)  # identifier items
    images: list[tuple[int, ...]] = field(default_factory=list)  # image items

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, evidence: AdEvidence) -> int:
        """Add one ad's columns (identifiers and images are filled in later)."""
        number = len(self.ids)
        self.ids.append(evidence.ad_id)
        self.index[evidence.ad_id] = number
        self.cities.append(evidence.city)
        self.regions.append(evidence.region)
        self.times.append(evidence.posted_at)
        self.risk.append(evidence.risk_score)
        self.juvenile.append(evidence.juvenile)
        self.names.append(tuple(dict.fromkeys(evidence.names)))
        self.keys.append(())
        self.images.append(())
        return number


def identifier_label(kind: str, value: str) -> str | None:
    """`kind:value` with the value normalized, or None for kinds that do not link ads."""
    kind = kind.strip().lower()
    if kind not in _LINKING_KINDS:
        return None
    value = value.strip()
    if kind == "email":
        value = value.lower()
    elif kind == "handle":  # "service:handle", compared without case or a leading @
        service, _, handle = value.lower().rpartition(":")
        value = f"{service.strip()}:{handle.strip().lstrip('@')}" if service else handle
        value = value.lstrip("@")
    return f"{kind}:{value}" if value else None


class LinkState:
    """Persistent linking state: add batches of ads; networks update without a full recompute."""

    def __init__(self) -> None:
        self.ads = AdTable()
        self.identifiers = Groups("identifier", self.ads.keys)
        self.images = Groups("image", self.ads.keys)
        self.templates = Groups("template", self.ads.keys)
        self.rule = SpreadRule()
        self._key_items: dict[str, int] = {}
        self._image_items: dict[bytes, int] = {}
        self._hamming = HammingIndex()
        self._sigs = np.empty((0, _minhash.PERMUTATIONS), np.uint32)
        self._bands = _lsh.BandIndex()
        self._networks = UnionFind()
        self._net_min: list[str] = []
        self._indexed = bytearray()  # 1 for ads with enough text to take part in templates
        for groups in self.groups():
            groups.floor = self.rule.floor

    def groups(self) -> tuple[Groups, Groups, Groups]:
        """The three kinds of evidence, in the order vias are listed."""
        return (self.identifiers, self.templates, self.images)

    def add(
        self, evidence: Iterable[AdEvidence], signatures: Signatures | None = None
    ) -> list[int]:
        """Link a batch of ads; returns the numbers of the ads that were new.

        `signatures`, when given, holds the batch's template signatures computed ahead
        (`Signatures.of` over partitions, on a cluster's workers) instead of here.
        """
        batch = self._register(evidence)
        links = self._add_identifiers(batch) + self._add_images(batch)
        links += self._add_templates(batch, signatures)
        merged = [(kind, item) for _, _, kind, item, merge in links if merge]
        changed = self.rule.refresh(self.groups(), len(self.ads), merged)
        if changed or len(batch) >= _REBUILD_SHARE * len(self.ads):
            self._rebuild()
        else:
            self._apply(links)
        return [number for number, _ in batch]

    def network_root(self, ad: int) -> int:
        """The network an ad belongs to, as a root ad number."""
        return self._networks.find(ad)

    def is_indexed(self, ad: int) -> bool:
        """Whether the ad's text is long enough to take part in template links."""
        return bool(self._indexed[ad])

    def network_label(self, root: int) -> str:
        """The smallest ad id of a network (what its stable id is derived from)."""
        return self._net_min[root]

    def _register(self, evidence: Iterable[AdEvidence]) -> list[tuple[int, AdEvidence]]:
        batch: list[tuple[int, AdEvidence]] = []
        for item in evidence:
            if item.ad_id in self.ads.index:
                continue  # the first record of an id wins; later copies add nothing
            number = self.ads.append(item)
            self._networks.add()
            self._net_min.append(item.ad_id)
            self.templates.add_item(item.ad_id)
            self._indexed.append(0)
            batch.append((number, item))
        return batch

    def _add_identifiers(self, batch: list[tuple[int, AdEvidence]]) -> list[Link]:
        links: list[Link] = []
        for number, evidence in batch:
            labels = (identifier_label(k, v) for k, v in evidence.identifiers)
            items = tuple(dict.fromkeys(self._key_item(x) for x in labels if x is not None))
            self.ads.keys[number] = items
            for item in items:
                partner = self.identifiers.attach(item, number)
                if partner is not None:
                    links.append((number, partner, "identifier", item, False))
        return links

    def _key_item(self, label: str) -> int:
        item = self._key_items.get(label)
        if item is None:
            item = self._key_items[label] = self.identifiers.add_item(label)
        return item

    def _add_images(self, batch: list[tuple[int, AdEvidence]]) -> list[Link]:
        links: list[Link] = []
        for number, evidence in batch:
            items = tuple(dict.fromkeys(self._image_item(h, links) for h in evidence.image_hashes))
            self.ads.images[number] = items
            for item in items:
                partner = self.images.attach(item, number)
                if partner is not None:
                    links.append((number, partner, "image", item, False))
        return links

    def _image_item(self, text: str, links: list[Link]) -> int:
        text = text.strip().lower()
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()  # 576 hex digits: too big
        item = self._image_items.get(key)
        if item is not None:
            return item
        variants, keys, bits = split_hash(text), corners(text), hash_bits(text)
        near = self._hamming.near(variants, keys, bits)
        # Labelled by the first 64 bits of the whole-image hash: short enough to read.
        item = self.images.add_item(text[:16])
        self._image_items[key] = self._hamming.add(variants, keys, bits)
        for other in near:
            ends = self.images.join(item, other)
            if ends is not None:
                links.append((ends[0], ends[1], "image", item, True))
        return item

    def _add_templates(
        self, batch: list[tuple[int, AdEvidence]], signatures: Signatures | None
    ) -> list[Link]:
        links: list[Link] = []
        for start in range(0, len(batch), _TEMPLATE_CHUNK):
            chunk = batch[start : start + _TEMPLATE_CHUNK]
            ahead = signatures.lookup(chunk) if signatures is not None else None
            links += self._add_template_chunk(chunk, ahead)
        return links

    def _add_template_chunk(
        self,
        batch: list[tuple[int, AdEvidence]],
        ahead: tuple[NDArray[np.int64], NDArray[np.uint32]] | None,
    ) -> list[Link]:
        numbers, sigs = ahead if ahead is not None else _template_signatures(batch)
        self._store_signatures(numbers, sigs)
        keys = _lsh.band_keys(sigs)
        links = self._join_templates(*self._template_pairs(numbers, keys))
        self._bands.insert(keys, numbers)
        for number, _ in batch:
            partner = self.templates.attach(number, number) if self._indexed[number] else None
            if partner is not None:
                links.append((number, partner, "template", number, False))
        return links

    def _store_signatures(self, numbers: NDArray[np.int64], sigs: NDArray[np.uint32]) -> None:
        size = len(self.ads)
        if len(self._sigs) < size:
            grown = np.full((max(size, 2 * len(self._sigs)), sigs.shape[1]), 0, np.uint32)
            grown[: len(self._sigs)] = self._sigs
            self._sigs = grown
        self._sigs[numbers] = sigs
        for number in numbers.tolist():
            self._indexed[number] = 1

    def _template_pairs(
        self, numbers: NDArray[np.int64], keys: NDArray[np.uint64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        (rows, old), (first, second) = _lsh.bucket_pairs(keys, self._bands)
        a = np.concatenate([numbers[rows], numbers[first]])
        b = np.concatenate([old, numbers[second]])
        keep = _lsh.verified(self._sigs, a, b)
        return a[keep], b[keep]

    def _join_templates(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> list[Link]:
        links: list[Link] = []
        for left, right in zip(a.tolist(), b.tolist(), strict=True):
            ends = self.templates.join(left, right)
            if ends is not None:
                links.append((ends[0], ends[1], "template", left, True))
        return links

    def _apply(self, links: list[Link]) -> None:
        by_kind = {groups.kind: groups for groups in self.groups()}
        for a, b, kind, item, _ in links:
            if self.rule.is_set_aside(by_kind[kind], by_kind[kind].root(item)):
                continue
            self._union(a, b)

    def _union(self, a: int, b: int) -> None:
        merged = self._networks.union(a, b)
        if merged is not None:
            kept, absorbed = merged
            self._net_min[kept] = min(self._net_min[kept], self._net_min[absorbed])

    def _rebuild(self) -> None:
        """Networks from scratch: components of every group that is not set aside."""
        firsts: list[int] = []
        others: list[int] = []
        for groups in self.groups():
            for root in groups.linked_roots():
                if self.rule.is_set_aside(groups, root):
                    continue
                ads = groups.ads(root)
                firsts.extend([ads[0]] * (len(ads) - 1))
                others.extend(ads[1:])
        roots = component_roots(
            len(self.ads), np.asarray(firsts, np.int64), np.asarray(others, np.int64)
        )
        self._networks.reset(roots)
        self._net_min = list(self.ads.ids)
        for ad, root in enumerate(roots.tolist()):
            if self.ads.ids[ad] < self._net_min[root]:
                self._net_min[root] = self.ads.ids[ad]

    def save(self, path: str | os.PathLike[str], key: bytes) -> None:
        """Write the state atomically, sealed with an HMAC under `key` (the installation's)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps((FORMAT_VERSION, self), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC + _seal(key, payload) + payload)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str], key: bytes) -> LinkState:
        """Read a state written by `save` with the same key; InputError for anything else.

        The HMAC is checked before unpickling, so a file that this installation did not
        write is refused instead of being executed.
        """
        try:
            blob = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: not a link state ({exc})") from exc
        head, seal, payload = blob[: len(_MAGIC)], blob[len(_MAGIC) : _BODY], blob[_BODY:]
        if head != _MAGIC or not hmac.compare_digest(seal, _seal(key, payload)):
            raise InputError(f"{path}: not a link state sealed with this installation's key")
        version, state = pickle.loads(payload)  # noqa: S301 - sealed by our own key above
        if version != FORMAT_VERSION or not isinstance(state, cls):
            raise InputError(f"{path}: link state format {version}, expected {FORMAT_VERSION}")
        return state


def _seal(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _template_signatures(
    batch: list[tuple[int, AdEvidence]],
) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
    """Numbers and MinHash signatures of the batch's ads with enough text for templates."""
    numbers: list[int] = []
    shingles: list[NDArray[np.uint64]] = []
    for number, evidence in batch:
        words = masked_words(evidence.text, evidence.names, evidence.city)
        hashed = _minhash.shingle_hashes(_minhash.token_ids(words))
        if len(hashed) >= _minhash.MIN_SHINGLES:
            numbers.append(number)
            shingles.append(hashed)
    return np.asarray(numbers, np.int64), _minhash.signatures(shingles)
