"""Rough byte counts of what the rounds keep on the workers.

Dask places a task where most of its inputs' bytes already lie, and it measures an object it
does not know by `sys.getsizeof`, which counts a dataclass instance without what it holds:
a partition of 20,000 ads would weigh a hundred bytes, and tasks would pull it to whichever
worker held their other, smaller inputs. These estimates keep the tasks beside the data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from numpy.typing import NDArray

ITEM = 64  # a small object, or a reference and its share of a container


def arrays(*items: NDArray[Any]) -> int:
    """Bytes of numpy arrays."""
    return sum(int(item.nbytes) for item in items)


def items(*collections: Collection[object]) -> int:
    """Bytes of containers of small objects, by count."""
    return ITEM * sum(len(collection) for collection in collections)


def texts(strings: Iterable[str]) -> int:
    """Bytes of strings, by length."""
    return sum(49 + len(text) for text in strings)
