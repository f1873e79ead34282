"""Reading a synthetic corpus back: phone texts decoded, masked shingles, evidence groups."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

TRUTH_LISTS = (
    "phones", "emails", "handles", "ages", "prices", "indicators", "names", "places", "negatives",
)  # fmt: skip
_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
_LEET = ["z3ro", "0ne", "tw0", "thr33", "f0ur", "f1ve", "s1x", "sev3n", "e1ght", "n1ne"]
_ANY_DIGIT = re.compile(r"\d")
_WORD_DIGITS = {word: str(i) for table in (_EN, _ES) for i, word in enumerate(table)} | {"oh": "0"}
_WORDS = re.compile("|".join(sorted(_WORD_DIGITS, key=len, reverse=True)) + r"|\d")
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "О": "0", "о": "0", "Ο": "0", "ο": "0",
                             "l": "1", "I": "1", "І": "1", "S": "5"})  # fmt: skip


def ad_text(record: dict[str, Any]) -> str:
    """`Ad.text`: title and body joined by a newline."""
    return f"{record['title']}\n{record['body']}"


def decode_phone(text: str, style: str) -> str:
    """The ten digits a phone text spells, whatever its style."""
    text = "".join(_digit(ch) for ch in text.replace("\ufe0f", "").replace("\u20e3", ""))
    if style == "homoglyph":
        text = text.translate(_LOOKALIKES)
    for i, word in enumerate(_LEET):
        text = text.replace(word, _EN[i])
    digits = "".join(_WORD_DIGITS.get(m, m) for m in _WORDS.findall(text.lower()))
    return digits[1:] if len(digits) == 11 and digits[0] == "1" else digits


def _digit(ch: str) -> str:
    code = ord(ch)
    for base in (0xFF10, 0x1D7CE):  # fullwidth, mathematical bold
        if base <= code < base + 10:
            return str(code - base)
    if ch == "⓪":
        return "0"
    if 0x2460 <= code <= 0x2468:  # circled one to nine
        return str(code - 0x245F)
    return ch


def masked_shingles(record: dict[str, Any]) -> set[tuple[str, ...]]:
    """Word 3-shingles of the text with slot values (names, places, ages, prices and
    identifiers) replaced by one token each, and other numbers (dates, ZIP codes, post ids)
    by `<num>`, as a template linker masks them."""
    text = ad_text(record)
    truth = record["_truth"]
    spans = sorted(
        (item["start"], item["end"], key)
        for key in ("names", "places", "ages", "prices", "phones", "emails", "handles")
        for item in truth[key]
    )
    parts, last = [], 0
    for start, end, key in spans:
        if start >= last:
            parts.append(text[last:start])
            parts.append(f" <{key}> ")
            last = end
    parts.append(text[last:])
    words = ["<num>" if _ANY_DIGIT.search(w) else w for w in "".join(parts).lower().split()]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set[Any], b: set[Any]) -> float:
    """Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a or b else 1.0


def evidence(record: dict[str, Any]) -> set[str]:
    """Everything that may link an ad: identifiers, image origins and its template."""
    truth = record["_truth"]
    keys = {f"phone:{p['value']}" for p in truth["phones"]}
    keys |= {f"email:{e['value']}" for e in truth["emails"]}
    keys |= {f"handle:{h['service']}:{h['handle']}" for h in truth["handles"]}
    keys |= {f"image:{i['origin']}" for i in truth["images"]}
    return keys | {f"template:{truth['template']}"}


def components(records: list[dict[str, Any]]) -> list[set[str]]:
    """Groups of ad ids joined by shared evidence (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for record in records:
        for key in evidence(record):
            parent[find(key)] = find(record["id"])
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for record in records:
        groups[find(record["id"])].add(record["id"])
    return list(groups.values())
