"""Running the service as a user does: ``openchoreo-catalog`` commands in child processes.

* :func:`write_config` — an app-config for a simulator and a SQLite file (or any URL), with
  the static token :data:`API_TOKEN` and fast pacing for tests.
* :class:`ServeProcess` — ``serve`` in a child process: waits for its ready line, gives an
  HTTP client, stops it with a signal and returns the exit status; stdout and stderr go to
  files (never a pipe that could fill up and block the child).
* :func:`cli` — any other command, run to completion.
* :func:`wait_until` — poll with a deadline (no fixed sleeps).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from openchoreo_catalog.cli.serve_cmd import READY_PREFIX

API_TOKEN = "svc-api-TOKEN-7c1e5a9b"
"""The service's static token; recognisable, so tests can prove it never reaches a log."""
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
PROVIDER = "OpenChoreoIncrementalEntityProvider"
T = TypeVar("T")


def write_config(
    directory: Path,
    simulator_url: str,
    simulator_token: str,
    *,
    database: str | None = None,
    name: str = "app-config.yaml",
    mode: str = "incremental",
    **incremental: Any,
) -> Path:
    """An app-config file; ``incremental`` overrides ``openchoreo.incremental`` keys."""
    pacing = {
        "burstLength": 300,
        "burstInterval": 5,
        "restLength": 1,
        "batchDelayMs": 0,
        "backoff": [1],
        "chunkSize": 50,
    }
    pacing.update(incremental)
    tree = {
        "openchoreo": {
            "baseUrl": simulator_url,
            "token": simulator_token,
            "mode": mode,
            "incremental": pacing,
            "schedule": {"frequency": 5, "timeout": 60},
        },
        "backend": {
            "listen": {"host": "127.0.0.1", "port": 0},
            "database": {
                "client": "sqlite3",
                "connection": database or str(directory / "catalog.sqlite"),
            },
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": API_TOKEN, "subject": "tests"}}
                ]
            },
        },
    }
    if database and "://" in database and not database.startswith("sqlite"):
        tree["backend"]["database"]["client"] = "pg" if "postgres" in database else "mysql2"
    path = directory / name
    path.write_text(yaml.safe_dump(tree, sort_keys=False))
    return path


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "openchoreo_catalog", *args]


def cli(
    *args: str, timeout: float = 120.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``openchoreo-catalog *args`` to completion, capturing its output."""
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``openchoreo-catalog *args`` in this process (Typer's runner): the same code path
    as the console script minus the interpreter start-up, for the quick commands."""
    from typer.testing import CliRunner

    from openchoreo_catalog.cli import app, register_commands

    register_commands()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        result = CliRunner().invoke(app, list(args))
    finally:  # the command configured logging for itself: give pytest its own back
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def wait_until(
    check: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.05, what: str
) -> T:
    """Call ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last})")
        time.sleep(interval)


class ServeProcess:
    """``openchoreo-catalog serve --config …`` in a child process."""

    def __init__(
        self, config: Path, logs: Path, *, extra: Sequence[str] = (), log_level: str = "info"
    ) -> None:
        self.config = config
        self.logs = logs
        self.args = command("serve", "--config", str(config), "--log-level", log_level, *extra)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self._runs = 0

    @property
    def stdout_path(self) -> Path:
        return self.logs.with_suffix(f".{self._runs}.out")

    @property
    def stderr_path(self) -> Path:
        return self.logs.with_suffix(f".{self._runs}.err")

    def start(self, timeout: float = 60.0) -> ServeProcess:
        self._runs += 1
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                self.args, stdout=out, stderr=err, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
        line = wait_until(self._ready_line, timeout=timeout, what="the ready line of serve")
        self.url = line.split(READY_PREFIX, 1)[1].split()[0]
        return self

    def _ready_line(self) -> str | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"serve exited with {self.process.returncode}: {self.output()}")
        for line in self.stdout_path.read_text(errors="replace").splitlines():
            if line.startswith(READY_PREFIX):
                return line
        return None

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0, **options)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        """Signal the process and wait for it; return its exit status."""
        process = self.process
        assert process is not None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"serve did not stop within {timeout} s") from None
        return process.returncode

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def output(self) -> str:
        """Everything every run of this process printed (stdout then stderr)."""
        texts = []
        for run in range(1, self._runs + 1):
            for suffix in ("out", "err"):
                path = self.logs.with_suffix(f".{run}.{suffix}")
                if path.exists():
                    texts.append(path.read_text(errors="replace"))
        return "\n".join(texts)
