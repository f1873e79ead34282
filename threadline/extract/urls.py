"""Web addresses: full URLs, `www.` addresses and bare domains with a path."""

from __future__ import annotations

import re

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "extract_urls"]

SOURCE = "urls@1"

_TLDS = r"com|net|org|io|co|me|us|ee|xyz|info|biz|ly|gl|tv|app|site|online|link|example"
_URL = re.compile(
    r"(?i)(?<![\w@.])(?:"
    r"https?://[^\s<>\"'()\[\]{}]{1,2000}"
    r"|www\.[^\s<>\"'()\[\]{}]{1,2000}"
    rf"|(?:[a-z0-9-]{{1,63}}\.){{1,4}}(?:{_TLDS})/[^\s<>\"'()\[\]{{}}]{{0,2000}}"
    r")"
)
_TRAILING = ".,;:!?*~"


def extract_urls(text: NormalizedText, region: str = "US") -> list[Finding]:
    """URLs with a scheme added where missing, host in lower case, trailing punctuation dropped."""
    findings: list[Finding] = []
    for match in _URL.finditer(text.text):
        written = match.group().rstrip(_TRAILING)
        if len(written) < 6:
            continue
        span = (match.start(), match.start() + len(written))
        findings.append(make_finding(text, "url", _canonical(written), span, SOURCE))
    return findings


def _canonical(written: str) -> str:
    """`https://host/path` with the host lower-cased."""
    url = written if "://" in written else "https://" + written
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"
