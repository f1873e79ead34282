"""The screening service: screen ads, take reports into the tip queue, serve hashed watchlists."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from threadline.errors import ThreadlineError
from threadline.extract import extract_ad
from threadline.link import hash_image
from threadline.model import Ad, ImageRef
from threadline.screen._decide import Facts, NetworkFacts, Verdict, decide
from threadline.screen._identifiers import (
    NORMALIZATION,
    ad_identifiers,
    canonical,
)
from threadline.screen._journal import Journal, Record, write_records
from threadline.screen._rules import RuleSet, load_rules
from threadline.screen._schemas import (
    AdIn,
    ReasonOut,
    ReportIn,
    ReportOut,
    ScreenOut,
    SpanOut,
    WatchHashOut,
    WatchlistDownload,
    WatchlistOut,
)
from threadline.screen._watchcache import NetworkCache, WatchCache
from threadline.settings import Settings
from threadline.store import AuditEvent, BlobStore, Database, FieldCipher, append_audit, keyed_hash
from threadline.store.ads import ensure_source, register_images, save_ads
from threadline.store.screen import (
    ACCOUNT_CONTEXT,
    IMAGE_HASHES_CONTEXT,
    WATCH_CONTEXT,
    Platform,
    TipIn,
    active_watch,
    ad_row_id,
    add_watch,
    file_tip,
    platform_hash_key,
    platform_keyed_hash,
    set_watch_image,
    usage_if_active,
)


class RevokedKeyError(ThreadlineError):
    """The platform's key was revoked (possibly by another process) since it was checked."""

    status = 401


