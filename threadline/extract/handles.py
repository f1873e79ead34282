"""Social and messaging handles (Instagram, Snapchat, X/Twitter, Telegram, WhatsApp, Kik,
WeChat, OnlyFans, Linktree), each with the service named."""

from __future__ import annotations

import re

from threadline.extract._base import make_finding
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

_HANDLE = r"(?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,30}[A-Za-z0-9_])?)(?![A-Za-z0-9_@])"
# Profile links name the service by their host.
_LINK_HOSTS = {
    "instagram": r"instagram\.com|instagr\.am",
    "snapchat": r"snapchat\.com/add",
    "twitter": r"twitter\.com|x\.com",
    "telegram": r"t\.me|telegram\.me",
    "kik": r"kik\.me",
    "onlyfans": r"onlyfans\.com",
    "linktree": r"linktr\.ee",
    "wechat": r"u\.wechat\.com",
}
# Words that name a service before a handle ("IG: ana", "snap: ana", "👻 ana").
_LABELS = {
    "instagram": r"instagram|insta|ig",
    "snapchat": r"snapchat|snap|sc|👻",
    "twitter": r"twitter|tw",
    "telegram": r"telegram|tg|tele",
    "kik": r"kik\s+me|kik",
    "onlyfans": r"onlyfans|only\s+fans|of",
    "wechat": r"wechat(?:\s+id)?|we\s+chat(?:\s+id)?|weixin",
    "whatsapp": r"whatsapp|whats\s+app|wa",
}
_LINK = re.compile(
    r"(?i)(?<![A-Za-z0-9.])(?:https?://)?(?:www\.)?(?P<host>"
    + "|".join(f"(?P<l_{name}>{hosts})" for name, hosts in _LINK_HOSTS.items())
    + r")/@?"
    + _HANDLE
)
_LABELLED = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?P<label>"
    + "|".join(f"(?P<t_{name}>{labels})" for name, labels in _LABELS.items())
    + r")(?P<sep>\s*[:=@👻-]\s*|\s+)(?:👻\s*)?@?"
    + _HANDLE
)
# Words after a label that are not handles ("kik me", "snap is", "of the").
_NOT_HANDLES = frozenset(
    "me my is at on the a an and or to for of in id add dm pls please only here now "
    "with your you u ur".split()
)
_WHATSAPP_LABEL = re.compile(r"(?i)(?<![A-Za-z0-9])(?:whats\s*app|wa)\b[\s:=-]*")
# Labels clear enough to stand before a handle with only a space ("KIK ana", "👻 ana").
_BARE_LABELS = frozenset({"kik", "👻", "snapchat", "instagram", "telegram", "wechat"})


def extract_handles(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Handles as `service:handle` values, lower case and without `@`."""
    findings = _links(text) + _labelled(text, _covered(_links(text)))
    findings.extend(_whatsapp_numbers(text, region))
    return sorted(findings, key=lambda f: (f.start, f.end))


def _covered(findings: list[Finding]) -> set[int]:
    return {f.start for f in findings}


def _service(match: re.Match[str], prefix: str) -> str:
    """The service whose named group matched."""
    for name, value in match.groupdict().items():
        if value is not None and name.startswith(prefix):
            return name[len(prefix) :]
    return ""


def _handle_finding(
    text: NormalizedText, service: str, match: re.Match[str], style: str
) -> Finding | None:
    handle = match.group("handle").lower().rstrip(".-")
    if handle in _NOT_HANDLES or handle.isdigit() and service != "whatsapp":
        return None
    span = (match.start(), match.end("handle"))
    attrs = (("service", service), ("handle", handle), ("style", style))
    return make_finding(text, "handle", f"{service}:{handle}", span, SOURCE, attrs)


def _links(text: NormalizedText) -> list[Finding]:
    """Handles written as profile links (`instagram.com/ana`, `t.me/ana`)."""
    found = (
        _handle_finding(text, _service(m, "l_"), m, "link") for m in _LINK.finditer(text.text)
    )
    return [f for f in found if f is not None]


def _labelled(text: NormalizedText, taken: set[int]) -> list[Finding]:
    """Handles after a service label (`IG: ana`, `snap: ana`, `👻 ana`)."""
    findings: list[Finding] = []
    for match in _LABELLED.finditer(text.text):
        service = _service(match, "t_")
        if service == "whatsapp" or not _separated(match):
            continue
        finding = _handle_finding(text, service, match, "label")
        if finding is not None and not _overlaps(finding, taken, text):
            findings.append(finding)
    return findings


def _separated(match: re.Match[str]) -> bool:
    """A label and its handle joined by `:`, `@` or the like, or a clear label and a space."""
    if not match.group("sep").isspace():
        return True
    return match.group("label").lower() in _BARE_LABELS


def _overlaps(finding: Finding, taken: set[int], text: NormalizedText) -> bool:
    """Whether a labelled handle is the tail of a profile link already found."""
    tail = text.original[finding.start : finding.end]
    return "/" in tail or any(finding.start <= start < finding.end for start in taken)


def _whatsapp_numbers(text: NormalizedText, region: str) -> list[Finding]:
    """WhatsApp accounts are phone numbers: a phone right after a WhatsApp label."""
    label_ends = {m.end() for m in _WHATSAPP_LABEL.finditer(text.text)}
    if not label_ends:
        return []
    findings: list[Finding] = []
    for phone in extract_phones(text, region):
        if not any(abs(text.span(end, end)[0] - phone.start) <= 1 for end in label_ends):
            continue
        attrs = (("service", "whatsapp"), ("handle", phone.value), ("style", "phone"))
        value = f"whatsapp:{phone.value}"
        findings.append(
            Finding("handle", value, phone.start, phone.end, phone.text, SOURCE, attrs)
        )
    return findings
