"""End-to-end benchmark: the simulator and the service as separate processes over loopback.

``make bench`` runs this script; ``make bench-large`` adds the 1,000,000-entity size. It
writes a section of ``bench/RESULTS.md`` (between markers: a rerun replaces it and leaves
the other sections alone), ``bench/results.json`` and ``bench/e2e-throughput.png``.

What it measures (every run against ``openchoreo-catalog simulate`` in its own process):

* **throughput** — one complete cycle with ``openchoreo-catalog ingest --once`` (the
  service's one-shot mode, in a child process of its own) at ~10,000 and ~150,000 entities
  (and ~1,000,000 with ``--large``), for the incremental and the full-sync provider
  (``openchoreo.mode: full``), on SQLite and PostgreSQL: cycle time, entities/s, API
  requests counted by the simulator against the minimum possible (``bench/ingest.py``'s
  ``minimum``), the service's peak RSS (its own ``VmHWM``) and CPU time (``wait4``), and the
  database's size.
* **latency** — 20 ms and 100 ms per request (the simulator's ``--latency-ms``) with
  ``maxConcurrentRequests`` 5 and 50: cycle time against ``bench/ingest.py``'s lower bound
  ``max(S × L, N × L / C)``.
* **pacing** — ``openchoreo-catalog serve`` on its schedule (burstLength 10 s, burstInterval
  30 s) with ``maxRequestsPerSecond``: the request rate the simulator saw (its request log
  is timestamped) in 1-second windows against the budget, and each burst's duration (the
  management API's burst log and marks) against burstLength plus one page.

Usage (from the repository root, after ``make venv``; PostgreSQL on 127.0.0.1:5432)::

    .venv/bin/python bench/run.py                      # = make bench (~20–30 min on 2 cores)
    .venv/bin/python bench/run.py --large              # = make bench-large (adds 1M)
    .venv/bin/python bench/run.py --quick --output-dir /tmp/b   # smoke run, seconds
    .venv/bin/python bench/run.py --only throughput --sizes 1M --backends sqlite

Results merge into an existing ``results.json`` in the output directory (a row is
replaced by a newer one of the same size, provider and backend), so partial reruns
(``--only``, ``--sizes``) update the report without losing the rest.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e_report as report
from e2e_service import (
    TOKEN,
    BenchError,
    PostgresDatabase,
    Serving,
    SqliteDatabase,
    burst_log_lines,
    ingest_once,
    postgres_available,
    write_config,
)
from ingest import minimum
from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess

BENCH_DIR = Path(__file__).resolve().parent
SECTIONS = ("throughput", "latency", "pacing")
BACKENDS = ("sqlite", "postgresql")
PROVIDERS = ("incremental", "full")


@dataclass(frozen=True)
class Shape:
    """orgs × projects × components, half of them services with two endpoints (each
    service gives a Component and two APIs, so ~2 entities per component)."""

    label: str
    orgs: int
    projects: int
    components: int

    def simulator(self, latency_ms: float = 0.0) -> SimulatorConfig:
        return SimulatorConfig(
            orgs=self.orgs,
            projects=self.projects,
            components=self.components,
            seed=1,
            service_fraction=0.5,
            endpoints=2,
            token=TOKEN,
            token_ttl=3600,
            latency_ms=latency_ms,
        )

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.orgs, self.projects, self.components)

    def describe(self) -> str:
        return f"{self.orgs} orgs × {self.projects} projects × {self.components} components"


SIZES = {
    "10k": Shape("10k", 5, 10, 100),
    "150k": Shape("150k", 15, 50, 100),
    "1M": Shape("1M", 50, 100, 100),
}
QUICK_SIZES = {"tiny": Shape("tiny", 1, 2, 10), "small": Shape("small", 1, 4, 25)}
# latency and pacing share one dataset (and one simulator): a cycle needs ~2,100 requests,
# several bursts at 20 requests/s; a quick run uses its "small" size for everything
WORK_SHAPE = Shape("work", 4, 10, 100)
QUICK_WORK_SHAPE = QUICK_SIZES["small"]
LATENCY_RUNS = ((20.0, 5), (20.0, 50), (100.0, 5), (100.0, 50))
QUICK_LATENCY_RUNS = ((100.0, 5), (100.0, 50))


@dataclass(frozen=True)
class Pacing:
    """The paced run's settings: the service's defaults plus a request budget."""

    burst_length: float = 10
    burst_interval: float = 30
    budget: float = 20
    bursts: int = 3
    deadline: float = 150


PACING = Pacing()
QUICK_PACING = Pacing(burst_length=1, burst_interval=5, bursts=2, deadline=30)


def say(message: str) -> None:
    """A progress line (the run takes minutes)."""
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


class Simulators:
    """Running simulators, one process per dataset shape, shared by the sections that use
    the same shape; each handed out with no latency and a cleared request log."""

    def __init__(self) -> None:
        self._running: dict[tuple[int, int, int], SimulatorProcess] = {}
        self._minimum: dict[tuple[int, int, int], dict[str, int]] = {}

    def get(self, shape: Shape) -> tuple[SimulatorProcess, dict[str, int]]:
        """The simulator for ``shape`` and the minimum requests and entities of a cycle."""
        if shape.key not in self._running:
            say(f"simulator with {shape.describe()}")
            self._running[shape.key] = SimulatorProcess(shape.simulator()).start()
            need = self._minimum[shape.key] = minimum(self._running[shape.key].admin)
            say(f"  minimum {need['requests']:,} requests, {need['entities']:,} entities")
        sim = self._running[shape.key]
        sim.admin.settings(latency_ms=0)
        sim.admin.reset_requests()
        return sim, self._minimum[shape.key]

    def stop(self, shape: Shape) -> None:
        sim = self._running.pop(shape.key, None)
        if sim is not None:
            sim.stop()

    def close(self) -> None:
        for sim in self._running.values():
            sim.stop()
        self._running.clear()


def work_shape(args: argparse.Namespace) -> Shape:
    return QUICK_WORK_SHAPE if args.quick else WORK_SHAPE


def make_database(backend: str, scratch: Path, label: str, pg_server: str) -> Any:
    if backend == "sqlite":
        return SqliteDatabase(scratch / f"{label}.sqlite")
    return PostgresDatabase(pg_server).create()


# -- throughput ---------------------------------------------------------------------------


def throughput(args: argparse.Namespace, scratch: Path) -> list[dict[str, Any]]:
    """One cycle per size × provider × backend, through ``ingest --once``."""
    rows = []
    for shape in args.shapes:
        say(f"throughput {shape.label}")
        sim, need = args.simulators.get(shape)
        for provider in args.providers:
            for backend in args.backends:
                try:
                    rows.append(one_cycle(args, scratch, sim, need, shape, provider, backend))
                except BenchError as error:  # one failed cycle must not lose the others
                    say(f"  FAILED: {error}")
                    args.failures.append(f"{shape.label} {provider} {backend}: {error}")
        if shape.key != work_shape(args).key:
            args.simulators.stop(shape)  # the large ones hold memory
    return rows


def one_cycle(
    args: argparse.Namespace,
    scratch: Path,
    sim: SimulatorProcess,
    need: dict[str, int],
    shape: Shape,
    provider: str,
    backend: str,
) -> dict[str, Any]:
    """A fresh database, one ``ingest --once``, the costs; the database is dropped after."""
    label = f"{shape.label}-{provider}-{backend}"
    db = make_database(backend, scratch, label, args.pg_server)
    try:
        config = write_config(
            scratch / f"{label}.yaml", base_url=sim.base_url, database=db, mode=provider
        )
        sim.admin.reset_requests()
        load = os.getloadavg()[0]
        say(f"  {label}: ingest --once …")
        result = ingest_once(config, scratch, label, timeout=600 + need["entities"] / 100)
        requests = int(sim.admin.requests(recent=False)["total"])
        db_bytes = db.size_bytes()
    finally:
        db.drop()
    row = {
        "size": shape.label,
        "shape": shape.describe(),
        "provider": provider,
        "backend": backend,
        **result,
        "expected_entities": need["entities"],
        "entities_per_s": result["entities"] / result["cycle_s"],
        "requests": requests,
        "minimum_requests": need["requests"],
        "requests_ratio": requests / need["requests"],
        "db_bytes": db_bytes,
        "load": max(load, os.getloadavg()[0]),
        "date": today(),
        "commit": current_commit(),
    }
    say(
        f"  {label}: {row['entities']:,} entities in {row['cycle_s']:.1f} s "
        f"({row['entities_per_s']:,.0f}/s), {requests:,} requests "
        f"(×{row['requests_ratio']:.3f}), peak RSS {row['peak_rss_mb']:.0f} MiB, "
        f"CPU {row['cpu_s']:.1f} s, database {db_bytes / 2**20:.0f} MiB"
    )
    return row


# -- latency ------------------------------------------------------------------------------


def latency(args: argparse.Namespace, scratch: Path) -> list[dict[str, Any]]:
    """The incremental cycle at 20/100 ms per request, 5/50 requests in flight (SQLite)."""
    shape = work_shape(args)
    rows = []
    say("latency")
    sim, need = args.simulators.get(shape)
    for latency_ms, concurrency in QUICK_LATENCY_RUNS if args.quick else LATENCY_RUNS:
        label = f"latency-{latency_ms:g}ms-{concurrency}"
        db = SqliteDatabase(scratch / f"{label}.sqlite")
        config = write_config(
            scratch / f"{label}.yaml",
            base_url=sim.base_url,
            database=db,
            incremental={"maxConcurrentRequests": concurrency},
        )
        sim.admin.settings(latency_ms=latency_ms)
        sim.admin.reset_requests()
        say(f"  {label}: ingest --once …")
        try:
            result = ingest_once(config, scratch, label, timeout=900)
        finally:
            db.drop()
        seconds = latency_ms / 1000
        bound = max(need["lists"] * seconds, need["requests"] * seconds / concurrency)
        requests = int(sim.admin.requests(recent=False)["total"])
        row = {
            "shape": shape.describe(),
            "latency_ms": latency_ms,
            "concurrency": concurrency,
            **result,
            "requests": requests,
            "minimum_requests": need["requests"],
            "list_requests": need["lists"],
            "requests_ratio": requests / need["requests"],
            "bound_s": bound,
            "load": os.getloadavg()[0],
        }
        say(
            f"  {label}: {result['cycle_s']:.1f} s, bound {bound:.1f} s "
            f"(×{result['cycle_s'] / bound:.2f}), {requests:,} requests"
        )
        rows.append(row)
    return rows


# -- pacing -------------------------------------------------------------------------------


def pacing(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """``serve`` on its schedule with a request budget; the simulator's log is the judge."""
    plan = QUICK_PACING if args.quick else PACING
    say(
        f"pacing: budget {plan.budget:g} requests/s, "
        f"burstLength {plan.burst_length:g} s, burstInterval {plan.burst_interval:g} s"
    )
    sim, _ = args.simulators.get(work_shape(args))
    db = SqliteDatabase(scratch / "pacing.sqlite")
    config = write_config(
        scratch / "pacing.yaml",
        base_url=sim.base_url,
        database=db,
        incremental={
            "burstLength": plan.burst_length,
            "burstInterval": plan.burst_interval,
            "maxRequestsPerSecond": plan.budget,
        },
    )
    sim.admin.reset_requests()
    service = Serving(config, scratch, "pacing").wait_ready()
    ready_at = time.time()
    try:
        detail, marks = wait_for_bursts(service, plan)
    finally:
        finished = service.stop()
        db.drop()
    stamps = sorted(r["at"] for r in sim.admin.requests()["recent"])
    bursts = burst_figures(detail, marks, plan, ready_at)
    windows = rate_windows(stamps)
    result = {
        "shape": work_shape(args).describe(),
        "budget_rps": plan.budget,
        "burst_length_s": plan.burst_length,
        "burst_interval_s": plan.burst_interval,
        "observed_s": time.time() - ready_at,
        "requests": len(stamps),
        **windows,
        "within_budget": windows["max_per_second_fixed"] <= plan.budget,
        "within_budget_sliding": windows["max_per_second_sliding"] <= plan.budget,
        "bursts": bursts,
        "bursts_within_one_page": all(b["within_one_page"] for b in bursts),
        "burst_log_lines": len(burst_log_lines(finished.stderr)),
        "peak_rss_mb": finished.peak_rss_mb,
        "cpu_s": finished.cpu,
        "load": os.getloadavg()[0],
    }
    say(
        f"  pacing: {len(stamps):,} requests; busiest 1-s window {windows['max_per_second_fixed']} "
        f"(aligned) / {windows['max_per_second_sliding']} (sliding) against a budget of "
        f"{plan.budget:g}; {len(bursts)} bursts, longest {max(b['duration_s'] for b in bursts):.2f} s"
    )
    return result


