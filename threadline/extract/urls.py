"""Web addresses: full URLs, `www.` addresses and bare domains with a path."""

from __future__ import annotations

import re

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "extract_urls"]

SOURCE = "urls@1"

_TLDS = r"com|net|org|io|co|me|us|ee|xyz|info|biz|ly|gl|tv|app|site|online|link|example"
_REST = r"[^\s<>\"'()\[\]{}]{0,2000}"
# Both patterns start with a literal and run on the lower-cased text, so `re` scans fast.
_SCHEMED = re.compile(rf"(?:https?://|www\.){_REST}")
_BARE = re.compile(rf"\.(?:{_TLDS})/{_REST}")
_HOST_BEFORE = re.compile(r"(?<![\w@.])(?:[a-z0-9-]{1,63}\.){0,3}[a-z0-9-]{1,63}\Z")
_TRAILING = ".,;:!?*~"


def extract_urls(text: NormalizedText, region: str = "US") -> list[Finding]:
    """URLs with a scheme added where missing, host in lower case, trailing punctuation dropped."""
    findings: list[Finding] = []
    taken_until = -1
    for start, end in sorted(_spans(text.lower)):
        written = text.text[start:end].rstrip(_TRAILING)
        if start < taken_until or len(written) < 6:
            continue
        taken_until = start + len(written)
        span = (start, taken_until)
        findings.append(make_finding(text, "url", _canonical(written), span, SOURCE))
    return findings


def _spans(lower: str) -> list[tuple[int, int]]:
    """Spans of URLs with a scheme or `www.`, and of bare `host.tld/path` addresses."""
    spans = [m.span() for m in _SCHEMED.finditer(lower)]
    for match in _BARE.finditer(lower):
        host = _HOST_BEFORE.search(lower, max(0, match.start() - 256), match.start())
        if host is not None:
            spans.append((host.start(), match.end()))
    return spans


def _canonical(written: str) -> str:
    """`https://host/path` with the host lower-cased."""
    url = written if "://" in written else "https://" + written
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"
