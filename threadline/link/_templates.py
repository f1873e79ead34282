"""A template as an analyst reads it: the text every member shares, and the slots between."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from threadline.link._mask import Token

_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class TemplateSlot:
    """A place where members differ: its kind (`phone`, `name`, `price`, `text` …) and examples."""

    kind: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """A cluster of ads written from one text: fixed runs of text with a slot between each."""

    id: str
    ads: int
    fixed: tuple[str, ...]  # len(slots) + 1 runs; the text is fixed[0] slot[0] fixed[1] ...
    slots: tuple[TemplateSlot, ...]

    @property
    def text(self) -> str:
        """The template with each slot written as `{kind}`."""
        parts = [self.fixed[0]]
        for slot, run in zip(self.slots, self.fixed[1:], strict=True):
            parts += [f"{{{slot.kind}}}", run]
        return " ".join(part for part in parts if part)


def common_tokens(members: Sequence[Sequence[Token]]) -> list[str]:
    """The masked tokens every member has, in order (an approximate common subsequence)."""
    fixed = [t.masked for t in members[0]]
    for tokens in members[1:]:
        other = [t.masked for t in tokens]
        matcher = difflib.SequenceMatcher(None, fixed, other, autojunk=False)
        fixed = [fixed[i] for i, _, n in matcher.get_matching_blocks() for i in range(i, i + n)]
    return fixed


def describe(template_id: str, ads: int, members: Sequence[Sequence[Token]]) -> Template:
    """The template of a cluster, from a sample of its members' tokens."""
    fixed = common_tokens(members)
    gaps = [_gaps(fixed, tokens) for tokens in members]
    runs: list[str] = []
    slots: list[TemplateSlot] = []
    current: list[str] = []
    for index in range(len(fixed) + 1):
        fillers = [member[index] for member in gaps]
        if any(fillers):
            runs.append(" ".join(current))
            slots.append(_slot(fillers))
            current = []
        if index < len(fixed):
            if fixed[index].startswith("<") and fixed[index].endswith(">"):
                runs.append(" ".join(current))
                slots.append(_mask_slot(fixed[index][1:-1], members, fixed, index))
                current = []
            else:
                current.append(fixed[index])
    runs.append(" ".join(current))
    return Template(template_id, ads, tuple(runs), tuple(slots))


def _gaps(fixed: Sequence[str], tokens: Sequence[Token]) -> list[list[Token]]:
    """Tokens of one member before each fixed token (and after the last), greedily aligned."""
    gaps: list[list[Token]] = [[] for _ in range(len(fixed) + 1)]
    position = 0
    for token in tokens:
        if position < len(fixed) and token.masked == fixed[position]:
            position += 1
        else:
            gaps[position].append(token)
    return gaps


def _slot(fillers: Sequence[Sequence[Token]]) -> TemplateSlot:
    kinds = {t.slot for filler in fillers for t in filler}
    only_masks = all(len(f) <= 1 for f in fillers) and None not in kinds and len(kinds) == 1
    kind = next(iter(kinds)) if only_masks and kinds else "text"
    return TemplateSlot(str(kind), _examples(" ".join(t.original for t in f) for f in fillers))


def _mask_slot(
    kind: str, members: Sequence[Sequence[Token]], fixed: Sequence[str], index: int
) -> TemplateSlot:
    values = (_aligned(tokens, fixed, index) for tokens in members)
    return TemplateSlot(kind, _examples(v for v in values if v))


def _aligned(tokens: Sequence[Token], fixed: Sequence[str], index: int) -> str:
    """The original text of the member token aligned to fixed[index]."""
    position = 0
    for token in tokens:
        if position < len(fixed) and token.masked == fixed[position]:
            if position == index:
                return token.original
            position += 1
    return ""


def _examples(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value.strip() and len(seen) < _EXAMPLES:
            seen.setdefault(value.strip(), None)
    return tuple(seen)
