"""Structured logging: one line per event, as text or JSON, with secrets masked.

Code logs a short message plus context as ``extra`` fields::

    logger.info("burst complete", extra={"provider": name, "ingestion": id, "pages": 3})

Text lines read ``<time> <LEVEL> <logger>: <message> key=value ...``; JSON lines carry the same
fields as keys. Every line passes through :class:`SecretMasker`, which replaces the configured
secret values (tokens, passwords) and anything shaped like a bearer token or URL credentials,
so a secret cannot reach a log even through an exception message.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterable
from typing import Any, Literal, TextIO

import orjson

LogFormat = Literal["text", "json"]
LEVELS = ("debug", "info", "warning", "error")

_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName", "color_message"}

_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_URL_CREDENTIALS = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@/\s]+@")


class SecretMasker:
    """Replaces known secret values and secret-shaped text with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4 and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "***")
        text = _BEARER.sub(r"\1***", text)
        return _URL_CREDENTIALS.sub(r"\1***@", text)


def _context(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS and not k.startswith("_")
    }


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    def __init__(self, masker: SecretMasker, *, show_tracebacks: bool) -> None:
        super().__init__()
        self._mask = masker
        self._tracebacks = show_tracebacks

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={_text_value(v)}" for k, v in _context(record).items())
        line = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if fields:
            line = f"{line} {fields}"
        if record.exc_info and record.exc_info[1] is not None:
            if self._tracebacks:
                line = f"{line}\n{self.formatException(record.exc_info)}"
            else:
                line = f"{line} error={_text_value(_describe(record.exc_info[1]))}"
        return self._mask(line)


class JsonFormatter(logging.Formatter):
    def __init__(self, masker: SecretMasker, *, show_tracebacks: bool) -> None:
        super().__init__()
        self._mask = masker
        self._tracebacks = show_tracebacks

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_context(record),
        }
        if record.exc_info and record.exc_info[1] is not None:
            document["error"] = _describe(record.exc_info[1])
            if self._tracebacks:
                document["traceback"] = self.formatException(record.exc_info)
        line = orjson.dumps(document, default=str).decode()
        return self._mask(line)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _text_value(value: object) -> str:
    text = str(value)
    if not text or any(ch.isspace() for ch in text) or '"' in text or "=" in text:
        return orjson.dumps(text).decode()
    return text


def configure_logging(
    level: str = "info",
    fmt: LogFormat = "text",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> SecretMasker:
    """Route all logging to ``stream`` (stderr) in ``fmt``; returns the masker to add secrets."""
    masker = SecretMasker(secrets)
    debug = level.lower() == "debug"
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter(masker, show_tracebacks=debug)
    else:
        formatter = TextFormatter(masker, show_tracebacks=debug)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "aiosqlite", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    logging.getLogger("uvicorn.access").setLevel(max(logging.WARNING, root.level))
    return masker
