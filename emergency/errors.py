"""Domain errors. Services raise them; the API turns them into 4xx answers."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class RuleBroken(DomainError):
    """Input that is well formed but breaks a rule of the service."""

    status_code = 422
