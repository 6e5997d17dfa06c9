"""JSON responses assembled from entity JSON text, without re-encoding the entities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse


class RawJSONResponse(Response):
    media_type = "application/json"


def json_response(content: Any, status_code: int = 200) -> Response:
    return RawJSONResponse(orjson.dumps(content), status_code=status_code)


def items_json(items: Sequence[str | None]) -> str:
    return "[" + ",".join(item if item is not None else "null" for item in items) + "]"


def streamed_array(items: AsyncIterator[str], headers: dict[str, str] | None = None) -> Response:
    async def body() -> AsyncIterator[bytes]:
        first = True
        yield b"["
        async for item in items:
            yield (item if first else "," + item).encode()
            first = False
        yield b"]"

    return StreamingResponse(body(), media_type="application/json", headers=headers)
