"""Storage: tables, migrations, repositories, blobs, the audit chain, keyed hashes."""

from threadline.store.ads import (
    SaveCounts,
    StoredAd,
    content_hash,
    count_ads,
    ensure_source,
    get_ad,
    iter_ads,
    save_ads,
)
from threadline.store.audit import AuditEvent, ChainCheck, append_audit, verify_chain
from threadline.store.blobs import BlobStore
from threadline.store.db import Database
from threadline.store.keyed import keyed_hash

__all__ = [
    "AuditEvent",
    "BlobStore",
    "ChainCheck",
    "Database",
    "SaveCounts",
    "StoredAd",
    "append_audit",
    "content_hash",
    "count_ads",
    "ensure_source",
    "get_ad",
    "iter_ads",
    "keyed_hash",
    "save_ads",
    "verify_chain",
]
