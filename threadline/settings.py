"""The one settings object; read from THREADLINE_* variables and passed in, never global."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    """Configuration for every part of Threadline (env prefix THREADLINE_)."""

    model_config = SettingsConfigDict(env_prefix="THREADLINE_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Folder for the SQLite database, blobs and the generated secret key.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/threadline.db.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for keyed hashes and sessions; generated into <data_dir>/secret.key.",
    )
    log_level: LogLevel = Field(default="INFO", description="Logging level.")
    field_keys: SecretStr | None = Field(
        default=None,
        description="Keys for personal fields, `id:base64(32 bytes),...`, first encrypts; "
        "default one key derived from the secret key.",
    )
    default_region: str = Field(
        default="US", description="Region assumed for phone numbers written without +."
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'threadline.db').as_posix()}"

    def blob_dir(self) -> Path:
        """Where content-addressed blobs live."""
        return self.data_dir / "blobs"

    def resolved_secret_key(self) -> bytes:
        """The secret key; generated once into the data folder when none is set."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _load_or_create_key(self.data_dir / "secret.key")


def _load_or_create_key(path: Path) -> bytes:
    """Read the key file, or write a new random key with owner-only permissions."""
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key + "\n", encoding="ascii")
    return key.encode()
