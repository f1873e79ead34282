"""A tiny pattern language for the phrase bank: `[a|b|c]` picks one, `{slot}` stays."""

from __future__ import annotations

import random
import re
from functools import cache

_GROUP = re.compile(r"\[([^\[\]]*)\]")
_SPACES = re.compile(r" {2,}")

# Each part is a tuple of choices; literal text is a choice of one.
Pattern = tuple[tuple[str, ...], ...]


@cache
def parse(pattern: str) -> Pattern:
    """Literal runs and choice groups of one pattern."""
    parts: list[tuple[str, ...]] = []
    last = 0
    for match in _GROUP.finditer(pattern):
        parts.append((pattern[last : match.start()],))
        parts.append(tuple(match.group(1).split("|")))
        last = match.end()
    parts.append((pattern[last:],))
    return tuple(part for part in parts if part != ("",))


def realize(pattern: str, rng: random.Random) -> str:
    """One sentence from a pattern; double spaces left by empty choices are closed."""
    rnd = rng.random
    text = "".join([p[0] if len(p) == 1 else p[int(rnd() * len(p))] for p in parse(pattern)])
    return _SPACES.sub(" ", text).strip(" ") if "  " in text else text.strip(" ")
