"""What every chaos scenario runs on: the service and the simulator as child processes.

The service is driven the way an operator drives it — ``openchoreo-catalog serve`` with an
app-config file, the management API with a bearer token — so a scenario exercises the real
start-up, scheduler and shutdown paths. Output goes to files (a pipe could fill and block
the child). Waiting is always polling with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from openchoreo_catalog.cli.serve_cmd import READY_PREFIX
from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess

API_TOKEN = "chaos-admin-token-5f3a9c"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
SIM_TOKEN = "chaos-simulator-token-81d2"
PROVIDER = "OpenChoreoIncrementalEntityProvider"
T = TypeVar("T")


class ScenarioError(AssertionError):
    """A scenario's expectation failed; the message says which and with what figures."""


def wait_until(
    check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.1
) -> T:
    """Call ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise ScenarioError(f"timed out after {timeout:g} s waiting for {what} (last: {last})")
        time.sleep(interval)


def simulator(**config: Any) -> SimulatorProcess:
    """A started simulator in its own process, with our token and long-lived tokens."""
    config.setdefault("token_ttl", 3600)
    return SimulatorProcess(SimulatorConfig(token=SIM_TOKEN, **config)).start()


def write_config(path: Path, simulator_url: str, database: str, **incremental: Any) -> Path:
    """An app-config: ``database`` is a SQLite file path or a ``postgresql://`` URL;
    ``incremental`` overrides the fast pacing below (``openchoreo.incremental`` keys)."""
    pacing: dict[str, Any] = {
        "burstLength": 300,
        "burstInterval": 5,
        "restLength": 1,
        "batchDelayMs": 0,
        "backoff": [1],
        "chunkSize": 200,
    }
    pacing.update(incremental)
    client = "pg" if database.startswith("postgresql://") else "sqlite3"
    tree = {
        "openchoreo": {
            "baseUrl": simulator_url + "/api/v1",
            "token": SIM_TOKEN,
            "incremental": pacing,
        },
        "backend": {
            "listen": {"host": "127.0.0.1", "port": 0},
            "database": {"client": client, "connection": database},
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": API_TOKEN, "subject": "chaos"}}
                ]
            },
        },
    }
    path.write_text(yaml.safe_dump(tree, sort_keys=False))
    return path


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "openchoreo_catalog", *args]


class Service:
    """``openchoreo-catalog serve`` in a child process, restartable; logs per run in files."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.runs = 0

    def _path(self, run: int, suffix: str) -> Path:
        return self.logs.parent / f"{self.logs.name}.{run}.{suffix}"

    def start(self, timeout: float = 90.0) -> Service:
        """Spawn and wait for the ready line."""
        return self.spawn().wait_ready(timeout)

    def spawn(self) -> Service:
        """Start the process without waiting for it to be ready."""
        self.runs += 1
        self.url = ""
        args = command("serve", "--config", str(self.config), "--log-format", "json")
        out_path, err_path = self._path(self.runs, "out"), self._path(self.runs, "err")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            self.process = subprocess.Popen(
                args, stdout=out, stderr=err, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
        return self

    def wait_ready(self, timeout: float = 90.0) -> Service:
        line = wait_until(self._ready, timeout=timeout, what="the service's ready line")
        self.url = line.split(READY_PREFIX, 1)[1].split()[0]
        return self

    def _ready(self) -> str | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise ScenarioError(
                f"serve exited with {self.process.returncode}: {self.tail(self.runs)}"
            )
        for line in self._path(self.runs, "out").read_text(errors="replace").splitlines():
            if line.startswith(READY_PREFIX):
                return line
        return None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs at all."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait (SIGKILL after ``timeout``); the exit status. With ``CHAOS_LOGS``
        set to a directory, the logs of every run are kept there for a post-mortem."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        keep = os.environ.get("CHAOS_LOGS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for path in self.logs.parent.glob(f"{self.logs.name}.*"):
                shutil.copy(path, Path(keep) / f"{self.logs.parent.name}-{path.name}")
        return process.returncode

    def tail(self, run: int, chars: int = 1500) -> str:
        path = self._path(run, "err")
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def log_text(self) -> str:
        """stderr of every run so far (the JSON log lines)."""
        return "\n".join(
            self._path(run, "err").read_text(errors="replace")
            for run in range(1, self.runs + 1)
            if self._path(run, "err").exists()
        )

    # -- the management API --------------------------------------------------------------

    def _call(self, method: str, path: str) -> Any:
        url = f"{self.url}/api/catalog/incremental/providers/{PROVIDER}{path}"
        response = httpx.request(method, url, headers=AUTH, timeout=30.0)
        response.raise_for_status()
        return response.json()["data"]

    def detail(self) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", "")
        return data

    def start_cycle(self) -> None:
        """``POST …/start``: end the rest now (or restart the cycle)."""
        self._call("POST", "/start")

    def metrics(self) -> str:
        response = httpx.get(f"{self.url}/metrics", timeout=30.0)
        response.raise_for_status()
        return response.text


def resting_after(service: Service, previous: str | None) -> dict[str, Any] | None:
    """The provider's detail once a cycle other than ``previous`` has completed (rests)."""
    detail = service.detail()
    current = detail.get("current") or {}
    if current.get("nextAction") == "rest" and current.get("id") != previous:
        return detail
    return None


def ingest_once(config: Path, timeout: float = 600.0) -> subprocess.CompletedProcess[str]:
    """``openchoreo-catalog ingest --once``: one complete cycle, back to back."""
    result = subprocess.run(
        command("ingest", "--once", "--config", str(config)),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise ScenarioError(f"ingest --once exited {result.returncode}: {result.stderr[-1500:]}")
    return result


def minutes(seconds: float) -> str:
    """``3m12s`` / ``48s``: scenario durations as the summary prints them."""
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"
