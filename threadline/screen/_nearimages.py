"""Near-duplicate matching of watchlisted images, server-side only.

A platform's lightly edited copy of a watchlisted picture (re-encoded, resized, cropped a
little, brighter) has another SHA-256 and often another whole-image pHash, so the exact
keyed hash misses it. Here each watchlisted image keeps the nine 256-bit perceptual hashes
that `threadline.link.hash_image` computes (whole image and eight small crops), and an ad's
image hits when it is within the link capability's distance rule of one of them: either
image's whole-image hash within IMAGE_MAX_DISTANCE bits of any hash of the other.

Why the hashes are sealed and never leave the server: a pHash is not a one-way digest. It
is the sign pattern of the picture's 16x16 lowest DCT frequencies, so it can be turned back
into a blurred thumbnail (the layout of a face, a room, a tattoo), nine crops of it even
more so; and anyone holding it can test any picture of their own against it, which tells
them whom or what investigators are watching. A keyed hash (HMAC) would hide it but destroy
the distances that matching needs, and a distance-keeping keyed scramble (a secret bit
permutation and pad) still shows which watched images resemble each other and falls to a
few hundred known pairs. So the nine hashes are sealed with the field cipher (AES-GCM,
"watchlist.image_hashes", rotated by `threadline keys rotate`), opened only in this
process's memory, compared here, and answered as hit or no hit like every watchlist kind.
The platforms' downloadable list keeps exact keyed hashes only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from threadline.link import IMAGE_MAX_DISTANCE

VARIANTS = 9  # whole image, then eight crops (see threadline/link/_images.py)
_HEX = 64  # hex digits per 256-bit hash
_WORDS = 4  # 64-bit words per hash

Hashes = npt.NDArray[np.uint64]  # (VARIANTS, _WORDS) for one image


def image_variants(hashes: str) -> Hashes:
    """The hash string of one image (nine or one 256-bit hashes, as hex) as 64-bit words; a
    lone whole-image hash stands in for the crops it lacks, which keeps the rule the same."""
    parts = [hashes[i : i + _HEX] for i in range(0, len(hashes), _HEX)] or ["0" * _HEX]
    rows = [[int(part[j : j + 16], 16) for j in range(0, _HEX, 16)] for part in parts]
    rows += [rows[0]] * (VARIANTS - len(rows))
    return np.array(rows[:VARIANTS], dtype=np.uint64)


class NearImages:
    """The watchlisted images' hashes in one array; `hit` compares an image with all."""

    def __init__(self, stored: Sequence[Hashes] = ()) -> None:
        shape = (0, VARIANTS, _WORDS)
        self._stored = np.stack(stored) if stored else np.zeros(shape, dtype=np.uint64)

    def __len__(self) -> int:
        return int(self._stored.shape[0])

    def hit(self, query: Hashes) -> bool:
        """Whether the image is within the distance rule of any watchlisted image."""
        if not len(self):
            return False
        mine_whole = np.bitwise_count(self._stored ^ query[0]).sum(axis=2).min(axis=1)
        theirs_whole = np.bitwise_count(self._stored[:, :1, :] ^ query[None]).sum(axis=2)
        best = np.minimum(mine_whole, theirs_whole.min(axis=1))
        return bool((best <= IMAGE_MAX_DISTANCE).any())
