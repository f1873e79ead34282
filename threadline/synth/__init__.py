"""Synthetic ad corpora with ground truth (`_truth`, docs/truth.md) for quality floors."""

from threadline.synth._corpus import generate_ads, period_end
from threadline.synth._images import TRANSFORMS
from threadline.synth._lexicon import EMAIL_STYLES, HANDLE_SERVICES, INDICATORS
from threadline.synth._phones import PHONE_STYLES

__all__ = [
    "EMAIL_STYLES",
    "HANDLE_SERVICES",
    "INDICATORS",
    "PHONE_STYLES",
    "TRANSFORMS",
    "generate_ads",
    "period_end",
]
