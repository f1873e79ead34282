"""A three-ad analyzed corpus for the console tests: two ads share a phone, one states 17."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.builders import an_ad
from threadline.pipeline import AnalyzeOptions, analyze
from threadline.store import BlobStore, Database, ensure_source, save_ads

ADS = (
    an_ad(
        "a",
        title="Ana here",
        body="Call 702-555-0142 tonight, fresh and new in town",
        posted_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
        images=(),
    ),
    an_ad(
        "b",
        title="Lexi visiting",
        body="text me at (702) 555 0142",
        posted_at=datetime(2026, 10, 3, 9, 30, tzinfo=UTC),
        city="Phoenix",
        region="AZ",
        images=(),
    ),
    an_ad(
        "c",
        title="Quiet evenings",
        body="ask for Mia 312-555-0199, 17 yrs",
        posted_at=datetime(2026, 10, 5, 18, 0, tzinfo=UTC),
        city="Chicago",
        region="IL",
        images=(),
    ),
)


def store_and_analyze(database: Database, tmp_path: Path, ads: tuple[object, ...] = ADS) -> None:
    """Save the ads and run the analysis over them."""
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), list(ads))  # type: ignore[arg-type]
    options = AnalyzeOptions(
        state_path=tmp_path / "link-state.pkl",
        blobs=BlobStore(tmp_path / "blobs"),
        secret_key=b"test-key",
    )
    analyze(database, options)
