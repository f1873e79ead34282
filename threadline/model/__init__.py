"""The shared vocabulary of Threadline: frozen dataclasses, no I/O."""

from threadline.model.ad import Ad, ImageRef
from threadline.model.finding import Extraction, Finding, IdentifierKind, Reason, Risk
from threadline.model.network import AdEvidence, LinkKind, Membership, Via
from threadline.model.record import ad_from_record, ad_to_record, parse_time

__all__ = [
    "Ad",
    "AdEvidence",
    "Extraction",
    "Finding",
    "IdentifierKind",
    "ImageRef",
    "LinkKind",
    "Membership",
    "Reason",
    "Risk",
    "Via",
    "ad_from_record",
    "ad_to_record",
    "parse_time",
]
