"""E-mail addresses, plain, spelled out (`ana (at) gmail dot com`) or with a misspelled domain."""

from __future__ import annotations

import re
from functools import lru_cache

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["DOMAIN_FIXES", "SOURCE", "extract_emails"]

SOURCE = "emails@1"

# Misspellings ads use to dodge filters or by accident, and the domain they mean.
DOMAIN_FIXES: dict[str, str] = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmal.com": "gmail.com",
    "gamil.com": "gmail.com",
    "gnail.com": "gmail.com",
    "gmaill.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.cm": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.om": "gmail.com",
    "gmailcom": "gmail.com",
    "g-mail.com": "gmail.com",
    "yahooo.com": "yahoo.com",
    "yaho.com": "yahoo.com",
    "yhoo.com": "yahoo.com",
    "yahoo.cm": "yahoo.com",
    "yahoo.con": "yahoo.com",
    "hotmial.com": "hotmail.com",
    "hotmal.com": "hotmail.com",
    "hotmai.com": "hotmail.com",
    "hotmil.com": "hotmail.com",
    "hotmail.co": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "hotmaill.com": "hotmail.com",
    "outlok.com": "outlook.com",
    "outloook.com": "outlook.com",
    "outlook.con": "outlook.com",
    "iclould.com": "icloud.com",
    "icoud.com": "icloud.com",
    "icloud.con": "icloud.com",
    "protonmial.com": "protonmail.com",
    "protonmail.con": "protonmail.com",
    "aol.con": "aol.com",
    "outllook.com": "outlook.com",
    "icloud.co": "icloud.com",
    "icould.com": "icloud.com",
}
# Providers whose misspellings (one or two typos) are corrected even when not listed above.
PROVIDERS = ("gmail", "yahoo", "hotmail", "outlook", "icloud", "protonmail", "aol")
_COMMON_TLD = frozenset({"com", "co", "cm", "con", "om", "comm"})
_REAL_NEIGHBOURS = frozenset({"mail", "email", "gmx", "ymail", "hotmail", "outlook"})
_TLDS = (
    "com|net|org|edu|gov|io|co|me|us|info|biz|mx|ca|uk|de|fr|es|ru|xyz|online|site|app|email"
    "|live|cm|con|om"
)
_LOCAL = r"(?<![\w.%+-])[A-Za-z0-9][\w.%+-]{0,63}+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# `@`, `(at)`, `[at]`, `{at}`, `<at>`, ` at ` (the last only before a known domain ending).
_AT = r"\s{0,3}(?:@|[(\[{<]\s{0,2}(?:at|@)\s{0,2}[)\]}>]|\sat\s)\s{0,3}"
_DOT = r"\s{0,3}(?:\.|[(\[{<]\s{0,2}(?:dot|\.)\s{0,2}[)\]}>]|\sdot\s)\s{0,3}"
_EMAIL = re.compile(
    rf"(?P<local>{_LOCAL}){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}{_DOT}"
    rf"(?P<tld>{_TLDS}|[a-z]{{2,6}}))(?![A-Za-z0-9-])"
)
_SPELLED_SEP = re.compile(r"(?i)\s*(?:[(\[{<]\s*(?:dot|\.)\s*[)\]}>]|\sdot\s|\.)\s*")
_KNOWN_TLD = re.compile(rf"(?i)(?:{_TLDS})")
# Where an address may be: an `@` or a spelled `at` (`(at`, `[ at`, ` at `). The full pattern
# then runs only from the start of the word before it, instead of from every position of the
# text. The spelled form is found from its literal `at`, which `re` skips to quickly, and
# checked behind: a bracket and up to two spaces, or one space before and one after.
_SPELLED_AT = re.compile(
    r"at(?:(?<=[(\[{<]at)|(?<=[(\[{<]\sat)|(?<=[(\[{<]\s\sat)|(?<=\sat)(?=\s))"
)
_OPENING = frozenset("([{<")
_LOCAL_START = re.compile(r"(?<![\w.%+-])[a-z0-9][\w.%+-]{0,63}\s{0,3}\Z")
_WINDOW = 72


def extract_emails(text: NormalizedText, region: str = "US") -> list[Finding]:
    """E-mail addresses as lower-case `local@domain`, with misspelled domains corrected."""
    findings: list[Finding] = []
    for match in _candidates(text.lower):
        address = _address(match)
        if address is None:
            continue
        written = match.group()
        style = _style(written, match.group("domain"))
        findings.append(
            make_finding(text, "email", address, match.span(), SOURCE, (("style", style),))
        )
    return findings


def _candidates(lower: str) -> list[re.Match[str]]:
    """Full matches of the address pattern, tried from the word before each separator."""
    matches: list[re.Match[str]] = []
    for separator in _separators(lower):
        if matches and separator < matches[-1].end():
            continue
        local = _LOCAL_START.search(lower, max(0, separator - _WINDOW), separator)
        if local is None:
            continue
        match = _EMAIL.match(lower, local.start())
        if match is not None:
            matches.append(match)
    return matches


def _separators(lower: str) -> list[int]:
    """Where each `@` or spelled `at` begins, left to right, none overlapping the one before."""
    spans: list[tuple[int, int]] = []
    at = lower.find("@")
    while at >= 0:
        spans.append((at, at + 1))
        at = lower.find("@", at + 1)
    for match in _SPELLED_AT.finditer(lower):
        start = match.start() - 1
        while start > match.start() - 3 and start > 0 and lower[start].isspace():
            start -= 1
        if lower[start] in _OPENING:  # `( at`: the bracket begins it
            spans.append((start, match.end()))
        else:  # ` at `: the space before, through the space after
            spans.append((match.start() - 1, match.end() + 1))
    starts: list[int] = []
    cursor = 0
    for start, end in sorted(spans):
        if start >= cursor:
            starts.append(start)
            cursor = end
    return starts


def _address(match: re.Match[str]) -> str | None:
    """The canonical address of a match, or None when a spelled-out form is not plausible."""
    local = match.group("local").lower().rstrip(".")
    labels = [part.lower() for part in _SPELLED_SEP.split(match.group("domain")) if part]
    domain = ".".join(labels)
    loose = "@" not in match.group() or any(char.isspace() for char in match.group())
    if loose and not _KNOWN_TLD.fullmatch(match.group("tld")):
        return None
    return f"{local}@{fix_domain(domain)}"


@lru_cache(maxsize=4096)
def fix_domain(domain: str) -> str:
    """The domain meant: a listed misspelling fixed, or a near miss of a big provider's name."""
    if domain in DOMAIN_FIXES:
        return DOMAIN_FIXES[domain]
    name, _, tld = domain.rpartition(".")
    if tld not in _COMMON_TLD or name in PROVIDERS or name in _REAL_NEIGHBOURS:
        return domain
    for provider in PROVIDERS:
        if len(provider) >= 5 and _distance(name, provider) <= 1 + len(provider) // 8:
            return f"{provider}.com"
    return domain


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent swaps (optimal string alignment), for short strings."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def _style(written: str, domain: str) -> str:
    """How the address was written: plain, at_words, spaced or misspelled."""
    if re.search(r"(?i)[(\[{<]|\sat\s|\sdot\s", written):
        return "at_words"
    if " " in written:
        return "spaced"
    written_domain = ".".join(_SPELLED_SEP.split(domain.lower()))
    if fix_domain(written_domain) != written_domain:
        return "misspelled"
    return "plain"
