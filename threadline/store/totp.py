"""Time-based one-time passwords (RFC 6238): secrets, enrolment URIs, replay-proof checks."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno

ISSUER = "Threadline"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # accept the neighbouring codes: clocks drift and people type slowly


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, name: str) -> str:
    """The otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no external resource)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return svg


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator shows at that moment (for tests and the demo)."""
    return pyotp.TOTP(secret).at(moment)


def accepted_step(secret: str, code: str, now: datetime, last_step: int) -> int | None:
    """The time step the code belongs to, if it is valid now and newer than the last one used.

    A code whose step is at or below `last_step` was used already (or is older than one that
    was): refusing it stops replay of an observed code.
    """
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None
