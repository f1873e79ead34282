"""Storage: tables, migrations, repositories, blobs, the audit chain, keyed hashes."""

from threadline.store.ads import (
    InsertedAds,
    SaveCounts,
    StoredAd,
    content_hash,
    count_ads,
    ensure_source,
    get_ad,
    get_ads,
    index_new_ads,
    insert_ads,
    iter_ads,
    register_images,
    save_ads,
)
from threadline.store.analysis import (
    IDENTIFIER_KINDS,
    AnalyzedAd,
    CorpusCounts,
    NetworkRecord,
    corpus_counts,
    images_without_phash,
    iter_ad_evidence,
    partition_starts,
    replace_networks,
    save_extractions,
    set_phashes,
    unanalyzed_row_ids,
)
from threadline.store.audit import AuditEvent, ChainCheck, append_audit, verify_chain
from threadline.store.blobs import BlobStore
from threadline.store.crypto import DecryptionError, FieldCipher, derive_key
from threadline.store.db import Database
from threadline.store.keyed import keyed_hash
from threadline.store.search import search_ad_ids

__all__ = [
    "IDENTIFIER_KINDS",
    "AnalyzedAd",
    "AuditEvent",
    "BlobStore",
    "ChainCheck",
    "CorpusCounts",
    "Database",
    "DecryptionError",
    "FieldCipher",
    "InsertedAds",
    "NetworkRecord",
    "SaveCounts",
    "StoredAd",
    "append_audit",
    "content_hash",
    "corpus_counts",
    "count_ads",
    "derive_key",
    "ensure_source",
    "get_ad",
    "get_ads",
    "images_without_phash",
    "index_new_ads",
    "insert_ads",
    "iter_ad_evidence",
    "iter_ads",
    "keyed_hash",
    "partition_starts",
    "register_images",
    "replace_networks",
    "save_ads",
    "save_extractions",
    "search_ad_ids",
    "set_phashes",
    "unanalyzed_row_ids",
    "verify_chain",
]