class QuotaExceededError(ThreadlineError):
    """The platform has used its daily quota; `retry_after` seconds until it renews."""

    status = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Screener:
    """What screening needs from the settings: keys, rules, region, quota."""

    secret: bytes
    cipher: FieldCipher
    rules: RuleSet
    region: str
    daily_quota: int
    watch: WatchCache = field(default_factory=WatchCache, compare=False)
    networks: NetworkCache = field(default_factory=NetworkCache, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Screener:
        """Keys and limits from the settings, the shipped rules, extraction warmed up."""
        secret = settings.resolved_secret_key()
        field_keys = settings.field_keys.get_secret_value() if settings.field_keys else None
        # The first extraction compiles the lexicon (~0.3 s); pay it here, not in a request.
        extract_ad(Ad(id="warm-up", body="warm up"), settings.default_region)
        return cls(
            secret=secret,
            cipher=FieldCipher.from_spec(field_keys, secret),
            rules=load_rules(),
            region=settings.default_region,
            daily_quota=settings.screen_daily_quota,
        )

    def verdict(self, connection: Connection, ad: AdIn) -> Verdict:
        """Extraction, network links and watchlist hits of one ad, through the rules."""
        return decide(self.facts(connection, ad), self.rules)

    def facts(self, connection: Connection, ad: AdIn) -> Facts:
        """What the rules look at for one ad."""
        extraction = extract_ad(to_ad(ad), self.region)
        pairs = ad_identifiers(extraction)
        images = [hash_image(data) for data in _image_bytes(ad)]
        hashes = [keyed_hash(self.secret, k, v) for k, v in pairs]
        hashes += [keyed_hash(self.secret, "image", image[:64]) for image in images]
        match = self.networks.match(connection, pairs)
        return Facts(
            extraction=extraction,
            network=NetworkFacts(match.networks, match.max_size, match.juvenile, match.risk_max),
            watch_kinds=tuple(self._watch_kinds(connection, hashes, images)),
        )

    def _watch_kinds(
        self, connection: Connection, hashes: list[str], images: list[str]
    ) -> list[str]:
        """Kinds hit exactly by keyed hash, and "image" for a near copy of a watched image."""
        kinds = self.watch.kinds(connection, hashes)
        if "image" in kinds or not images:
            return kinds
        if any(self.watch.near_image(connection, self.cipher, image) for image in images):
            return sorted({*kinds, "image"})
        return kinds


def screen_ads(
    database: Database,
    screener: Screener,
    platform: Platform,
    ads: Sequence[AdIn],
    ip: str = "",
    journal: Journal | None = None,
) -> list[ScreenOut]:
    """Screen ads for a platform: decisions out; usage, request log and audit row stored
    (through the journal's group commit when one is given) before the answer goes back."""
    now = datetime.now(UTC)
    with database.engine.connect() as connection:
        used = usage_if_active(connection, platform.id, now.date())
        if used is None:
            raise RevokedKeyError("unknown or revoked API key")
        if journal is not None:
            used += journal.in_flight(platform.id, now.date())
        _check_quota(screener, platform, len(ads), now, used)
        verdicts = [screener.verdict(connection, ad) for ad in ads]
    results = [_out(uuid.uuid4().hex, ad.id, v) for ad, v in zip(ads, verdicts, strict=True)]
    rows = tuple(
        _log_row(screener, platform, now, ad, r, v)
        for ad, r, v in zip(ads, results, verdicts, strict=True)
    )
    record = Record(platform.id, platform.name, ip, now.date(), rows, screener.rules.version)
    if journal is not None:
        journal.write(record)
    else:
        with database.transaction() as connection:
            write_records(connection, [record])
    return results


def file_report(
    database: Database,
    blobs: BlobStore,
    screener: Screener,
    platform: Platform,
    report: ReportIn,
    ip: str = "",
) -> ReportOut:
    """Store the reported ad and its account (sealed) as a tip on the lead it belongs to."""
    with database.engine.connect() as connection:
        facts = screener.facts(connection, report.ad)
    verdict = decide(facts, screener.rules)
    images, sizes = _store_images(blobs, report.ad)
    ad = to_ad(report.ad, images)
    keys = _lead_keys(screener, platform, report, facts)
    report_id = uuid.uuid4().hex
    account = screener.cipher.encrypt(report.account.model_dump_json(), ACCOUNT_CONTEXT)
    with database.transaction() as connection:
        source_id = ensure_source(connection, f"platform:{platform.name}")
        register_images(connection, sizes)
        save_ads(connection, source_id, [ad])
        tip = TipIn(
            platform_id=platform.id,
            ad_row_id=ad_row_id(connection, source_id, ad.id),
            reason=report.reason,
            account_json=account,
            juvenile=verdict.juvenile,
            score=verdict.score,
            decision=verdict.decision,
            keys=keys,
        )
        tip_id, lead_id = file_tip(connection, tip, f"platform:{platform.name}")
        detail = {"tip": tip_id, "lead": lead_id, "juvenile": verdict.juvenile}
        _audit(connection, platform, "report", report_id, ip, detail)
    return ReportOut(report_id=report_id, status="queued")


def hashed_watchlist(
    database: Database, screener: Screener, platform: Platform, ip: str = ""
) -> WatchlistDownload:
    """The active watchlist as keyed hashes under the platform's own key; no plain values."""
    key = platform_hash_key(screener.secret, platform)
    with database.transaction() as connection:
        entries = active_watch(connection)
        _audit(connection, platform, "watchlist.download", "", ip, {"entries": len(entries)})
    hashed = [
        WatchHashOut(
            kind=e.kind,
            hash=platform_keyed_hash(
                key, e.kind, screener.cipher.decrypt(e.value_enc, WATCH_CONTEXT)
            ),
        )
        for e in entries
    ]
    return WatchlistDownload(
        algorithm="HMAC-SHA256",
        key=key.hex(),
        message="kind:value",
        normalization=NORMALIZATION,
        entries=sorted(hashed, key=lambda h: (h.kind, h.hash)),
    )


def add_to_watchlist(
    database: Database, screener: Screener, kind: str, value: str, note: str, actor: str
) -> int:
    """Add one identifier (normalized) to the watchlist; returns the entry id."""
    nine = _image_file_hashes(kind, value)
    normalized = nine[:64] if nine else canonical(kind, value, screener.region)
    hashed = keyed_hash(screener.secret, kind, normalized)
    with database.transaction() as connection:
        entry = add_watch(connection, (kind, normalized, note), actor, screener.cipher, hashed)
        if nine:
            sealed = screener.cipher.encrypt(nine, IMAGE_HASHES_CONTEXT)
            set_watch_image(connection, entry, sealed)
    screener.watch.invalidate()
    return entry


def _image_file_hashes(kind: str, value: str) -> str:
    """All nine perceptual hashes of an image file named as a watchlist value ('' if none):
    an entry added from the file also catches lightly edited copies."""
    if kind != "image" or not Path(value.strip()).is_file():
        return ""
    return hash_image(Path(value.strip()).read_bytes())


def audit_refusal(
    database: Database, actor: str, action: str, outcome: str, ip: str, detail: dict[str, Any]
) -> None:
    """Record a refused API call (bad key, rate limit, quota) in the audit log."""
    with database.transaction() as connection:
        event = AuditEvent(actor, action, "screen_api", "", ip, outcome, detail)
        append_audit(connection, event)


def to_ad(ad: AdIn, images: tuple[ImageRef, ...] | None = None) -> Ad:
    """The model's `Ad` for an API ad record (images as URLs unless stored ones are given)."""
    refs = (
        images
        if images is not None
        else tuple(ImageRef(url=i.url, sha256=i.sha256) for i in ad.images if i.url)
    )
    posted = ad.posted_at
    if posted is not None:
        posted = posted.replace(tzinfo=UTC) if posted.tzinfo is None else posted.astimezone(UTC)
    return Ad(
        id=ad.id,
        title=ad.title,
        body=ad.body,
        site=ad.site,
        url=ad.url,
        posted_at=posted,
        city=ad.city,
        region=ad.region,
        country=ad.country.upper() if ad.country else None,
        images=refs,
    )


def seconds_to_midnight(now: datetime) -> int:
    """Whole seconds until the next UTC midnight, when daily quotas renew."""
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))


