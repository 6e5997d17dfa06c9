"""Errors the simulator answers with, in the real server's envelope and codes."""

from __future__ import annotations

EXPIRED_MESSAGE = "Continue token has expired. Please restart listing from the beginning."


class SimError(Exception):
    """Becomes ``{"success": false, "error": message, "code": code}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"{status} {code}: {message}")


def not_found(code: str, message: str) -> SimError:
    return SimError(404, code, message)


def invalid_input(message: str) -> SimError:
    return SimError(400, "INVALID_INPUT", message)


def invalid_token() -> SimError:
    return SimError(400, "INVALID_CONTINUE_TOKEN", "Invalid continue token provided")


def expired_token() -> SimError:
    return SimError(410, "CONTINUE_TOKEN_EXPIRED", EXPIRED_MESSAGE)
