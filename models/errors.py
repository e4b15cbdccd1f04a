"""Domain errors: a stable code for logs and docs, a Chinese message for the person at the desk."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose. The UI shows ``message``, never a traceback."""

    code: str = "domain.error"

    def __init__(self, message: str, *, code: str | None = None, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidInput(DomainError):
    code = "input.invalid"


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "auth.forbidden"


class AuthenticationFailed(DomainError):
    code = "auth.failed"


class AccountLocked(DomainError):
    code = "auth.locked"


class Conflict(DomainError):
    code = "conflict"


class FeeUnknown(DomainError):
    code = "fee.unknown"


class FeeNotApplicable(DomainError):
    code = "fee.not_applicable"


class PresetError(DomainError):
    """A campaign file that cannot be loaded; the message names the file, the line and the problem."""

    code = "campaign.file_invalid"


class DatabaseUnavailable(DomainError):
    """The database server went away or cannot be reached; nothing of the operation was kept
    (or, lost at commit, the message says it may have been)."""

    code = "db.unavailable"


class DatabaseBusy(DomainError):
    """SQLite stayed locked by another desk's write for longer than the desk waits."""

    code = "db.busy"
