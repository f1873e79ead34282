"""Screening for ad platforms: decisions by versioned rules, watchlists as keyed hashes, tips."""

from threadline.screen._decide import Facts, NetworkFacts, ReasonCode, Verdict, decide
from threadline.screen._identifiers import WATCH_KINDS, canonical, image_key
from threadline.screen._journal import Journal
from threadline.screen._leads import LeadPage, LeadReport, lead_page
from threadline.screen._limits import RateLimiter
from threadline.screen._rules import RULE_PATHS, RULES_PATH, RuleSet, load_rules, validate_rules
from threadline.screen._schemas import (
    MAX_BATCH,
    AccountIn,
    AdIn,
    BatchIn,
    BatchOut,
    ImageIn,
    ReportIn,
    ReportOut,
    ScreenOut,
    WatchlistDownload,
)
from threadline.screen._service import (
    QuotaExceededError,
    RevokedKeyError,
    Screener,
    add_to_watchlist,
    audit_refusal,
    file_report,
    hashed_watchlist,
    screen_ads,
    seconds_to_midnight,
    to_ad,
)

__all__ = [
    "MAX_BATCH",
    "RULES_PATH",
    "RULE_PATHS",
    "WATCH_KINDS",
    "AccountIn",
    "AdIn",
    "BatchIn",
    "BatchOut",
    "Facts",
    "ImageIn",
    "Journal",
    "LeadPage",
    "LeadReport",
    "NetworkFacts",
    "QuotaExceededError",
    "RateLimiter",
    "ReasonCode",
    "ReportIn",
    "ReportOut",
    "RevokedKeyError",
    "RuleSet",
    "ScreenOut",
    "Screener",
    "Verdict",
    "WatchlistDownload",
    "add_to_watchlist",
    "audit_refusal",
    "canonical",
    "decide",
    "file_report",
    "hashed_watchlist",
    "image_key",
    "lead_page",
    "load_rules",
    "screen_ads",
    "seconds_to_midnight",
    "to_ad",
    "validate_rules",
]