def wait_for_bursts(service: Serving, plan: Pacing) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Poll the management API until ``plan.bursts`` bursts have ended (or the deadline)."""
    deadline = time.monotonic() + plan.deadline
    while True:
        detail = service.management("")
        ended = [b for b in detail["lastBursts"] if b["endedAt"]]
        if len(ended) >= plan.bursts:
            marks = service.management("/marks")["marks"]
            return detail, marks
        if time.monotonic() > deadline:
            raise BenchError(
                f"only {len(ended)} of {plan.bursts} bursts ended within {plan.deadline:g} s; "
                f"provider status: {detail['status']}, last error: {detail['lastError']}"
            )
        time.sleep(0.5)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def burst_figures(
    detail: dict[str, Any], marks: list[dict[str, Any]], plan: Pacing, ready_at: float
) -> list[dict[str, Any]]:
    """Each ended burst's duration, and whether it stopped at the first page boundary after
    burstLength (the page before the last one had ended within burstLength)."""
    times = sorted(_epoch(m["createdAt"]) for m in marks)
    figures = []
    for burst in sorted(detail["lastBursts"], key=lambda b: b["startedAt"]):
        if not burst["endedAt"]:
            continue
        start, end = _epoch(burst["startedAt"]), _epoch(burst["endedAt"])
        inside = [t for t in times if start <= t <= end + 0.001]
        before_last = inside[-2] if len(inside) >= 2 else start
        last_page = (inside[-1] - before_last) if inside else end - start
        figures.append(
            {
                "start_offset_s": start - ready_at,
                "duration_s": end - start,
                "pages": burst["pages"],
                "entities": burst["entities"],
                "outcome": burst["outcome"],
                "overrun_s": end - start - plan.burst_length,
                "last_page_s": last_page,
                "within_one_page": before_last - start <= plan.burst_length + 0.05,
            }
        )
    return figures


def rate_windows(stamps: list[float]) -> dict[str, Any]:
    """Requests per second: the busiest aligned 1-s bucket and the busiest sliding 1-s window."""
    if not stamps:
        return {"max_per_second_fixed": 0, "max_per_second_sliding": 0, "per_second": {}}
    buckets = Counter(int(t) for t in stamps)
    sliding = max(bisect.bisect_left(stamps, t + 1.0) - i for i, t in enumerate(stamps))
    origin = int(stamps[0])
    return {
        "max_per_second_fixed": max(buckets.values()),
        "max_per_second_sliding": sliding,
        "per_second": {str(k - origin): v for k, v in sorted(buckets.items())},
    }


# -- the report ---------------------------------------------------------------------------


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict[str, Any]:
    """What the figures depend on: cores, memory, Python, load, commit."""
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kib / 2**20:.0f} GiB"
    return {
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": current_commit(),
    }


def current_commit() -> str:
    """The checked-out commit (short), or "" outside a git checkout."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=BENCH_DIR,
        ).stdout.strip()
    except OSError:
        return ""


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """New rows replace old ones of the same size, provider and backend; sections not run
    this time are kept."""
    merged = {**old, **{k: v for k, v in new.items() if k != "throughput"}}
    rows = {(r["size"], r["provider"], r["backend"]): r for r in old.get("throughput", [])}
    rows.update({(r["size"], r["provider"], r["backend"]): r for r in new.get("throughput", [])})
    order = {label: i for i, label in enumerate([*SIZES, *QUICK_SIZES])}
    merged["throughput"] = sorted(
        rows.values(),
        key=lambda r: (
            order.get(r["size"], 99),
            PROVIDERS.index(r["provider"]),
            BACKENDS.index(r["backend"]),
        ),
    )
    return merged


