"""A lean HTTP/1.1 keep-alive transport for httpx, for the providers' many small GETs.

A cycle over a large platform makes tens of thousands of requests (one detail GET per
service component). httpcore's general-purpose pool costs over a millisecond of CPU per
request here, and grows with the number of connections (its request-to-connection
assignment scans every connection and waiting request); the simulator answers in a quarter
of that. This transport does only what the client needs — GET and friends over HTTP/1.1 on
a bounded set of persistent connections, bodies read whole with ``httptools``' parser — and
plugs in beneath the retrying transport like any httpx transport, so retries, the rate
limit and the counters are unchanged.

Failures map to httpx's exception types (``ConnectError``, ``ReadError``, ``ReadTimeout``,
``RemoteProtocolError``…), which the retry policy already knows. A request that fails on a
reused idle connection before any byte of its answer arrived is sent once more on a fresh
connection: the server may have closed the idle connection just as we picked it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque

import httptools
import httpx

_DEFAULT_TIMEOUT = 30.0


class _Answer:
    """Collects one response from ``httptools.HttpResponseParser`` callbacks."""

    __slots__ = ("body", "complete", "headers", "status")

    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


class _Connection:
    __slots__ = ("reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class _Fresh(Exception):
    """Nothing of the answer arrived on a reused connection: safe to send again."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class KeepAliveTransport(httpx.AsyncBaseTransport):
    """At most ``max_connections`` persistent connections per origin, reused LIFO."""

    def __init__(self, *, max_connections: int = 10, verify: ssl.SSLContext | bool = True) -> None:
        self._max = max(1, max_connections)
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._slots: dict[tuple[str, str, int], asyncio.Semaphore] = {}
        self._ssl: ssl.SSLContext | None = None
        if isinstance(verify, ssl.SSLContext):
            self._ssl = verify
        elif verify:
            self._ssl = ssl.create_default_context()
        else:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            self._ssl = context
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        port = url.port or (443 if scheme == "https" else 80)
        origin = (scheme, url.host, port)
        slots = self._slots.get(origin)
        if slots is None:
            slots = self._slots[origin] = asyncio.Semaphore(self._max)
        timeouts = request.extensions.get("timeout") or {}
        read_timeout = timeouts.get("read", _DEFAULT_TIMEOUT)
        connect_timeout = timeouts.get("connect", _DEFAULT_TIMEOUT)
        payload = self._serialize(request)
        async with slots:
            for _ in range(2):
                connection = await self._connection(origin, connect_timeout)
                try:
                    response, keep = await self._exchange(connection, payload, read_timeout)
                except _Fresh as fresh:
                    connection.close()
                    if not connection.reused:
                        raise fresh.error from None
                    continue
                except BaseException:
                    connection.close()
                    raise
                if keep and not self._closed:
                    connection.reused = True
                    self._idle.setdefault(origin, deque()).append(connection)
                else:
                    connection.close()
                response.request = request
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _connection(self, origin: tuple[str, str, int], timeout: float | None) -> _Connection:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.reader.at_eof() and not connection.writer.is_closing():
                return connection
            connection.close()
        scheme, host, port = origin
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=self._ssl if scheme == "https" else None,
                    limit=2**20,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"connecting to {host}:{port} timed out") from None
        except OSError as error:
            raise httpx.ConnectError(f"cannot connect to {host}:{port}: {error}") from None
        return _Connection(reader, writer)

    @staticmethod
    def _serialize(request: httpx.Request) -> bytes:
        url = request.url
        target = url.raw_path  # path and query, already percent-encoded
        lines = [request.method.encode("ascii") + b" " + target + b" HTTP/1.1"]
        for name, value in request.headers.raw:
            lines.append(name + b": " + value)
        body = request.content  # httpx has set Content-Length when there is a body
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    async def _exchange(
        self, connection: _Connection, payload: bytes, timeout: float | None
    ) -> tuple[httpx.Response, bool]:
        answer = _Answer()
        parser = httptools.HttpResponseParser(answer)
        received = False
        try:
            async with asyncio.timeout(timeout):
                connection.writer.write(payload)
                await connection.writer.drain()
                while not answer.complete:
                    chunk = await connection.reader.read(2**18)
                    if not chunk:
                        if not received:
                            raise _Fresh(httpx.RemoteProtocolError("server closed the connection"))
                        parser.feed_data(b"")  # lets a close-delimited body complete
                        if not answer.complete:
                            raise httpx.RemoteProtocolError("connection closed mid-response")
                        break
                    received = True
                    parser.feed_data(chunk)
        except TimeoutError:
            raise httpx.ReadTimeout("the server did not answer in time") from None
        except httptools.HttpParserError as error:
            raise httpx.RemoteProtocolError(f"malformed response: {error}") from None
        except (ConnectionError, OSError) as error:
            if not received:
                raise _Fresh(httpx.ReadError(f"connection failed: {error}")) from None
            raise httpx.ReadError(f"connection failed mid-response: {error}") from None
        keep = parser.get_http_version() == "1.1" and not any(
            name.lower() == b"connection" and b"close" in value.lower()
            for name, value in answer.headers
        )
        # The body as it came off the wire (still compressed, if it was): a stream, so the
        # layer above reads it raw and decodes it once.
        response = httpx.Response(
            parser.get_status_code(),
            headers=answer.headers,
            stream=httpx.ByteStream(b"".join(answer.body)),
            extensions={"http_version": b"HTTP/1.1"},
        )
        return response, keep

    async def aclose(self) -> None:
        self._closed = True
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        self._idle.clear()
