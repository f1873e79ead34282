"""One pass over an ad's words for every pattern that starts at a word.

Lexicon phrases, price units, handle labels and age labels are each a pattern that matches
with the character before a word, on the lower-cased text with a space in front. Scanning
the text once per pattern enters each pattern at every word start (about 130 per ad). One
gate instead walks the text once and stops only where the first few characters begin some
registered phrase (about 10 places per ad); there each pattern whose phrases start with that
letter is matched. The matches of each pattern are then exactly those of its own `finditer`:
left to right, each search resuming where the pattern's previous match ended.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from threadline.extract.normalize import NormalizedText

__all__ = ["word_matches", "word_pattern"]

# Characters of a phrase the gate looks at: more means fewer places where patterns are tried.
_GATE_CHARS = 5
_BEFORE = r"[^\w]"

Atoms = tuple[str, ...]
AtomTrie = dict[str, "AtomTrie"]


@dataclass(frozen=True, slots=True)
class _Scanner:
    """The registered patterns, the gate over their phrases, and who to try after each letter."""

    patterns: tuple[re.Pattern[str], ...]
    gate: re.Pattern[str]
    by_first: dict[str, tuple[int, ...]]  # first letter of a phrase -> indexes of its patterns


_patterns: list[re.Pattern[str]] = []
_prefixes: list[frozenset[Atoms]] = []
_firsts: list[frozenset[str]] = []
_scanner: list[_Scanner] = []  # the current scanner, built on first use after a registration
# The last text scanned and its matches: every extractor of one ad asks in turn. The entry is
# one tuple, replaced whole, so concurrent callers never see a mixed one.
_Found = tuple[list[re.Match[str]], ...]
_last: list[tuple[object, object, _Found]] = [(None, None, ())]


def word_pattern(
    body: str, phrases: Iterable[str], char: Callable[[str], str] = re.escape
) -> re.Pattern[str]:
    """Compile `[^\\w]` + body and take it into the shared pass.

    The body must begin with a trie of exactly these phrases (`trie_pattern(phrases, char)`,
    possibly split in several tries), so a match can only start where one of them starts.
    """
    pattern = re.compile(_BEFORE + body)
    listed = sorted(set(phrases))
    _patterns.append(pattern)
    _prefixes.append(frozenset(_atoms(phrase, char) for phrase in listed))
    _firsts.append(frozenset(phrase[0] for phrase in listed))
    _scanner.clear()
    return pattern


def _atoms(phrase: str, char: Callable[[str], str]) -> Atoms:
    """The gate's pattern for a phrase's first characters; the first one is a literal, as in
    `trie_pattern`, so `re` rejects a word by its first letter without entering a branch."""
    head = phrase[:_GATE_CHARS]
    return (re.escape(head[0]), *(char(c) for c in head[1:]))


def word_matches(text: NormalizedText, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """The matches of a registered pattern in `" " + text.lower`, as its `finditer` gives them."""
    scanner = _current()
    last_text, last_scanner, found = _last[0]
    if last_text is not text or last_scanner is not scanner:
        found = _scan(" " + text.lower, scanner)
        _last[0] = (text, scanner, found)
    return found[scanner.patterns.index(pattern)]


def _current() -> _Scanner:
    if not _scanner:
        _scanner.append(_build())
    return _scanner[0]


def _build() -> _Scanner:
    prefixes = set().union(*_prefixes)
    # The class of first letters fails most word starts in one test, before the trie's branches.
    letters = "".join(sorted(re.escape(first) for first in set().union(*_firsts)))
    gate = re.compile(_BEFORE + f"(?=[{letters}])(?=" + _trie(prefixes) + ")")
    by_first: dict[str, list[int]] = {}
    for index, firsts in enumerate(_firsts):
        for first in firsts:
            by_first.setdefault(first, []).append(index)
    return _Scanner(tuple(_patterns), gate, {first: tuple(ids) for first, ids in by_first.items()})


def _trie(prefixes: set[Atoms]) -> str:
    """One alternation of every prefix, shaped as a trie of atoms."""
    root: AtomTrie = {}
    for atoms in prefixes:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node(root)


def _node(node: AtomTrie) -> str:
    alternatives = [atom + _node(child) for atom, child in sorted(node.items()) if atom]
    if "" in node:
        alternatives.append("")
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _scan(spaced: str, scanner: _Scanner) -> _Found:
    """Each pattern's matches, tried only where the gate stops."""
    patterns = scanner.patterns
    found: _Found = tuple([] for _ in patterns)
    resume = [0] * len(patterns)  # where each pattern's own finditer would search next
    for stop in scanner.gate.finditer(spaced):
        start = stop.start()
        for index in scanner.by_first[spaced[start + 1]]:
            if start >= resume[index]:
                match = patterns[index].match(spaced, start)
                if match is not None:
                    found[index].append(match)
                    resume[index] = match.end()
    return found
