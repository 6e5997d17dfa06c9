"""Running the simulator: under uvicorn, in a background thread, or as a subprocess.

* :func:`serve` — the CLI's entry: blocks until interrupted.
* :class:`InProcessSimulator` — for tests: its own thread and event loop, an ephemeral port,
  started and stopped in milliseconds; ``.app`` reaches the state directly.
* :class:`SimulatorProcess` — for benchmarks and end-to-end tests: a separate process (its own
  GIL), started with the CLI and waited on until ``/ready`` answers.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

import httpx
import uvicorn

from openchoreo_catalog.simulator.admin_client import AdminClient
from openchoreo_catalog.simulator.app import SimulatorApp
from openchoreo_catalog.simulator.config import SimulatorConfig

READY_LINE = "OpenChoreo simulator listening on "


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free one), so the real port is known before serving."""
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


def _uvicorn_config(app: SimulatorApp) -> uvicorn.Config:
    loop = "uvloop"
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        loop = "asyncio"
    return uvicorn.Config(
        app,
        loop=loop,
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        timeout_keep_alive=30,
        backlog=2048,
    )


class _Server(uvicorn.Server):
    """uvicorn's server, telling us (an event, a callback) the moment it listens."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_started()


def serve(
    config: SimulatorConfig,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM). Raises ``OSError`` if the port is taken."""
    sock = bind(host, port)
    url = _url(host, sock.getsockname()[1])
    server = _Server(
        _uvicorn_config(SimulatorApp(config)),
        on_started=lambda: on_ready(url) if on_ready is not None else None,
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class InProcessSimulator:
    """A simulator on its own thread and loop; ``with InProcessSimulator(cfg) as sim: ...``."""

    def __init__(
        self, config: SimulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.app = SimulatorApp(config)
        self._sock = bind(host, port)
        self.url = _url(host, self._sock.getsockname()[1])
        self.base_url = self.url + "/api/v1"
        self.admin = AdminClient(self.url)
        self._started = threading.Event()
        self._server = _Server(_uvicorn_config(self.app), on_started=self._started.set)
        self._thread = threading.Thread(target=self._run, name="openchoreo-simulator", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as error:  # reported by start()
            self._error = error

    def start(self, timeout: float = 10.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._started.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the simulator did not start: {self._error!r}")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()
        self.admin.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class SimulatorProcess:
    """``openchoreo-catalog simulate`` in a child process; ``with SimulatorProcess(...)``."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_args: Sequence[str] = (),
        python: str = sys.executable,
    ) -> None:
        config = config or SimulatorConfig()
        self.args = [
            python,
            "-m",
            "openchoreo_catalog",
            "simulate",
            "--host",
            host,
            "--port",
            str(port),
            *config_args(config),
            *extra_args,
        ]
        self._token = config.token
        self._process: subprocess.Popen[str] | None = None
        self.url = ""
        self.base_url = ""
        self._admin: AdminClient | None = None

    @property
    def admin(self) -> AdminClient:
        if self._admin is None:
            raise RuntimeError("the simulator process is not running")
        return self._admin

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = 30.0) -> Self:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("OPENCHOREO_SIMULATOR_TOKEN", None)
        if self._token:
            env["OPENCHOREO_SIMULATOR_TOKEN"] = self._token
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        line = _read_line(self._process, timeout)
        if line is None or READY_LINE not in line:
            self.stop()
            raise RuntimeError(f"the simulator did not start: {line or 'no output'}")
        self.url = line.split(READY_LINE, 1)[1].split()[0].removesuffix("/api/v1")
        self.base_url = self.url + "/api/v1"
        self._admin = AdminClient(self.url)
        wait_ready(self.url, timeout=timeout)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def config_args(config: SimulatorConfig) -> list[str]:
    """CLI arguments that recreate ``config`` (initial faults go as ``--fault`` JSON; the
    token goes in ``OPENCHOREO_SIMULATOR_TOKEN``)."""
    import orjson

    args = [
        f"--orgs={config.orgs}",
        f"--projects={config.projects}",
        f"--components={config.components}",
        f"--seed={config.seed}",
        f"--service-fraction={config.service_fraction}",
        f"--endpoints={config.endpoints}",
        f"--traits={config.traits}",
        f"--token-ttl={config.token_ttl}",
        f"--latency-ms={config.latency_ms}",
    ]
    for fault in config.faults:
        args.append(f"--fault={orjson.dumps(fault).decode()}")
    return args  # the token travels in the environment, not on the visible command line


def _read_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The child's first stdout line, within ``timeout`` (a thread, so it cannot hang us)."""
    result: list[str] = []
    reader = threading.Thread(
        target=lambda: result.append(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(timeout)
    if result and result[0]:
        return result[0].strip()
    if process.poll() is not None and process.stderr is not None:
        return process.stderr.read().strip()[-2000:] or None
    return None


def wait_ready(url: str, *, timeout: float = 30.0) -> None:
    """Poll ``/ready`` until it answers 200 or the deadline passes."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url + "/ready").status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}/ready did not answer within {timeout:g} s")
            time.sleep(0.02)
