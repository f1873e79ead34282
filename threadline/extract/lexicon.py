"""The indicator lexicon: YAML data validated by pydantic, compiled once into one pattern."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from threadline.extract._trie import trie_pattern
from threadline.extract._wordscan import word_pattern
from threadline.extract.normalize import map_char

__all__ = [
    "LEXICON_PATHS",
    "CompiledLexicon",
    "Indicator",
    "JuvenileRule",
    "Lexicon",
    "RiskLevels",
    "compiled_lexicon",
    "fold",
    "load_lexicon",
    "validate_lexicon",
]

LEXICON_DIR = Path(__file__).parent / "lexicons"
LEXICON_PATHS: tuple[Path, ...] = (LEXICON_DIR / "indicators.yaml",)

Category = Literal[
    "youth", "control", "trust", "restricted", "movement", "ethnicity", "emoji", "obscured", "age"
]


class Indicator(BaseModel):
    """One indicator: its code, category, weight, the evidence for it and its phrases."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    category: Category
    weight: float = Field(ge=-5.0, le=20.0)
    evidence: str
    description: str
    en: tuple[str, ...] = ()
    es: tuple[str, ...] = ()
    emoji: tuple[str, ...] = ()
    computed: bool = False
    juvenile: bool = False

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        if self.code.split(".")[0] != self.category:
            raise ValueError(f"{self.code}: code must start with its category")
        if self.computed == bool(self.en or self.es or self.emoji):
            raise ValueError(f"{self.code}: give phrases, or computed: true, not both")
        if any(not phrase.strip() for phrase in (*self.en, *self.es, *self.emoji)):
            raise ValueError(f"{self.code}: empty phrase")
        return self

    def phrases(self) -> tuple[tuple[str, str], ...]:
        """Each phrase with its language (`en`, `es`, `emoji`)."""
        return (
            tuple(("en", p) for p in self.en)
            + tuple(("es", p) for p in self.es)
            + tuple(("emoji", p) for p in self.emoji)
        )


class RiskLevels(BaseModel):
    """Score thresholds for the medium and high levels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    medium: float
    high: float


class JuvenileRule(BaseModel):
    """When language alone flags a possible minor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_youth_codes: int = Field(ge=1)
    youth_emoji: tuple[str, ...] = ()


class Lexicon(BaseModel):
    """A lexicon file: sources of evidence, risk levels, the juvenile rule and indicators."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    name: str
    sources: dict[str, str]
    risk: RiskLevels
    juvenile: JuvenileRule
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _check(self) -> Lexicon:
        problems = _lexicon_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def by_code(self) -> dict[str, Indicator]:
        """Indicators by code."""
        return {indicator.code: indicator for indicator in self.indicators}


def _lexicon_problems(lexicon: Lexicon) -> list[str]:
    """Cross-field problems: duplicate codes and phrases, unknown sources and codes."""
    problems: list[str] = []
    codes = [i.code for i in lexicon.indicators]
    problems += [f"duplicate code {c}" for c in sorted({c for c in codes if codes.count(c) > 1})]
    problems += [
        f"{i.code}: unknown evidence source {i.evidence!r}"
        for i in lexicon.indicators
        if i.evidence not in lexicon.sources
    ]
    problems += [
        f"juvenile.youth_emoji: unknown code {code}"
        for code in lexicon.juvenile.youth_emoji
        if code not in codes
    ]
    owners: dict[str, str] = {}
    for indicator in lexicon.indicators:
        for _, phrase in indicator.phrases():
            key = fold(phrase)
            if owners.setdefault(key, indicator.code) != indicator.code:
                problems.append(f"phrase {phrase!r} in both {owners[key]} and {indicator.code}")
    if lexicon.risk.medium >= lexicon.risk.high:
        problems.append("risk.medium must be below risk.high")
    return problems


@lru_cache(maxsize=16384)
def fold(phrase: str) -> str:
    """The matching key of a phrase: normalized characters, lower case, no accents, one space."""
    chars = "".join(map_char(c) if not c.isascii() else c for c in phrase)
    stripped = unicodedata.normalize("NFD", chars.lower())
    bare = "".join(c for c in stripped if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").split())


def load_lexicon(path: Path) -> Lexicon:
    """A validated lexicon from a YAML file; raises ValueError or ValidationError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Lexicon.model_validate(data)


def validate_lexicon(path: Path) -> list[str]:
    """Human-readable problems with a lexicon file; empty when it is valid."""
    try:
        load_lexicon(path)
    except OSError as exc:
        return [f"{path}: cannot read ({exc.strerror})"]
    except yaml.YAMLError as exc:
        return [f"{path}: not YAML ({str(exc).splitlines()[0]})"]
    except ValidationError as exc:
        return [f"{path}: {_where(error['loc'])}{error['msg']}" for error in exc.errors()]
    return []


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) + ": " if loc else ""


# Accented letters an ad may write with or without the accent.
_ACCENTS = {"a": "aáà", "e": "eéè", "i": "iíï", "o": "oóò", "u": "uúü", "n": "nñ", "c": "cç"}


class CompiledLexicon:
    """Every phrase of the lexicons in one trie-shaped regular expression."""

    def __init__(self, lexicons: tuple[Lexicon, ...]) -> None:
        self.lexicons = lexicons
        self.indicators: dict[str, Indicator] = {}
        self.owners: dict[str, tuple[str, str]] = {}  # folded phrase -> (code, language)
        for lexicon in lexicons:
            self.indicators.update(lexicon.by_code())
            for indicator in lexicon.indicators:
                for language, phrase in indicator.phrases():
                    self.owners.setdefault(fold(phrase), (indicator.code, language))
        # Matched against the lower-cased text: case-sensitive patterns scan much faster.
        self.words = _word_pattern(sorted(self.owners))
        self.symbols = re.compile(_symbol_pattern(sorted(self.owners)))
        self.risk = lexicons[0].risk
        self.juvenile = lexicons[0].juvenile


def _word_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Phrases that start with a letter or digit, each after one non-word character.

    Matching the character before the phrase makes `re` enter the pattern only at word
    starts; it runs in the shared pass over the words of the text with a space in front
    (`_wordscan`). A first letter that may carry an accent gets a branch of its own.
    """
    variants = sorted(
        {
            accent + phrase[1:]
            for phrase in phrases
            if phrase[0].isalnum()
            for accent in _ACCENTS.get(phrase[0], phrase[0])
        }
    )
    return word_pattern(trie_pattern(variants, _char, _end), variants, _char)


def _symbol_pattern(phrases: list[str]) -> str:
    """Phrases that start with a symbol (emoji), wherever they stand."""
    return trie_pattern(sorted(p for p in phrases if not p[0].isalnum()), _char, _end)


def _char(char: str) -> str:
    if char == " ":
        return r"[\s\-]+"
    if char in _ACCENTS:
        return f"[{_ACCENTS[char]}]"
    return re.escape(char)


def _end(last: str) -> str:
    """Phrases that end with a letter or digit end at a word boundary."""
    return r"(?!\w)" if last.isalnum() else ""


@cache
def compiled_lexicon(paths: tuple[Path, ...] = LEXICON_PATHS) -> CompiledLexicon:
    """The shipped lexicons, loaded and compiled once."""
    return CompiledLexicon(tuple(load_lexicon(path) for path in paths))
