"""Batch orchestration: analysis of what is stored."""

from threadline.pipeline.analyze import (
    AnalyzeOptions,
    AnalyzeReport,
    analyze,
    extract_stored,
    hash_images,
    link_stored,
)

__all__ = [
    "AnalyzeOptions",
    "AnalyzeReport",
    "analyze",
    "extract_stored",
    "hash_images",
    "link_stored",
]
