"""The service under test as a separate process, and the databases it writes to.

Used by ``bench/run.py``. The service runs as the ``openchoreo-catalog`` CLI (``python -m
openchoreo_catalog``) in a child process of its own, so its peak RSS and CPU time are its
own: CPU time from ``wait4``'s resource usage when the child exits, peak RSS from the child's
``VmHWM`` read while it runs (``wait4``'s ``ru_maxrss`` would count this runner's memory
too: see ``bench/peak_rss.py``). Output goes to files, never pipes, so a chatty child cannot
block on a full pipe while we wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from peak_rss import peak_rss_mib

TOKEN = "bench-token-0123456789"
ADMIN_TOKEN = "bench-admin-token-0123456789"
PAGE_SIZE = 512
READY_PREFIX = "openchoreo-catalog serving on "
POLL = 0.05
TICK = 60.0


class BenchError(RuntimeError):
    """A benchmark step failed; the message says which and why."""


# -- databases ----------------------------------------------------------------------------


@dataclass
class SqliteDatabase:
    """A fresh SQLite file in the run's scratch directory."""

    path: Path
    name: str = "sqlite"

    def connection(self) -> dict[str, Any]:
        return {"client": "better-sqlite3", "connection": str(self.path)}

    def size_bytes(self) -> int:
        """The file plus its WAL and shared-memory files (what the disk holds)."""
        return sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )

    def drop(self) -> None:
        for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            p.unlink(missing_ok=True)


@dataclass
class PostgresDatabase:
    """A database of our own on the server (``bench_e2e_<random>``), dropped afterwards.

    Never touches any other database: the name is random and created here.
    """

    server: str
    database: str = field(default_factory=lambda: f"bench_e2e_{secrets.token_hex(4)}")
    name: str = "postgresql"

    def url(self, database: str | None = None) -> str:
        return f"{self.server.rstrip('/')}/{database or self.database}"

    def create(self) -> PostgresDatabase:
        _admin_sql(self.url("postgres"), f'CREATE DATABASE "{self.database}"')
        return self

    def connection(self) -> dict[str, Any]:
        return {"client": "pg", "connection": self.url()}

    def size_bytes(self) -> int:
        return int(_admin_sql(self.url("postgres"), "SELECT pg_database_size($1)", self.database))

    def drop(self) -> None:
        _admin_sql(self.url("postgres"), f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _admin_sql(url: str, sql: str, *args: Any) -> Any:
    """Run one statement on the server's maintenance database; returns the first value."""
    import asyncpg

    async def run() -> Any:
        try:
            conn = await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError) as error:
            raise BenchError(f"cannot reach PostgreSQL at {url}: {error}") from error
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def postgres_available(server: str) -> str | None:
    """None when PostgreSQL answers at ``server``, otherwise why not."""
    try:
        _admin_sql(f"{server.rstrip('/')}/postgres", "SELECT 1")
    except BenchError as error:
        return str(error)
    return None


# -- configuration ------------------------------------------------------------------------


def write_config(
    path: Path,
    *,
    base_url: str,
    database: SqliteDatabase | PostgresDatabase,
    mode: str = "incremental",
    incremental: dict[str, Any] | None = None,
) -> Path:
    """An app-config YAML for one run (``port: 0``: the service picks a free port)."""
    config = {
        "openchoreo": {
            "baseUrl": base_url,
            "token": TOKEN,
            "mode": mode,
            "incremental": {"chunkSize": PAGE_SIZE, **(incremental or {})},
            "schedule": {"frequency": 86_400, "timeout": 86_400},
        },
        "backend": {
            "listen": {"host": "127.0.0.1", "port": 0},
            "database": database.connection(),
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": ADMIN_TOKEN, "subject": "bench"}}
                ]
            },
        },
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


# -- processes ----------------------------------------------------------------------------


@dataclass
class Finished:
    """How a child process ended and what it cost."""

    returncode: int
    wall: float
    cpu: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def cli(*args: str) -> list[str]:
    """The ``openchoreo-catalog`` command line, with this interpreter."""
    return [sys.executable, "-m", "openchoreo_catalog", *args]


