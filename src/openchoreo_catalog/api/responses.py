"""JSON responses assembled from entity JSON text, without re-encoding the entities."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse


class RawJSONResponse(Response):
    media_type = "application/json"


def json_response(content: Any, status_code: int = 200) -> Response:
    return RawJSONResponse(orjson.dumps(content), status_code=status_code)


def items_json(items: Sequence[str | None]) -> str:
    return "[" + ",".join(item if item is not None else "null" for item in items) + "]"


async def streamed_array(
    items: AsyncGenerator[str, None], headers: dict[str, str] | None = None
) -> Response:
    """A JSON array streamed item by item (a whole catalog need not fit in memory).

    The first item is read before the response starts, so a query that cannot begin (the
    database is down) is an ordinary error response, not a 200 cut short. A failure later
    can only end the connection (the status line has gone; the server logs the error).
    """
    first = await anext(items, None)

    async def body() -> AsyncIterator[bytes]:
        if first is None:
            yield b"[]"
            return
        yield b"[" + first.encode()
        try:
            async for item in items:
                yield b"," + item.encode()
        finally:  # a client gone mid-stream: give the database connection back now
            await items.aclose()
        yield b"]"

    return StreamingResponse(body(), media_type="application/json", headers=headers)
