"""PostgreSQL for the chaos scenarios, never disturbing anyone else's.

* :class:`PrivateCluster` — a throw-away cluster (``initdb`` + ``pg_ctl``) in a temporary
  directory on a free port, for the scenario that stops and starts the server mid-burst:
  the shared server on 5432 serves other test runs and must never be restarted. ``initdb``
  refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
* :func:`scratch_database` — a ``chaos_<random>`` database on the shared server, dropped
  afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

SHARED = os.environ.get("CHAOS_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
"""The shared server (no database part); override with ``CHAOS_POSTGRES``."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    on_path = shutil.which("pg_ctl")
    if found:
        return Path(found[-1])
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) found")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """A PostgreSQL cluster of our own: ``start``, ``stop``, ``remove``; ``url`` to use it."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="chaos-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres", group="postgres")

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        result = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed: {(result.stderr or result.stdout)[-800:]}"
            )

    def init(self) -> PrivateCluster:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        return self.start()

    def start(self) -> PrivateCluster:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "start")  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        """``fast``: disconnect every client and shut down cleanly; ``immediate``: crash."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh ``chaos_<random>`` database on the shared server; its URL. Dropped after."""
    name = f"chaos_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SHARED}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(f"{SHARED}/postgres")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
