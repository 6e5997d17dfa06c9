"""``bench/run.py --quick`` end to end: simulator and service processes, every section.

A smoke test of the benchmark itself (it must keep working as the service changes), into a
temporary directory so the committed RESULTS.md is never rewritten. Timings are not
asserted; request counts are (they are exact).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_the_quick_run_writes_every_section(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--backends", "sqlite", "--sizes", "small",
         "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=220,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())

    rows = results["throughput"]
    assert {(r["size"], r["provider"], r["backend"]) for r in rows} == {
        ("small", "incremental", "sqlite"),
        ("small", "full", "sqlite"),
    }
    for row in rows:
        assert row["entities"] == row["expected_entities"] > 0
        assert row["requests"] == row["minimum_requests"]  # exactly the minimum
        assert row["peak_rss_mb"] > 0
        assert row["cpu_s"] > 0
        assert row["db_bytes"] > 0

    latency = results["latency"]
    assert [(r["latency_ms"], r["concurrency"]) for r in latency] == [(100, 5), (100, 50)]
    assert all(r["cycle_s"] >= r["bound_s"] > 0 for r in latency)

    pacing = results["pacing"]
    assert len(pacing["bursts"]) >= 2
    assert pacing["requests"] > 0
    assert pacing["max_per_second_fixed"] > 0

    text = (tmp_path / "RESULTS.md").read_text()
    assert text.count("<!-- bench/run.py: begin") == 1
    assert "### Pacing" in text
    assert "cores" in text
    assert (tmp_path / "e2e-throughput.png").stat().st_size > 0
