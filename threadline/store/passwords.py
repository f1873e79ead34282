"""Password hashing (argon2id, or PBKDF2-SHA256 in FIPS mode) and the password policy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
PBKDF2_ITERATIONS = 600_000
PBKDF2_PREFIX = "pbkdf2-sha256"
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common_passwords.txt"

_ARGON2 = PasswordHasher()  # argon2id with RFC 9106's second recommended parameters
_EDGE_CHARS = "0123456789!@#$%^&*()_-+=.,;:?~ "


class PasswordHasherPolicy:
    """Hashes new passwords with the configured scheme; verifies either scheme."""

    def __init__(self, fips: bool = False, argon2: PasswordHasher = _ARGON2) -> None:
        self.fips = fips
        self.argon2 = argon2  # tests pass cheaper parameters; production keeps the default
        self._dummy = ""

    def hash(self, password: str) -> str:
        """An encoded hash of the password under the configured scheme."""
        return _pbkdf2_hash(password) if self.fips else self.argon2.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        """True when the password matches; any malformed hash is simply a mismatch."""
        if encoded.startswith(PBKDF2_PREFIX + "$"):
            return _pbkdf2_verify(encoded, password)
        try:
            return self.argon2.verify(encoded, password)
        except (VerificationError, InvalidHashError, ValueError):  # UnicodeError is a ValueError
            return False

    def needs_rehash(self, encoded: str) -> bool:
        """True when the hash is of the other scheme or of weaker parameters."""
        if encoded.startswith(PBKDF2_PREFIX + "$"):
            return not self.fips or _pbkdf2_iterations(encoded) < PBKDF2_ITERATIONS
        try:
            return self.fips or self.argon2.check_needs_rehash(encoded)
        except InvalidHashError:
            return True

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification, so unknown names take as long as known ones."""
        if not self._dummy:
            self._dummy = self.hash(secrets.token_hex(16))
        self.verify(self._dummy, password)


def password_problems(password: str, name: str = "") -> list[str]:
    """Why a new password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    if is_common(password):
        problems.append("is a commonly used password")
    if name and name.casefold() in password.casefold():
        problems.append("must not contain the account name")
    if len(set(password)) < 4:
        problems.append("must use more than three different characters")
    return problems


def is_common(password: str) -> bool:
    """True when the password, or its core without leading and trailing digits and symbols,
    is on the shipped list of common passwords."""
    words = common_passwords()
    lowered = password.casefold()
    core = lowered.strip(_EDGE_CHARS)
    return lowered in words or (len(core) >= 4 and core in words)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def one_time_password() -> str:
    """A random password for first login, to be replaced at once (about 96 bits)."""
    return secrets.token_urlsafe(16)


def _pbkdf2_hash(password: str, iterations: int = PBKDF2_ITERATIONS) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{PBKDF2_PREFIX}${iterations}${_b64(salt)}${_b64(digest)}"


def _pbkdf2_verify(encoded: str, password: str) -> bool:
    parts = encoded.split("$")
    if len(parts) != 4 or not parts[1].isdecimal() or not 1 <= int(parts[1]) <= 10_000_000:
        return False
    try:
        salt, expected = _unb64(parts[2]), _unb64(parts[3])
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, int(parts[1]))
    return hmac.compare_digest(digest, expected)


def _pbkdf2_iterations(encoded: str) -> int:
    parts = encoded.split("$")
    return int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
