"""Alternations shaped as tries: Python's `re` tries branches one by one, so shared prefixes
cut the work at each position from one attempt per phrase to a few per character."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["trie_pattern", "word_start"]

Trie = dict[str, "Trie"]
_END = ""


def trie_pattern(
    phrases: list[str],
    char: Callable[[str], str] = re.escape,
    end: Callable[[str], str] = lambda last: "",
    start: Callable[[str], str] = lambda first: "",
) -> str:
    """One non-capturing alternation matching every phrase, longest first at each branch.

    `char` writes one character as a pattern; `end(last)` is appended where a phrase ends
    (a boundary check, for instance), given the phrase's last character; `start(first)`
    follows each first character. Every branch begins with a literal character, so `re`
    can skip positions that cannot start a match without entering the pattern.
    """
    root: Trie = {}
    for phrase in phrases:
        node = root
        for c in phrase:
            node = node.setdefault(c, {})
        node[_END] = {}
    branches = [
        re.escape(c) + start(c) + _node(child, char, end, c) for c, child in sorted(root.items())
    ]
    return "(?:" + "|".join(branches) + ")"


def word_start(first: str) -> str:
    """A lookbehind, placed after a phrase's first character, that it starts a word."""
    return r"(?<!\w." + ")" if first.isalnum() else ""


def _node(node: Trie, char: Callable[[str], str], end: Callable[[str], str], last: str) -> str:
    alternatives = [
        char(c) + _node(child, char, end, c) for c, child in sorted(node.items()) if c != _END
    ]
    if _END in node:
        alternatives.append(end(last))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"
