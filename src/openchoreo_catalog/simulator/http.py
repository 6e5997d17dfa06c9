"""Just enough ASGI: read a request, send a response, or drop the connection.

The simulator is raw ASGI (no framework) because it must serve a 512-item page in a few
milliseconds; everything HTTP-shaped lives here so handlers deal in dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson

Scope = dict[str, Any]
Receive = Any
Send = Any

JSON = b"application/json"


@dataclass(slots=True)
class Request:
    method: str
    path: str
    segments: list[str]
    query_string: str
    query: dict[str, str]
    headers: dict[bytes, bytes]
    receive: Receive

    @classmethod
    def from_scope(cls, scope: Scope, receive: Receive) -> Request:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw = raw_path.decode("latin-1").split("?", 1)[0]
        segments = [unquote(part) for part in raw.strip("/").split("/")] if raw.strip("/") else []
        query_string = scope.get("query_string", b"").decode("latin-1")
        query: dict[str, str] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, value)
        return cls(
            method=scope["method"],
            path=scope["path"],
            segments=segments,
            query_string=query_string,
            query=query,
            headers=dict(scope.get("headers", ())),
            receive=receive,
        )

    async def body(self) -> bytes:
        chunks = []
        while True:
            message = await self.receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    async def json(self) -> Any:
        raw = await self.body()
        return orjson.loads(raw) if raw.strip() else {}


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: bytes = JSON
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def json_response(
    status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> Response:
    return Response(status, orjson.dumps(payload), headers=headers or [])


def error_response(status: int, code: str, message: str) -> Response:
    return json_response(status, {"success": False, "error": message, "code": code})


async def send_response(send: Send, response: Response) -> None:
    headers = [
        (b"content-type", response.content_type),
        (b"content-length", str(len(response.body)).encode()),
        *response.headers,
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def drop_connection(send: Send) -> bool:
    """Close the socket without a response, as a crashing proxy would.

    ASGI has no word for this, so it reaches uvicorn's protocol object through ``send``;
    returns ``False`` when that is not possible (another server), and the caller answers 502.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None or not hasattr(cycle, "disconnected"):
        return False
    cycle.disconnected = True  # uvicorn then neither answers 500 nor logs the app's silence
    transport.close()
    return True
