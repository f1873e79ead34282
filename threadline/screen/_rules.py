"""Screening rules as versioned YAML, validated by pydantic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from threadline.errors import ConfigError

RULES_PATH = Path(__file__).parent / "rules" / "default.yaml"
RULE_PATHS: tuple[Path, ...] = (RULES_PATH,)
DecisionName = Literal["allow", "review", "block"]
DECISIONS: tuple[DecisionName, ...] = ("allow", "review", "block")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """What must hold for a rule to match; every condition given must hold."""

    juvenile: bool | None = None
    watchlist_hit: bool | None = None
    watchlist_kinds_any: tuple[str, ...] = ()
    codes_any: tuple[str, ...] = ()
    codes_all: tuple[str, ...] = ()
    categories_any: tuple[str, ...] = ()
    score_at_least: float | None = None
    network_juvenile: bool | None = None
    network_size_at_least: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_dump(exclude_defaults=True):
            raise ValueError("a rule needs at least one condition")
        return self


class Rule(_Strict):
    """A named condition, the decision floor it sets and the score it adds."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{0,49}$")
    description: str = Field(min_length=1)
    when: Condition
    decision: DecisionName
    add: float = Field(default=0.0, ge=-100, le=100)


class Thresholds(_Strict):
    """Scores at which the decision becomes review, then block."""

    review: float
    block: float

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.block < self.review:
            raise ValueError("block threshold is below review threshold")
        return self


class RuleSet(_Strict):
    """A versioned set of screening rules."""

    version: str = Field(min_length=1, max_length=50)
    thresholds: Thresholds
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSet:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return self


def parse_rules(path: Path) -> RuleSet:
    """Read and validate one rules file; ConfigError names the first problem."""
    problems = validate_rules(path)
    if problems:
        raise ConfigError(f"{path}: {problems[0]}")
    return RuleSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=8)
def load_rules(path: Path = RULES_PATH) -> RuleSet:
    """The rules in a file, parsed once per process."""
    return parse_rules(path)


def validate_rules(path: Path) -> list[str]:
    """Problems with a rules file, one line each; empty when it is valid."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [f"cannot read: {str(exc).splitlines()[0]}"]
    try:
        RuleSet.model_validate(data)
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()
        ]
    return []
