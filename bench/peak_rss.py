"""Peak resident memory of a process, measured so that its parent's memory is not counted.

``ru_maxrss`` (``getrusage`` or ``wait4``) is not that: Linux carries the high-water mark
across ``exec``, so a child forked from a 280 MiB benchmark runner reports at least 280 MiB
however little it uses itself (measured: a ``python -c pass`` child of a 300 MiB parent
reported 311 MiB). ``VmHWM`` in ``/proc/<pid>/status`` belongs to the address space the
process got at ``exec`` and counts only its own pages.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """``VmHWM`` of ``pid`` in MiB, or None when it cannot be read (gone, or not Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def own_peak_rss_mib() -> float:
    """This process's own peak RSS in MiB (``ru_maxrss`` only where ``/proc`` is missing)."""
    measured = peak_rss_mib()
    if measured is not None:
        return measured
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
