"""One error base with one subclass per canonical code; HTTP status is decided here and nowhere else."""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """Base of every error the API reports. `code` is stable and machine-readable."""

    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 500
    default_message: ClassVar[str] = "Internal error."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"success": False, "error": error}


class ValidationFailed(ApiError):
    code = "VALIDATION_ERROR"
    http_status = 400
    default_message = "The request is not valid."


class MalformedJson(ApiError):
    code = "MALFORMED_JSON"
    http_status = 400
    default_message = "The request body is not valid JSON."


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"
    http_status = 401
    default_message = "A valid Firebase ID token is required."


class InsufficientCredits(ApiError):
    code = "INSUFFICIENT_CREDITS"
    http_status = 402
    default_message = "Not enough credits."


class PermissionDenied(ApiError):
    code = "PERMISSION_DENIED"
    http_status = 403
    default_message = "You are not allowed to do this."


class NotFound(ApiError):
    code = "NOT_FOUND"
    http_status = 404
    default_message = "Not found."


class MethodNotAllowed(ApiError):
    code = "METHOD_NOT_ALLOWED"
    http_status = 405
    default_message = "Method not allowed on this resource."


class InvalidStateTransition(ApiError):
    code = "INVALID_STATE_TRANSITION"
    http_status = 409
    default_message = "The session cannot make that change from its current status."


class Conflict(ApiError):
    code = "CONFLICT"
    http_status = 409
    default_message = "The request conflicts with the current state."


class IdempotencyKeyReused(ApiError):
    code = "IDEMPOTENCY_KEY_REUSED"
    http_status = 422
    default_message = "This Idempotency-Key was already used for a different request."


class PayloadTooLarge(ApiError):
    code = "PAYLOAD_TOO_LARGE"
    http_status = 413
    default_message = "The request body is too large."


class RateLimited(ApiError):
    code = "RATE_LIMITED"
    http_status = 429
    default_message = "Too many requests; retry later."


class DependencyUnavailable(ApiError):
    code = "UNAVAILABLE"
    http_status = 503
    default_message = "A dependency is unavailable; retry later."
