"""Operation errors: one vocabulary for REST (status + envelope), MCP (isError) and CLI."""

from __future__ import annotations


class OperationError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field

    def to_dict(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


class InvalidInput(OperationError):
    code, status = "invalid_input", 400


class Unauthorized(OperationError):
    code, status = "unauthorized", 401


class Forbidden(OperationError):
    code, status = "forbidden", 403


class NotFound(OperationError):
    code, status = "not_found", 404


class Conflict(OperationError):
    code, status = "conflict", 409


class PayloadTooLarge(OperationError):
    code, status = "payload_too_large", 413


class UnsupportedMediaType(OperationError):
    code, status = "unsupported_media_type", 415


class Unavailable(OperationError):
    code, status = "unavailable", 503
