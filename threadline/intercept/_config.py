"""The intercept service's configuration, taken from the settings once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from threadline.settings import Settings
from threadline.store import FieldCipher, keyed_hash


@dataclass(frozen=True, slots=True)
class InterceptConfig:
    """What the service needs from the settings: keys, delay scale, retention, region."""

    cipher: FieldCipher
    hash_key: bytes
    delay_scale: float = 1.0
    retention: timedelta = timedelta(days=90)
    region: str = "US"

    @classmethod
    def from_settings(cls, settings: Settings) -> InterceptConfig:
        """The configuration the settings describe."""
        secret = settings.resolved_secret_key()
        field_keys = settings.field_keys.get_secret_value() if settings.field_keys else None
        return cls(
            cipher=FieldCipher.from_spec(field_keys, secret),
            hash_key=secret,
            delay_scale=settings.intercept_delay_scale,
            retention=timedelta(days=settings.intercept_retention_days),
            region=settings.default_region,
        )

    def phone_hash(self, e164: str) -> str:
        """The keyed hash that joins a buyer's number across campaigns."""
        return keyed_hash(self.hash_key, "phone", e164)