class Child:
    """A child process whose output goes to files and whose rusage we collect ourselves."""

    def __init__(self, args: list[str], scratch: Path, label: str) -> None:
        self.label = label
        self.out_path = scratch / f"{label}.out"
        self.err_path = scratch / f"{label}.err"
        self._out = self.out_path.open("w")
        self._err = self.err_path.open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(args, stdout=self._out, stderr=self._err, env=env)

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def wait(self, timeout: float, on_tick: Callable[[str], None] | None = None) -> Finished:
        """Reap the child with ``wait4`` (its own rusage), polling until ``timeout``; every
        minute ``on_tick`` gets the child's latest progress (long runs say how far they are)."""
        deadline = time.monotonic() + timeout
        tick = time.monotonic() + TICK
        peak = 0.0
        while True:
            peak = max(peak, peak_rss_mib(self.process.pid) or 0.0)
            if on_tick is not None and time.monotonic() > tick:
                tick += TICK
                on_tick(self.progress())
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.process.kill()
                pid, status, usage = os.wait4(self.process.pid, 0)
                self._close()
                raise BenchError(
                    f"{self.label} did not finish within {timeout:.0f} s; last output:\n"
                    + self.stderr()[-3000:]
                )
            time.sleep(POLL)
        wall = time.perf_counter() - self.started
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self._close()
        return Finished(
            returncode=self.process.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=peak,
            stdout=self.stdout(),
            stderr=self.stderr(),
        )

    def progress(self) -> str:
        """The figures of the child's last ``ingest progress`` log line, if any."""
        for line in reversed(self.stderr().splitlines()):
            if '"ingest progress"' in line:
                with contextlib.suppress(json.JSONDecodeError):
                    record = json.loads(line)
                    return (
                        f"{record.get('entities', 0):,} entities, "
                        f"{record.get('entities_per_second', 0):,.0f}/s"
                    )
        return "starting"

    def stop(self, timeout: float = 60.0) -> Finished:
        """SIGTERM (graceful: the page in flight commits), then reap."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def _close(self) -> None:
        self._out.close()
        self._err.close()


# -- one-shot cycles ----------------------------------------------------------------------

INCREMENTAL_SUMMARY = re.compile(
    r"completed in (?P<seconds>[\d.]+) s — (?P<entities>[\d,]+) entities in (?P<pages>[\d,]+) pages"
)
FULL_SUMMARY = re.compile(
    r": (?P<entities>[\d,]+) entities in (?P<seconds>[\d.]+) s \((?P<requests>[\d,]+) requests[;)]"
)


def ingest_once(config: Path, scratch: Path, label: str, timeout: float) -> dict[str, Any]:
    """``openchoreo-catalog ingest --once``: one complete cycle, then exit. Returns the
    cycle's own time and entities (from the summary line) and the process's costs."""
    child = Child(
        cli("ingest", "--once", "--config", str(config), "--log-format", "json"), scratch, label
    )
    done = child.wait(
        timeout, on_tick=lambda figures: print(f"    … {label}: {figures}", flush=True)
    )
    if done.returncode != 0:
        raise BenchError(f"{label}: ingest --once exited {done.returncode}:\n{done.stderr[-3000:]}")
    full = FULL_SUMMARY.search(done.stdout)
    found = INCREMENTAL_SUMMARY.search(done.stdout) or full
    if found is None:
        raise BenchError(f"{label}: no summary line in the output:\n{done.stdout[-2000:]}")
    return {
        "cycle_s": float(found["seconds"]),
        "entities": int(found["entities"].replace(",", "")),
        "process_wall_s": done.wall,
        "cpu_s": done.cpu,
        "peak_rss_mb": done.peak_rss_mb,
        "degraded": "degraded" in done.stdout,
        # before ``ingest --once`` timed the whole full-sync run, its summary timed the read
        "cli_read_only": bool(full) and "reading the API took" not in done.stdout,
    }


# -- the service, serving -----------------------------------------------------------------


class Serving:
    """``openchoreo-catalog serve`` until :meth:`stop`; ``url`` once it is ready."""

    def __init__(self, config: Path, scratch: Path, label: str) -> None:
        self.child = Child(
            cli("serve", "--config", str(config), "--log-format", "json"), scratch, label
        )
        self.url = ""
        self.provider = ""
        self.http = httpx.Client(timeout=30)

    def wait_ready(self, timeout: float = 60.0) -> Serving:
        """Poll the stdout file for the ready line (the service answers from then on)."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.child.stdout().splitlines():
                if line.startswith(READY_PREFIX):
                    self.url = line[len(READY_PREFIX) :].split()[0]
                    self.provider = line.split("(provider ", 1)[1].split(",", 1)[0]
                    return self
            if self.child.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(
                    f"serve did not become ready within {timeout:.0f} s:\n"
                    + self.child.stderr()[-3000:]
                )
            time.sleep(POLL)

    def management(self, path: str) -> Any:
        """GET a management route of the provider; the envelope's ``data``."""
        url = f"{self.url}/api/catalog/incremental/providers/{self.provider}{path}"
        response = self.http.get(url)
        body = response.json()
        if response.status_code != 200 or not body.get("success"):
            raise BenchError(f"GET {url}: HTTP {response.status_code} {response.text[:500]}")
        return body["data"]

    def stop(self) -> Finished:
        self.http.close()
        return self.child.stop()


def burst_log_lines(stderr: str) -> list[dict[str, Any]]:
    """The service's ``burst ended`` log lines (JSON log format)."""
    found = []
    for line in stderr.splitlines():
        if '"burst ended"' not in line:
            continue
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return found
