"""Alternations shaped as tries: Python's `re` tries branches one by one, so shared prefixes
cut the work at each position from one attempt per phrase to a few per character."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["trie_pattern"]

Trie = dict[str, "Trie"]
_END = ""


def trie_pattern(
    phrases: list[str],
    char: Callable[[str], str] = re.escape,
    end: Callable[[str], str] = lambda last: "",
) -> str:
    """One non-capturing alternation matching every phrase, longest first at each branch.

    `char` writes one character as a pattern; `end(last)` is appended where a phrase ends
    (a boundary check, for instance), given the phrase's last character. Every branch
    begins with a literal character, which `re` checks before entering the branch.
    """
    root: Trie = {}
    for phrase in phrases:
        node = root
        for c in phrase:
            node = node.setdefault(c, {})
        node[_END] = {}
    branches = [re.escape(c) + _node(child, char, end, c) for c, child in sorted(root.items())]
    return "(?:" + "|".join(branches) + ")"


def _node(node: Trie, char: Callable[[str], str], end: Callable[[str], str], last: str) -> str:
    """The pattern for the rest of the phrases below one trie node."""
    alternatives = [
        char(c) + _node(child, char, end, c) for c, child in sorted(node.items()) if c != _END
    ]
    if _END in node:
        alternatives.append(end(last))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"
