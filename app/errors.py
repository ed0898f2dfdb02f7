"""One error vocabulary, rendered as an HTML page or as the JSON of API.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AppError(Exception):
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __str__(self) -> str:
        return self.message


class NotFound(AppError):
    status = 404
    code = "not_found"
    title = "Not found"

    def __init__(self, message: str = "Not found.", details: Iterable[dict] = ()):
        super().__init__(message, list(details))


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    title = "Sign in required"


class PermissionDenied(AppError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class ValidationFailed(AppError):
    """Bad input: details name the field, or the row and column."""

    status = 422
    code = "validation_failed"
    title = "Please check the input"


class Conflict(AppError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "too_large"
    title = "File too large"


class UnsupportedMedia(AppError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported file"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    title = "Too many attempts"


class ServiceBusy(AppError):
    status = 503
    code = "busy"
    title = "Busy"


def field_error(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field_name, "message": message}])
