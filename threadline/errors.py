"""Errors that carry a message for a person and an HTTP-style status."""

from __future__ import annotations


class ThreadlineError(Exception):
    """A failure we expected and can explain in one line."""

    status: int = 500

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status


class InputError(ThreadlineError):
    """Input that cannot be read: a missing file, a malformed record."""

    status = 400


class NotFoundError(ThreadlineError):
    """Something asked for by name or id does not exist."""

    status = 404


class ConfigError(ThreadlineError):
    """A setting that cannot work: an unreadable database URL, a bad key."""

    status = 500


class StorageError(ThreadlineError):
    """The database or blob store refused or failed an operation."""

    status = 503
