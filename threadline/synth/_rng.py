"""Named random generators: each part of the corpus draws from its own reproducible stream."""

from __future__ import annotations

import random


def seeded(*parts: object) -> random.Random:
    """A generator seeded by its name, e.g. `seeded(seed, "template", "T0001")`."""
    return random.Random("/".join(map(str, parts)))  # noqa: S311 - test data, not secrets