def _provenance(results: dict[str, Any]) -> str:
    """When the throughput rows were measured (runs merge, so they may differ) and how busy
    the machine was then."""
    rows = results.get("throughput", [])
    if not rows:
        return ""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        when = (row.get("date", "an unrecorded date")[:10], row.get("commit", ""))
        groups.setdefault(when, []).append(row)
    when = "; ".join(
        f"{_sizes_of(group, rows)} on {date}"
        + (f" at `{commit}`" if commit else " (commit not recorded)")
        for (date, commit), group in sorted(groups.items())
    )
    loads = [row["load"] for row in rows if row.get("load") is not None]
    busiest = max(loads, default=0.0)
    machine = (
        f"the machine was otherwise quiet (load average at most {busiest:.1f} in any run)"
        if busiest < 2
        else f"**the machine was shared** (load average up to {busiest:.1f}): wall times are noisy"
    )
    return f"Throughput rows measured: {when}; {machine}."


def _sizes_of(group: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """The sizes a group of rows covers, naming its rows (provider/backend) where it has only
    some of a size's rows (the others were measured at another time)."""
    labels: list[str] = []
    for size in dict.fromkeys(row["size"] for row in group):
        mine = [f"{r['provider']}/{r['backend']}" for r in group if r["size"] == size]
        every = [r for r in rows if r["size"] == size]
        labels.append(size if len(mine) == len(every) else f"{size} ({', '.join(mine)})")
    return ", ".join(labels)


def markdown(results: dict[str, Any], plotted: bool) -> str:
    """The RESULTS.md section, from the (merged) results."""
    meta = results["meta"]
    parts = [
        "## End to end: simulator and service as separate processes (`bench/run.py`)",
        "",
        "Commands (from the repository root; PostgreSQL on 127.0.0.1:5432):",
        "",
        "```sh",
        *sorted(set(meta["commands"])),
        "```",
        "",
        f"Last run {meta['date']}, {meta['machine']['cores']} cores, "
        f"{meta['machine']['memory']}, Python {meta['machine']['python']}, commit "
        f"`{meta['machine']['commit']}`. Load average at the start {meta['load_start']:.1f}, "
        f"at the end {meta['load_end']:.1f}. {_provenance(results)} The `CPU s` column is the "
        "service process's own CPU time, and `load avg` the 1-minute load average during each "
        "run: on a busy machine compare CPU seconds, not wall times.",
        "",
        "Two processes over loopback: `openchoreo-catalog simulate` and the service "
        "(`openchoreo-catalog ingest --once`, the service's one-shot mode: one complete cycle, "
        "unpaced, then exit). `process wall s` runs from start to exit (start-up and "
        "migrations, ~10 s under this load, included) and `entities/s (process)` is computed "
        "from it: the one figure that means the same for both providers. `cycle s (CLI)` is "
        "the time the CLI's summary prints, the whole cycle"
        + (
            "; † marks full-sync rows measured while that summary timed **only the read** (the "
            "walk of the API), leaving out the one `Full` mutation into the catalog after it "
            "(fixed in `ingest --once` alongside this benchmark)"
            if any(r.get("cli_read_only") for r in results.get("throughput", []))
            else ""
        )
        + ". Requests are counted by the "
        "simulator and compared with the minimum possible (`bench/ingest.py`). Peak RSS is the "
        "service process's own (`VmHWM`, read while it runs: `wait4`'s `ru_maxrss` would "
        "count this runner's memory too, see `bench/peak_rss.py`; rows measured at "
        "commits before `68d3d16` did count it, so a small figure there may be the runner's, "
        "not the service's) and "
        "CPU its own (`wait4`); the database starts empty and its size is "
        "taken after the cycle (SQLite: file + WAL; PostgreSQL: `pg_database_size`).",
    ]
    if results.get("throughput"):
        shapes = {r["size"]: r["shape"] for r in results["throughput"]}
        parts += [
            "",
            "### Throughput and memory against size",
            "",
            "Datasets (half the components are services with two endpoints): "
            + "; ".join(f"{k}: {v}" for k, v in shapes.items())
            + ".",
            "",
            report.throughput_table(results["throughput"]),
        ]
        memory = report.memory_table(results["throughput"])
        if memory:
            parts += [
                "",
                "Full sync holds the whole platform in memory before its one `Full` "
                "mutation; the incremental provider holds a page:",
                "",
                memory,
            ]
        if plotted:
            parts += ["", f"![entities/s and peak RSS against catalog size]({report.PLOT})"]
    if results.get("latency"):
        first = results["latency"][0]
        parts += [
            "",
            "### Latency-bound cycles (incremental, SQLite)",
            "",
            f"Dataset {first['shape']}: minimum {first['minimum_requests']:,} requests, of "
            f"which {first['list_requests']:,} list pages. Lower bound at latency `L` with "
            "concurrency `C`: `max(S × L, N × L / C)` (`bench/ingest.py`: the `S` list pages "
            "run one after another; no schedule runs more than `C` of the `N` requests at "
            "once).",
            "",
            report.latency_table(results["latency"]),
        ]
    if results.get("pacing"):
        p = results["pacing"]
        verdict = "within" if p["within_budget"] else "**over**"
        is_default = (p["burst_length_s"], p["burst_interval_s"]) == (10, 30)
        defaults = " (the defaults)" if is_default else ""
        parts += [
            "",
            "### Pacing: `serve` on its schedule with a request budget",
            "",
            f"Dataset {p['shape']}; `burstLength` {p['burst_length_s']:g} s, `burstInterval` "
            f"{p['burst_interval_s']:g} s{defaults}, `maxRequestsPerSecond` "
            f"{p['budget_rps']:g}, observed for {p['observed_s']:.0f} s. The simulator "
            "timestamps every request as it arrives.",
            "",
            f"* Requests seen: {p['requests']:,}. Busiest 1-second window: "
            f"**{p['max_per_second_fixed']}** requests aligned to whole seconds ({verdict} the "
            f"budget of {p['budget_rps']:g}), {p['max_per_second_sliding']} in the busiest "
            "sliding 1-second window. The client lets at most the budget start in any second "
            "by its own clock, spaced 1/budget apart (`openchoreo/ratelimit.py`); the "
            "simulator stamps arrivals, so a sliding window there could only catch more if "
            "the way to the server compressed that spacing. Before that limiter, a leaky "
            "bucket let every burst's fresh client send up to twice the budget in its first "
            "second (34 requests at a budget of 20), and a window's budget sent at once still "
            "showed 24 in a sliding second at the simulator.",
            "* Bursts (from the management API's burst log and the cycle's marks): "
            + (
                "every burst stopped at the first page boundary after `burstLength`."
                if p["bursts_within_one_page"]
                else "**a burst ran more than one page past `burstLength`.**"
            ),
            "",
            report.pacing_table(p),
        ]
    if results.get("failures"):
        parts += ["", "Runs that failed (last run):", ""]
        parts += [f"* `{line.splitlines()[0][:300]}`" for line in results["failures"]]
    said = report.observations(results)
    if said:
        parts += ["", "What the figures say:", "", *(f"* {line}" for line in said)]
    return "\n".join(parts) + "\n"


# -- main ---------------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="add the ~1,000,000-entity size")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections: {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--providers", default=",".join(PROVIDERS), help="comma-separated: incremental, full"
    )
    parser.add_argument("--sizes", help="comma-separated size labels (10k, 150k, 1M)")
    parser.add_argument(
        "--output-dir",
        type=Path,
        help="where RESULTS.md, results.json and the plot go (default: bench/; "
        "with --quick a temporary directory)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="run nothing: redraw RESULTS.md and the plot from results.json",
    )
    parser.add_argument(
        "--pg-server",
        default="postgresql://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL without a database",
    )
    args = parser.parse_args(argv)
    args.sections = _choices(args.only, SECTIONS, "--only")
    args.backends = _choices(args.backends, BACKENDS, "--backends")
    args.providers = _choices(args.providers, PROVIDERS, "--providers")
    sizes = QUICK_SIZES if args.quick else SIZES
    default = list(sizes) if (args.quick or args.large) else ["10k", "150k"]
    labels = _choices(args.sizes, tuple(sizes), "--sizes") if args.sizes else default
    args.shapes = [sizes[label] for label in labels]
    if args.output_dir is None:
        args.output_dir = (
            Path(tempfile.gettempdir()) / "openchoreo-bench-quick" if args.quick else BENCH_DIR
        )
    return args


