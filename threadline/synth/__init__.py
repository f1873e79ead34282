"""Synthetic ad corpora with ground truth (`_truth`, docs/truth.md) for quality floors.

`generate_ads(n, seed, image_dir)` streams ad records; the same `n` and `seed` give the same
bytes. Beyond docs/truth.md each `_truth` also carries `names` and `places` (spans of the
persona's name and the city), `negatives` (spans of numbers that are not phones or ages:
post ids, dates, times, ZIP codes, heights, measurements, years) and `template_only` (the ad
shares nothing with its network but its template). A WhatsApp handle is the phone's E.164
value and its number is also listed, with its own span, under `phones`.
"""

from threadline.synth._corpus import generate_ads, period_end
from threadline.synth._images import TRANSFORMS
from threadline.synth._lexicon import EMAIL_STYLES, HANDLE_SERVICES, INDICATORS
from threadline.synth._phones import PHONE_STYLES
from threadline.synth._site import SynthSite

__all__ = [
    "EMAIL_STYLES",
    "HANDLE_SERVICES",
    "INDICATORS",
    "PHONE_STYLES",
    "TRANSFORMS",
    "SynthSite",
    "generate_ads",
    "period_end",
]