def _check_quota(
    screener: Screener, platform: Platform, ads: int, now: datetime, used: int
) -> None:
    quota = platform.daily_quota if platform.daily_quota is not None else screener.daily_quota
    if used + ads > quota:
        raise QuotaExceededError(
            f"daily quota of {quota} ads reached ({used} used)", seconds_to_midnight(now)
        )


def _image_bytes(ad: AdIn) -> list[bytes]:
    return [data for image in ad.images if (data := image.content()) is not None]


def _store_images(blobs: BlobStore, ad: AdIn) -> tuple[tuple[ImageRef, ...], dict[str, int]]:
    refs: list[ImageRef] = []
    sizes: dict[str, int] = {}
    for image in ad.images:
        data = image.content()
        if data is None:
            refs.append(ImageRef(url=image.url, sha256=image.sha256))
            continue
        digest = blobs.put(data)
        sizes[digest] = len(data)
        refs.append(ImageRef(url=f"blob:{digest}", sha256=digest))
    return tuple(refs), sizes


def _lead_keys(
    screener: Screener, platform: Platform, report: ReportIn, facts: Facts
) -> tuple[str, ...]:
    """Keyed hashes that make two reports the same lead: identifiers, account, ad."""
    pairs = ad_identifiers(facts.extraction)
    pairs += _account_identifiers(screener, report)
    pairs.append(("account", f"{platform.id}:{report.account.account_id}"))
    pairs.append(("ad", f"{platform.id}:{report.ad.id}"))
    return tuple(dict.fromkeys(keyed_hash(screener.secret, k, v) for k, v in pairs))


def _account_identifiers(screener: Screener, report: ReportIn) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for kind, value in (("phone", report.account.phone), ("email", report.account.email)):
        if value:
            try:
                found.append((kind, canonical(kind, value, screener.region)))
            except ThreadlineError:
                continue  # an unreadable account phone or email still files the tip
    return found


def _out(request_id: str, ad_id: str, verdict: Verdict) -> ScreenOut:
    return ScreenOut(
        request_id=request_id,
        ad_id=ad_id,
        decision=verdict.decision,
        score=verdict.score,
        reasons=[
            ReasonOut(code=r.code, spans=[SpanOut(start=s, end=e) for s, e in r.spans])
            for r in verdict.reasons
        ],
        watchlist=WatchlistOut(hit=bool(verdict.watch_kinds), kinds=list(verdict.watch_kinds)),
        rules_version=verdict.rules_version,
    )


def _log_row(
    screener: Screener, platform: Platform, now: datetime, ad: AdIn, out: ScreenOut, v: Verdict
) -> dict[str, Any]:
    return {
        "id": out.request_id,
        "platform_id": platform.id,
        "at": now,
        "ad_hash": keyed_hash(screener.secret, "platform-ad", f"{platform.id}:{ad.id}"),
        "decision": v.decision,
        "score": v.score,
        "rules_version": v.rules_version,
        "watchlist_hit": bool(v.watch_kinds),
    }


def _audit(
    connection: Connection,
    platform: Platform,
    action: str,
    object_id: str,
    ip: str,
    detail: dict[str, Any],
) -> None:
    event = AuditEvent(
        f"platform:{platform.name}", action, "screen_request", object_id, ip, "ok", detail
    )
    append_audit(connection, event)
