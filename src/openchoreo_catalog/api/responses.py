"""JSON responses assembled from entity JSON text, without re-encoding the entities."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

logger = logging.getLogger(__name__)


class RawJSONResponse(Response):
    media_type = "application/json"


def json_response(content: Any, status_code: int = 200) -> Response:
    return RawJSONResponse(orjson.dumps(content), status_code=status_code)


def items_json(items: Sequence[str | None]) -> str:
    return "[" + ",".join(item if item is not None else "null" for item in items) + "]"


async def streamed_array(
    items: AsyncIterator[str], headers: dict[str, str] | None = None
) -> Response:
    """A JSON array streamed item by item (a whole catalog need not fit in memory).

    The first item is read before the response starts, so a query that cannot begin (the
    database is down) is an ordinary error response, not a 200 cut short. A failure later
    can only end the connection — the status line has gone — and is logged here.
    """
    first = await anext(items, None)

    async def body() -> AsyncIterator[bytes]:
        if first is None:
            yield b"[]"
            return
        yield b"[" + first.encode()
        sent = 1
        try:
            async for item in items:
                yield b"," + item.encode()
                sent += 1
        except Exception as error:
            logger.error("entity stream cut short", extra={"items_sent": sent, "error": str(error)})
            raise
        finally:  # a client gone mid-stream: give the database connection back now
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()
        yield b"]"

    return StreamingResponse(body(), media_type="application/json", headers=headers)
