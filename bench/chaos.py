"""``make chaos``: the service survives what production does to it, and the catalog ends
exactly the source every time.

Each scenario runs the service (``openchoreo-catalog serve``) and the OpenChoreo simulator
as separate processes, does its damage, then compares the catalog with the simulator's
ground truth entity by entity, and prints one line::

    kill -9: PASS — 30 kills, 150,531 entities exact, 0 pages applied twice, 3m12s

Usage (from the repository root, after ``make venv services``)::

    .venv/bin/python bench/chaos.py                 # every scenario (≤ 15 minutes)
    .venv/bin/python bench/chaos.py --only churn    # one scenario (a unique prefix will do)
    .venv/bin/python bench/chaos.py --list

Exit status: 0 when every scenario passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable

import chaos_churn
import chaos_dbdown
import chaos_faults
import chaos_hostile
import chaos_kill
import chaos_outage
import chaos_replicas
from chaos_env import minutes

Scenario = Callable[[], tuple[bool, str]]
"""Runs one scenario; returns (passed, the figures for its summary line)."""

SCENARIOS: list[tuple[str, Scenario]] = [
    ("kill -9", chaos_kill.run),
    ("api faults", chaos_faults.run),
    ("churn", chaos_churn.run),
    ("source outage", chaos_outage.run),
    ("database outage", chaos_dbdown.run),
    ("replicas", chaos_replicas.run),
    ("hostile input", chaos_hostile.run_hostile),
]


def _run(name: str, scenario: Scenario) -> bool:
    began = time.monotonic()
    try:
        passed, figures = scenario()
    except Exception as error:  # a scenario that blew up failed; say why and carry on
        traceback.print_exc(file=sys.stderr)
        passed = False
        figures = f"{type(error).__name__}: {error} ({minutes(time.monotonic() - began)})"
    print(f"{name}: {'PASS' if passed else 'FAIL'} — {figures}", flush=True)
    return passed


def _resolve(name: str, names: list[str]) -> str:
    """A scenario's name from itself or a unique prefix (``--only kill``)."""
    if name in names:
        return name
    found = [n for n in names if n.startswith(name.lower())]
    if len(found) != 1:
        raise ValueError(
            f"--only {name!r}: expected one of {', '.join(names)} (or a unique prefix)"
        )
    return found[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [name for name, _ in SCENARIOS]
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help=f"run only this scenario (repeatable; a unique prefix will do): "
                             f"{', '.join(names)}")  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(names))
        return 0
    try:
        wanted = {_resolve(name, names) for name in args.only}
    except ValueError as error:
        parser.error(str(error))
    chosen = [(n, s) for n, s in SCENARIOS if not wanted or n in wanted]
    began = time.monotonic()
    results = [_run(name, scenario) for name, scenario in chosen]
    print(
        f"chaos: {sum(results)} of {len(results)} scenarios passed in "
        f"{minutes(time.monotonic() - began)}",
        flush=True,
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
