"""Social and messaging handles (Instagram, Snapchat, X/Twitter, Telegram, WhatsApp, Kik,
WeChat, OnlyFans, Linktree), each with the service named."""

from __future__ import annotations

import re
from bisect import bisect_left, insort

from threadline.extract._base import make_finding
from threadline.extract._trie import trie_pattern
from threadline.extract._wordscan import word_matches, word_pattern
from threadline.extract.normalize import NormalizedText
from threadline.extract.phones import extract_phones
from threadline.model import Finding

__all__ = ["SERVICES", "SOURCE", "extract_handles"]

SOURCE = "handles@1"
SERVICES = (
    "instagram",
    "kik",
    "linktree",
    "onlyfans",
    "snapchat",
    "telegram",
    "twitter",
    "wechat",
    "whatsapp",
)


_HANDLE = r"@?(?P<handle>[a-z0-9_](?:[a-z0-9_.-]{0,30}[a-z0-9_])?)(?![a-z0-9_@])"
# Profile links name the service by their host.
_LINK_HOSTS = {
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "snapchat.com/add": "snapchat",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "kik.me": "kik",
    "onlyfans.com": "onlyfans",
    "linktr.ee": "linktree",
    "u.wechat.com": "wechat",
}
# Words that name a service before a handle ("IG: ana", "snap: ana", "👻 ana").
_LABELS = {
    "instagram": "instagram insta ig",
    "snapchat": "snapchat snap sc 👻",
    "twitter": "twitter tw",
    "telegram": "telegram tg tele",
    "kik": "kik kik_me",
    "onlyfans": "onlyfans only_fans of",
    "wechat": "wechat wechat_id we_chat we_chat_id weixin",
    "whatsapp": "whatsapp whats_app wa",
}
_SERVICE_BY_LABEL = {
    label.replace("_", " "): service
    for service, labels in _LABELS.items()
    for label in labels.split()
}
# Labels clear enough to stand before a handle with only a space ("KIK ana", "👻 ana").
_BARE_LABELS = ("kik", "👻", "snapchat", "instagram", "telegram", "wechat")
# Patterns run on the lower-cased text. Links begin with a literal, so `re` skips quickly;
# that a host starts after `://`, `www.` or a non-word character is checked in Python.
_LINK = re.compile(trie_pattern(sorted(_LINK_HOSTS)) + "/" + _HANDLE)
# Every host above ends in one of these before its `/`: a text without one has no link.
_LINK_TLD = re.compile(r"\.(?:com|am|me|ee)/")
# The label pattern matches with the character before the label, in the shared pass over the
# words of the lower-cased text (`_wordscan`); clear labels may stand before a space.
_LABELLED = word_pattern(
    r"(?:(?P<label>"
    + trie_pattern(sorted(_SERVICE_BY_LABEL))
    + r")\s*[:=@👻-]\s*|(?P<bare>"
    + trie_pattern(sorted(_BARE_LABELS))
    + r")\s+)(?:👻\s*)?"
    + _HANDLE,
    [*_SERVICE_BY_LABEL, *_BARE_LABELS],
)
# Words after a label that are not handles ("kik me", "snap is", "of the").
_NOT_HANDLES = frozenset(
    [
        "me",
        "my",
        "is",
        "at",
        "on",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "for",
        "of",
        "in",
        "id",
        "add",
        "dm",
        "pls",
        "please",
        "only",
        "here",
        "now",
        "with",
        "your",
        "you",
        "u",
        "ur",
    ]
)
_WHATSAPP_LABEL = re.compile(r"(?:whats\s*app|wa)\b[\s:=-]*")
_SCHEME = re.compile(r"(?:https?://)?(?:www\.)?\Z")


