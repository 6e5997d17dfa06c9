"""Continue tokens: opaque to clients, a snapshot position to the simulator.

A token is base64url (no padding) JSON, like the Kubernetes API server's, holding the
snapshot's resource version, the last name served, when the snapshot was taken, the expiry
generation it belongs to, which listing it belongs to, and the page number (so a lossless
empty page still gets a fresh token). Anything that does not decode to exactly that is
"malformed" (400); a token past its time or generation is "expired" (410).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass

import orjson

from openchoreo_catalog.simulator.errors import SimError, expired_token, invalid_token

VERSION = 1


@dataclass(frozen=True, slots=True)
class Position:
    rv: int
    after: str
    """The last name served; the next page starts after it."""
    taken: float
    """Wall-clock seconds when the listing's first page was served."""
    generation: int
    listing: int
    page: int


def listing_key(path: str) -> int:
    return zlib.crc32(path.encode())


def encode(position: Position) -> str:
    payload = {
        "v": VERSION,
        "rv": position.rv,
        "start": position.after,
        "t": round(position.taken, 3),
        "g": position.generation,
        "l": position.listing,
        "n": position.page,
    }
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


def decode(token: str, *, path: str) -> Position:
    """The position in ``token``, or :class:`SimError` 400 if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = orjson.loads(raw)
        position = Position(
            rv=payload["rv"],
            after=payload["start"],
            taken=float(payload["t"]),
            generation=payload["g"],
            listing=payload["l"],
            page=payload["n"],
        )
    except (binascii.Error, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise invalid_token() from None
    valid = (
        payload.get("v") == VERSION
        and all(isinstance(v, int) for v in (position.rv, position.generation, position.page))
        and isinstance(position.after, str)
        and position.rv > 0
        and position.listing == listing_key(path)
    )
    if not valid:
        raise invalid_token()
    return position


def check_fresh(position: Position, *, now: float, ttl: float, generation: int) -> None:
    """Raise the 410 if the snapshot behind ``position`` is gone."""
    if position.generation < generation or now - position.taken > ttl:
        raise expired_token()


__all__ = ["Position", "SimError", "check_fresh", "decode", "encode", "listing_key"]
