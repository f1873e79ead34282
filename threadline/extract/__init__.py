"""Extraction: identifiers and indicators in an ad, obfuscated or not, each with its evidence."""

from threadline.extract._base import Extractor
from threadline.extract.extraction import EXTRACTORS, extract_ad, extract_text
from threadline.extract.lexicon import LEXICON_PATHS, validate_lexicon
from threadline.extract.normalize import NormalizedText, normalize
from threadline.extract.record import extraction_to_record

__all__ = [
    "EXTRACTORS",
    "LEXICON_PATHS",
    "Extractor",
    "NormalizedText",
    "extract_ad",
    "extract_text",
    "extraction_to_record",
    "normalize",
    "validate_lexicon",
]