def _choices(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise SystemExit(
            f"{option}: unknown {', '.join(unknown) or 'empty'}; allowed: {', '.join(allowed)}"
        )
    return chosen


def command(argv: list[str]) -> str:
    """The command as a person types it (make targets for the two standard runs)."""
    if not argv:
        return "make bench            # = .venv/bin/python bench/run.py"
    if argv == ["--large"]:
        return "make bench-large      # = .venv/bin/python bench/run.py --large"
    return ".venv/bin/python bench/run.py " + shlex.join(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    if args.render:
        write_outputs(args.output_dir, {})
        return
    if "postgresql" in args.backends and "throughput" in args.sections:
        problem = postgres_available(args.pg_server)
        if problem:
            raise SystemExit(f"{problem}\n(start it, or pass --backends sqlite)")
    load_start = os.getloadavg()[0]
    started = time.monotonic()
    say(f"bench/run.py: sections {', '.join(args.sections)}; output {args.output_dir}")
    new = run_sections(args)
    new["meta"] = {
        "date": today(),
        "machine": machine(),
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
        "commands": [command(argv)],
        "seconds": time.monotonic() - started,
    }
    new["failures"] = args.failures
    write_outputs(args.output_dir, new)
    say(f"done in {new['meta']['seconds']:.0f} s: {args.output_dir}")


def run_sections(args: argparse.Namespace) -> dict[str, Any]:
    """The chosen sections, each with the simulators it needs; stopped whatever happens."""
    new: dict[str, Any] = {}
    args.simulators = Simulators()
    args.failures = []
    with tempfile.TemporaryDirectory(prefix="openchoreo-bench-") as tmp:
        scratch = Path(tmp)
        try:
            if "throughput" in args.sections:
                new["throughput"] = throughput(args, scratch)
            if "latency" in args.sections:
                new["latency"] = latency(args, scratch)
            if "pacing" in args.sections:
                new["pacing"] = pacing(args, scratch)
        finally:
            args.simulators.close()
    return new


def write_outputs(output_dir: Path, new: dict[str, Any]) -> None:
    """Merge ``new`` into results.json (read now, not at the start: another run may have
    written it meanwhile), then redraw the plot and the RESULTS.md section from it."""
    json_path = output_dir / "results.json"
    old = json.loads(json_path.read_text()) if json_path.exists() else {}
    if not old and not new:
        raise SystemExit(f"nothing to render: no {json_path}")
    if "meta" in new:
        commands = {*old.get("meta", {}).get("commands", []), *new["meta"]["commands"]}
        new["meta"]["commands"] = sorted(commands)
    results = merge(old, new)
    report.write_json(json_path, results)
    plotted = report.plot(output_dir / report.PLOT, results.get("throughput", []))
    report.replace_section(output_dir / "RESULTS.md", markdown(results, plotted))


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        raise SystemExit(f"bench/run.py: {error}") from None
