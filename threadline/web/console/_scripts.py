"""Checking a new bot script version: its problems, and its diff against the active one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml

from threadline.intercept import script_problems
from threadline.store.intercept import Campaign


@dataclass(frozen=True, slots=True)
class ScriptCheck:
    """What a reviewer needs before a script version can be activated."""

    problems: tuple[str, ...]
    script_id: str
    version: int | None
    diff: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """True when the script has no problems."""
        return not self.problems


def check_script(text: str, current: Campaign | None) -> ScriptCheck:
    """Schema and safety problems, a version that must rise, and a unified diff."""
    problems = list(script_problems(text))
    script_id, version = _identity(text)
    if current is not None and not problems:
        problems += _version_problems(current, script_id, version)
    before = current.script_yaml.splitlines() if current else []
    label = f"{current.script_id}@{current.script_version}" if current else "none"
    diff = difflib.unified_diff(
        before, text.splitlines(), label, f"{script_id}@{version}", lineterm=""
    )
    return ScriptCheck(tuple(problems), script_id, version, tuple(diff))


def _identity(text: str) -> tuple[str, int | None]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        return "", None
    if not isinstance(raw, dict):
        return "", None
    version = raw.get("version")
    return str(raw.get("id", "")), version if isinstance(version, int) else None


def _version_problems(current: Campaign, script_id: str, version: int | None) -> list[str]:
    if script_id != current.script_id:
        return [f"id {script_id!r} differs from the campaign's script {current.script_id!r}"]
    if version is None or version <= current.script_version:
        return [f"version must be above the active version {current.script_version}"]
    return []
