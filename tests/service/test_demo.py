"""``make demo`` reaches a ready service with a populated catalog, and Ctrl-C stops it with
nothing left running (the simulator child included)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import psutil
import pytest

from openchoreo_catalog.cli.demo_cmd import READY_PREFIX
from tests.service.harness import PROVIDER, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_make_demo_is_ready_with_a_populated_catalog_and_stops_cleanly(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    out = tmp_path / "demo.out"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [make, "-s", "demo", "DEMO_ARGS=--headless --port 0"],
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        line = wait_until(
            lambda: next((x for x in out.read_text().splitlines() if x.startswith(READY_PREFIX)),
                         None),
            timeout=60,
            interval=0.2,
            what="the demo to be ready",
        )  # fmt: skip
        url = line.removeprefix(READY_PREFIX).strip()
        with httpx.Client(base_url=url, timeout=30) as client:
            page = client.get("/api/catalog/entities/by-query", params={"limit": 5}).json()
            assert page["totalItems"] > 2_000, "a few thousand entities"
            detail = client.get(f"/api/catalog/incremental/providers/{PROVIDER}").json()["data"]
            assert detail["entitiesActive"] == page["totalItems"]
            assert detail["current"]["nextAction"] == "rest"
            assert client.get("/metrics").status_code == 200
            ui = client.get("/").status_code == 200
            assert (
                client.post(f"/api/catalog/incremental/providers/{PROVIDER}/trigger").status_code
                == 401
            )
        family = psutil.Process(process.pid).children(recursive=True)
        demo = [p for p in family if "demo" in " ".join(p.cmdline())]
        assert len(family) == 2, "the demo and its simulator, under make"
        demo[0].send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(60) == 0
        _gone, alive = psutil.wait_procs(family, timeout=10)
        assert alive == []
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/.backstage/health/v1/liveness")
        text = out.read_text()
        assert "simulator stopped" in text
        assert ("  web UI " in text) == ui, "the banner names the UI exactly when it is served"
        assert "Traceback" not in text
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
