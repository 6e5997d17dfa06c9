"""Opaque, tamper-evident keyset cursors for ``/entities/by-query``.

A cursor carries the whole query (filter, full-text term, sort), the ``totalItems`` counted
on the first page, and the sort position of the item at the page boundary. Resuming
"after (value, id)" instead of "after N rows" keeps paging stable while entities are added
and removed: each entity present throughout is returned exactly once.

The text is base64url JSON plus a 128-bit HMAC tag, so a cursor edited by hand is refused
(HTTP 400) rather than half-understood. The key is fixed: the tag proves integrity, not
secrecy — a forged cursor could only ask what the query parameters may ask anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson

from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.filters import EntityFilter
from openchoreo_catalog.catalog.queries.order import OrderField
from openchoreo_catalog.catalog.queries.selection import Selection

_KEY = b"openchoreo-catalog/cursor/v1"
_MAX_LENGTH = 64_000
VERSION = 1


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the sort order: ``phase`` 0 (has a value) / 1 (has none), value, id."""

    id: int
    value: str | None = None
    phase: int = 0

    def to_json(self) -> list[Any]:
        return [self.phase, self.value, self.id]

    @classmethod
    def from_json(cls, data: object) -> Position:
        if (
            isinstance(data, list)
            and len(data) == 3
            and data[0] in (0, 1)
            and (data[1] is None or isinstance(data[1], str))
            and isinstance(data[2], int)
            and not isinstance(data[2], bool)
        ):
            return cls(phase=data[0], value=data[1], id=data[2])
        raise QueryError("Malformed cursor")


@dataclass(frozen=True, slots=True)
class QueryCursor:
    selection: Selection
    order: OrderField | None
    total: int | None
    position: Position
    backwards: bool
    first: Position | None


def encode_cursor(cursor: QueryCursor) -> str:
    selection = cursor.selection
    payload = {
        "v": VERSION,
        "f": selection.filter.to_json() if selection.filter else None,
        "t": selection.text_term,
        "tf": list(selection.text_fields),
        "o": [cursor.order.field, cursor.order.direction] if cursor.order else None,
        "n": cursor.total,
        "p": cursor.position.to_json(),
        "b": cursor.backwards,
        "s": cursor.first.to_json() if cursor.first else None,
    }
    body = orjson.dumps(payload)
    return f"{_b64(body)}.{_b64(_tag(body))}"


def decode_cursor(text: str) -> QueryCursor:
    """The cursor encoded in ``text``; :class:`QueryError` for anything not made by us."""
    if not isinstance(text, str) or not text or len(text) > _MAX_LENGTH:
        raise QueryError("Malformed cursor")
    body_text, _, tag_text = text.partition(".")
    try:
        body = _unb64(body_text)
        tag = _unb64(tag_text)
    except (binascii.Error, ValueError):
        raise QueryError("Malformed cursor, could not be decoded") from None
    if not hmac.compare_digest(tag, _tag(body)):
        raise QueryError("Malformed cursor, it was not issued by this catalog or was altered")
    try:
        data = orjson.loads(body)
        return _from_payload(data)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        if isinstance(error, QueryError):
            raise
        raise QueryError("Malformed cursor") from None


def _from_payload(data: Any) -> QueryCursor:
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise QueryError("Malformed cursor, unknown version")
    filter_data = data["f"]
    text_term = data["t"]
    text_fields = data["tf"]
    if text_term is not None and not isinstance(text_term, str):
        raise QueryError("Malformed cursor")
    if not isinstance(text_fields, list) or not all(isinstance(f, str) for f in text_fields):
        raise QueryError("Malformed cursor")
    order_data = data["o"]
    order = None
    if order_data is not None:
        if not (
            isinstance(order_data, list)
            and len(order_data) == 2
            and isinstance(order_data[0], str)
            and order_data[1] in ("asc", "desc")
        ):
            raise QueryError("Malformed cursor")
        order = OrderField(order_data[0], order_data[1])
    total = data["n"]
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        raise QueryError("Malformed cursor")
    backwards = data["b"]
    if not isinstance(backwards, bool):
        raise QueryError("Malformed cursor")
    selection = Selection(
        EntityFilter.from_json(filter_data) if filter_data is not None else None,
        text_term,
        tuple(text_fields),
    )
    first = Position.from_json(data["s"]) if data["s"] is not None else None
    return QueryCursor(selection, order, total, Position.from_json(data["p"]), backwards, first)


def _tag(body: bytes) -> bytes:
    return hmac.new(_KEY, body, hashlib.sha256).digest()[:16]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
