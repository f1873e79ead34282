"""The `extracted` object of an ad record (DESIGN.md data contract), built from an Extraction."""

from __future__ import annotations

from typing import Any

from threadline.model import Extraction, Finding, Reason

__all__ = ["extraction_to_record"]


def extraction_to_record(extraction: Extraction) -> dict[str, Any]:
    """The `extracted` object: values by kind, indicators, risk, juvenile flag, all findings."""
    findings = extraction.findings
    risk = extraction.risk
    return {
        "phones": list(extraction.values("phone")),
        "emails": list(extraction.values("email")),
        "handles": _handles(findings),
        "urls": list(extraction.values("url")),
        "ages": [int(value) for value in extraction.values("age")],
        "prices": _prices(findings),
        "places": _places(findings),
        "indicators": _indicators(findings),
        "risk": {"score": risk.score, "level": risk.level, "reasons": _reasons(risk.reasons)},
        "juvenile": {"flag": risk.juvenile, "reasons": _reasons(risk.juvenile_reasons)},
        "findings": [_finding(f) for f in findings],
    }


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in order of first appearance, without repeats."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in items:
        seen.setdefault(tuple(item.values()), item)
    return list(seen.values())


def _handles(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return _distinct(
        [
            {"service": f.attr("service"), "handle": f.attr("handle")}
            for f in findings
            if f.kind == "handle"
        ]
    )


def _prices(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return _distinct(
        [
            {
                "amount": int(f.attr("amount")),
                "unit": f.attr("unit"),
                "currency": f.attr("currency"),
            }
            for f in findings
            if f.kind == "price"
        ]
    )


def _places(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return _distinct(
        [{"value": f.value, "basis": f.attr("basis")} for f in findings if f.kind == "place"]
    )


def _indicators(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return [
        {
            "code": f.value,
            "category": f.attr("category"),
            "weight": float(f.attr("weight")),
            "start": f.start,
            "end": f.end,
            "text": f.text,
        }
        for f in findings
        if f.kind.startswith("indicator:")
    ]


def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, Any]]:
    return [{"code": r.code, "weight": r.weight, "evidence": r.evidence} for r in reasons]


def _finding(finding: Finding) -> dict[str, Any]:
    """One finding with its evidence, as an analyst reads it."""
    record: dict[str, Any] = {
        "kind": finding.kind,
        "value": finding.value,
        "start": finding.start,
        "end": finding.end,
        "text": finding.text,
        "source": finding.source,
    }
    if finding.attrs:
        record["attrs"] = dict(finding.attrs)
    return record
