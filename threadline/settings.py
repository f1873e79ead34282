"""The one settings object; read from THREADLINE_* variables and passed in, never global."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    map_tile_url: str = Field(
        default="",
        description="Map tile URL template for the console's maps, e.g. "
        "`https://tiles.example.org/{z}/{x}/{y}.png`; empty draws a bundled US states outline.",
    )
    face_threshold: float = Field(
        default=0.6,
        gt=0.0,
        le=2.0,
        description="Largest face distance that becomes a candidate for review (a lead, never "
        "an identification); 0.6 is the dlib model's LFW calibration.",
    )
    face_model: str = Field(
        default="dlib-resnet-v1", description="Face detection and encoding model (registry name)."
    )
    field_keys: SecretStr | None = Field(
        default=None,
        description="Keys for personal fields, `id:base64(32 bytes),...`, first encrypts; "
        "default one key derived from the secret key.",
    )
    default_region: str = Field(
        default="US", description="Region assumed for phone numbers written without +."
    )
    intercept_delay_scale: float = Field(
        default=1.0,
        ge=0.0,
        description="Multiplies every bot reply delay; 0 answers inside the webhook's response.",
    )
    intercept_retention_days: int = Field(
        default=90, ge=1, description="Days a bot contact is kept unless promoted to a subject."
    )
    intercept_api_secret: SecretStr | None = Field(
        default=None,
        description="Shared secret of the intercept JSON API (bearer token or HMAC-SHA256 "
        "header); the API refuses every call while unset.",
    )
    intercept_sender: bool = Field(
        default=True, description="Run the delayed-message sender inside the web server."
    )
    public_url: str | None = Field(
        default=None,
        description="Public base URL of this server, for webhook signatures (Twilio).",
    )
    sms_base_url: str | None = Field(
        default=None,
        description="Base URL for outbound SMS calls to every provider (a fake carrier in "
        "tests); default each provider's own API.",
    )
    twilio_account_sid: str | None = Field(
        default=None, description="Twilio account SID for outbound messages."
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Twilio auth token: verifies X-Twilio-Signature, sends SMS."
    )
    telnyx_public_key: str | None = Field(
        default=None, description="Telnyx Ed25519 public key (base64) that signs webhooks."
    )
    telnyx_api_key: SecretStr | None = Field(
        default=None, description="Telnyx API key for outbound messages."
    )
    vonage_api_key: str | None = Field(default=None, description="Vonage API key (outbound).")
    vonage_api_secret: SecretStr | None = Field(
        default=None, description="Vonage API secret (outbound)."
    )
    vonage_signature_secret: SecretStr | None = Field(
        default=None, description="Vonage signature secret that signs inbound `sig` (SHA-256)."
    )
    demo_mode: bool = Field(
        default=False,
        description="Local demo only: logins skip MFA and every page says so in a banner.",
    )
    fips_mode: bool = Field(
        default=False,
        description="Hash passwords with PBKDF2-SHA256 (600,000 iterations) instead of argon2id.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=30, description="Minutes a session may sit idle before it ends."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, le=12, description="Hours after login at which a session ends anyway."
    )
    force_https: bool = Field(
        default=False,
        description="Treat every request as TLS (behind a TLS proxy): Secure cookies and HSTS.",
    )
    api_docs: bool = Field(
        default=False, description="Serve the OpenAPI schema at /openapi.json (off by default)."
    )
    max_concurrency: int = Field(
        default=64,
        ge=1,
        description="Requests served at once; beyond it the server answers 503 at once.",
    )
    audit_signing_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 key (base64 of a 32-byte seed) that signs audit chain heads; "
        "default derived from the secret key.",
    )
    use_banner: str = Field(
        default="This system holds law-enforcement sensitive information. Use is limited to "
        "authorized persons for authorized purposes; every access is recorded and may be "
        "reviewed. Unauthorized use may lead to criminal and civil penalties.",
        description="System use notice shown at login; users acknowledge it before signing in.",
    )

    screen_rate_limit: float = Field(
        default=100.0,
        gt=0,
        description="Screening API calls a second allowed per platform key (429 beyond).",
    )
    screen_rate_burst: int = Field(
        default=200, ge=1, description="Screening API calls a platform key may make in a burst."
    )
    screen_daily_quota: int = Field(
        default=1_000_000,
        ge=1,
        description="Ads a platform may have screened per UTC day unless its own quota is set.",
    )
    screen_max_body_bytes: int = Field(
        default=2_000_000, ge=1024, description="Largest body of one screening call (413 beyond)."
    )
    screen_max_batch_bytes: int = Field(
        default=50_000_000, ge=1024, description="Largest body of a batch screening call."
    )

    crawl_operator: str = Field(
        default="unnamed Threadline operator",
        description="Who runs the crawler; named in every request's User-Agent.",
    )
    crawl_contact: str = Field(
        default="", description="How a site can reach the operator (URL or e-mail), in the UA."
    )
    crawl_obey_robots: bool = Field(
        default=True, description="Obey robots.txt; false only with crawl_robots_reason."
    )
    crawl_robots_reason: str = Field(
        default="", description="Why robots.txt is not obeyed; recorded with every crawl job."
    )
    crawl_delay: float | None = Field(
        default=None,
        ge=0.0,
        description="Seconds between requests to a site; default the mapping's.",
    )
    crawl_concurrency: int | None = Field(
        default=None, ge=1, description="Requests in flight per site; default the mapping's."
    )
    crawl_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of 5xx, 429 and failed connections (backoff)."
    )
    crawl_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a page may take before it is given up."
    )
    crawl_max_page_bytes: int = Field(
        default=10_000_000, ge=1024, description="Largest page or image fetched (larger: skipped)."
    )
    crawl_warc_dir: Path | None = Field(
        default=None, description="Folder of the WARC archive; default <data_dir>/warc."
    )

    @model_validator(mode="after")
    def _robots_reason(self) -> Settings:
        if not self.crawl_obey_robots and not self.crawl_robots_reason.strip():
            raise ValueError("crawl_obey_robots=false needs crawl_robots_reason")
        return self

    def warc_dir(self) -> Path:
        """Where crawls write their WARC files."""
        return self.crawl_warc_dir or self.data_dir / "warc"

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
