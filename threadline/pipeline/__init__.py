"""Batch orchestration: analysis of what is stored, in process or on a Dask cluster."""

from threadline.pipeline.analyze import (
    AnalyzeOptions,
    AnalyzeReport,
    analyze,
    extract_partition,
    extract_stored,
    hash_images,
    hash_partition,
    link_stored,
)
from threadline.pipeline.executors import (
    EXECUTORS,
    LOCAL_CLUSTER_WORKERS,
    Executor,
    LocalExecutor,
    make_executor,
)

__all__ = [
    "EXECUTORS",
    "LOCAL_CLUSTER_WORKERS",
    "AnalyzeOptions",
    "AnalyzeReport",
    "Executor",
    "LocalExecutor",
    "analyze",
    "extract_partition",
    "extract_stored",
    "hash_images",
    "hash_partition",
    "link_stored",
    "make_executor",
]
