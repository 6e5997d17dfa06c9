"""Serving the app with uvicorn on ``backend.listen``, and stopping it gracefully.

* The socket is bound here (port 0 picks a free one), so the address in the ready line is
  the real one, and a port already in use is one clear error before anything starts.
* SIGINT and SIGTERM start a graceful stop: uvicorn stops accepting, finishes the requests
  in flight, then the app's lifespan stops the background work (the page in flight commits
  or is abandoned whole, leases are released). A second SIGINT forces the exit. Uvicorn's
  own handlers would re-raise the signal once done, turning a clean stop into exit status
  130 or a kill by SIGTERM; ours do not, so a graceful stop exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from types import FrameType

import uvicorn

from openchoreo_catalog.api import AppContext
from openchoreo_catalog.api.app import Lifespan
from openchoreo_catalog.service.assembly import Service

GRACEFUL_SHUTDOWN_SECONDS = 10


class _Server(uvicorn.Server):
    """uvicorn's server with signal handling that ends in a normal return."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, sig: int, _frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``OSError`` when that is impossible)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # noqa: S104 - formatting an address, not binding
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


async def run_server(
    service: Service,
    *,
    sock: socket.socket | None = None,
    on_ready: Callable[[str], None] | None = None,
    background: bool = True,
    lifespans: Sequence[Lifespan] = (),
    stop: asyncio.Event | None = None,
) -> None:
    """Serve ``service.app()`` until SIGINT/SIGTERM (or ``stop`` is set).

    ``on_ready(url)`` runs once the app has started; ``background=False`` leaves the
    scheduler and the event drainer to the caller (the demo runs its first cycle itself);
    ``lifespans`` run inside the app's start-up and shutdown after the service's own.
    """
    listen = service.settings.backend.listen
    sock = sock or bind(listen.host, listen.port)
    url = address(sock)

    @asynccontextmanager
    async def announce(_context: AppContext) -> AsyncIterator[None]:
        if on_ready is not None:
            on_ready(url)
        yield

    app = service.app(extra_lifespans=[*lifespans, announce], background=background)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
    )
    server = _Server(config)
    watcher = asyncio.create_task(_watch(server, stop)) if stop is not None else None
    try:
        await server.serve(sockets=[sock])
    finally:
        if watcher is not None:
            watcher.cancel()
        sock.close()


async def _watch(server: uvicorn.Server, stop: asyncio.Event) -> None:
    await stop.wait()
    server.should_exit = True
