"""The lean keep-alive transport: reuse, bounds, stale connections, chunked bodies, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from openchoreo_catalog.openchoreo.keepalive import KeepAliveTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    def __init__(self) -> None:
        self.connections = 0
        self.most_open = 0
        self.open = 0

    async def start(self, reply: Callable[[int], bytes], *, close_after: bool = False) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self.open += 1
            self.most_open = max(self.most_open, self.open)
            served = 0
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    if not head:
                        break
                    await asyncio.sleep(0.001)
                    writer.write(reply(served))
                    await writer.drain()
                    served += 1
                    if close_after:
                        break
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                self.open -= 1
                writer.close()

        self.server = await asyncio.start_server(handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()


def ok(body: bytes = b'{"ok":true}') -> Callable[[int], bytes]:
    return lambda _: (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    server = Server()
    yield server
    await server.stop()


async def get(transport: KeepAliveTransport, port: int, path: str = "/x") -> httpx.Response:
    request = httpx.Request("GET", f"http://127.0.0.1:{port}{path}?a=b")
    response = await transport.handle_async_request(request)
    await response.aread()
    return response


async def test_sequential_requests_share_one_connection(server: Server) -> None:
    port = await server.start(ok())
    transport = KeepAliveTransport(max_connections=4)
    for _ in range(5):
        response = await get(transport, port)
        assert response.status_code == 200
        assert response.json() == {"ok": True}
    await transport.aclose()
    assert server.connections == 1


async def test_concurrency_is_bounded_by_max_connections(server: Server) -> None:
    port = await server.start(ok())
    transport = KeepAliveTransport(max_connections=3)
    responses = await asyncio.gather(*(get(transport, port) for _ in range(20)))
    await transport.aclose()
    assert all(r.status_code == 200 for r in responses)
    assert server.most_open <= 3


async def test_a_connection_closed_by_the_server_while_idle_is_replaced(server: Server) -> None:
    """The server closes after each answer without saying so: the next request finds the
    idle connection dead before any byte of its answer and goes out on a fresh one."""
    port = await server.start(ok(), close_after=True)
    transport = KeepAliveTransport(max_connections=1)
    for _ in range(3):
        assert (await get(transport, port)).status_code == 200
    await transport.aclose()
    assert server.connections == 3


async def test_chunked_bodies_and_connection_close(server: Server) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    port = await server.start(lambda _: chunked)
    transport = KeepAliveTransport()
    first = await get(transport, port)
    second = await get(transport, port)
    await transport.aclose()
    assert first.content == b"hello world"
    assert second.content == b"hello world"
    assert server.connections == 2


async def test_errors_map_to_httpx_types(server: Server) -> None:
    port = await server.start(lambda _: b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    transport = KeepAliveTransport()
    request = httpx.Request(
        "GET", f"http://127.0.0.1:{port}/", extensions={"timeout": {"read": 0.2}}
    )
    with pytest.raises(httpx.ReadTimeout):
        await transport.handle_async_request(request)
    await server.stop()
    with pytest.raises(httpx.ConnectError):
        await get(transport, port)
    await transport.aclose()


async def test_a_compressed_body_is_decoded_once_by_the_client() -> None:
    """The transport hands the body on raw; the client decodes it (once)."""
    import gzip

    from openchoreo_catalog.openchoreo import OpenChoreoClient

    body = gzip.compress(b'{"success": true, "data": {"name": "acme", "createdAt": "x"}}')
    server = Server()
    port = await server.start(
        lambda _: (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Encoding: gzip\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
    )
    try:
        async with OpenChoreoClient(f"http://127.0.0.1:{port}/api/v1") as client:
            assert (await client.get_org("acme")).name == "acme"
            assert (await client.get_raw("/orgs/{o}", {"o": "acme"}))["name"] == "acme"
    finally:
        await server.stop()