def extract_handles(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Handles as `service:handle` values, lower case and without `@`."""
    links = _links(text)
    taken = sorted((f.start, f.end) for f in links)
    findings = links + _labelled(text, taken)
    findings.extend(_whatsapp_numbers(text, region))
    return sorted(findings, key=lambda f: (f.start, f.end))


def _handle_finding(
    text: NormalizedText,
    service: str,
    match: re.Match[str],
    style: str,
    start: int,
    shift: int = 0,
) -> Finding | None:
    """A handle finding; `shift` undoes the space put in front of the searched text."""
    handle = match.group("handle").rstrip(".-")
    if handle in _NOT_HANDLES or (handle.isdigit() and service != "whatsapp"):
        return None
    attrs = (("service", service), ("handle", handle), ("style", style))
    span = (start + 1 - shift if shift else start, match.end("handle") - shift)
    return make_finding(text, "handle", f"{service}:{handle}", span, SOURCE, attrs)


def _links(text: NormalizedText) -> list[Finding]:
    """Handles written as profile links (`instagram.com/ana`, `t.me/ana`)."""
    findings: list[Finding] = []
    if not _LINK_TLD.search(text.lower):  # three ads in four have no link; a literal scan
        return findings  # is ten times cheaper than the trie's
    for match in _LINK.finditer(text.lower):
        start = _link_start(text.lower, match.start())
        if start < 0:
            continue
        host = match.group()[: match.start("handle") - match.start()].rstrip("/@")
        finding = _handle_finding(text, _LINK_HOSTS[host.removesuffix("/")], match, "link", start)
        if finding is not None:
            findings.append(finding)
    return findings


def _link_start(lower: str, start: int) -> int:
    """Where a link begins (over `https://www.`), or -1 when the host is part of a longer one."""
    scheme = _SCHEME.search(lower, max(0, start - 12), start)
    begin = scheme.start() if scheme else start
    if begin > 0 and (lower[begin - 1].isalnum() or lower[begin - 1] in "._-@"):
        return -1
    return begin


def _labelled(text: NormalizedText, taken: list[tuple[int, int]]) -> list[Finding]:
    """Handles after a service label (`IG: ana`, `snap: ana`, `👻 ana`)."""
    findings: list[Finding] = []
    for match in word_matches(text, _LABELLED):  # in the text with a space in front
        label = " ".join((match.group("label") or match.group("bare")).split())
        service = _SERVICE_BY_LABEL.get(label, "")
        if service in ("", "whatsapp"):
            continue
        finding = _handle_finding(text, service, match, "label", match.start(), shift=1)
        if finding is not None and not _overlaps(finding, taken):
            findings.append(finding)
            insort(taken, (finding.start, finding.end))
    return findings


def _overlaps(finding: Finding, taken: list[tuple[int, int]]) -> bool:
    """Whether a labelled handle is the tail of a profile link or another handle found.

    `taken` is sorted and its spans do not overlap, so only the neighbours need a look.
    """
    if "/" in finding.text:
        return True
    i = bisect_left(taken, (finding.start, finding.end))
    return any(
        taken[j][0] < finding.end and finding.start < taken[j][1]
        for j in (i - 1, i)
        if 0 <= j < len(taken)
    )


def _whatsapp_numbers(text: NormalizedText, region: str) -> list[Finding]:
    """WhatsApp accounts are phone numbers: a phone right after a WhatsApp label."""
    label_ends = {
        text.span(m.end(), m.end())[0]
        for m in _WHATSAPP_LABEL.finditer(text.lower)
        if _word_starts(text.lower, m.start())
    }
    if not label_ends:
        return []
    findings: list[Finding] = []
    for phone in extract_phones(text, region):
        if phone.start not in label_ends and phone.start - 1 not in label_ends:
            continue
        attrs = (("service", "whatsapp"), ("handle", phone.value), ("style", "phone"))
        value = f"whatsapp:{phone.value}"
        findings.append(Finding("handle", value, phone.start, phone.end, phone.text, SOURCE, attrs))
    return findings


def _word_starts(lower: str, start: int) -> bool:
    return start == 0 or not lower[start - 1].isalnum()
