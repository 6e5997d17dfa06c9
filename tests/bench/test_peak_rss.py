"""``bench/peak_rss.py``: a child's peak RSS is its own, not its parent's at fork time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from peak_rss import own_peak_rss_mib, peak_rss_mib

PARENT_MIB = 200


def test_a_small_child_of_a_large_parent_reports_its_own_peak() -> None:
    ballast = bytearray(PARENT_MIB * 2**20)
    for offset in range(0, len(ballast), 4096):  # touch every page: resident, not reserved
        ballast[offset] = 1
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        own = peak_rss_mib(child.pid)  # Popen returns once the child has exec'd
    finally:
        assert child.stdin is not None
        child.stdin.close()
        _, _, usage = os.wait4(child.pid, 0)
    assert own is not None
    assert own < PARENT_MIB / 2
    # what wait4 says instead, and why this module exists
    assert usage.ru_maxrss / 1024 >= PARENT_MIB
    assert own_peak_rss_mib() >= PARENT_MIB
    del ballast


def test_a_process_that_is_gone_has_no_reading() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert peak_rss_mib(child.pid) is None
