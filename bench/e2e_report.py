"""Turning ``bench/run.py``'s measurements into RESULTS.md tables, a JSON file and a plot.

The Markdown section sits between two markers so a rerun replaces it and leaves every
other section of RESULTS.md as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench/run.py: begin (generated; rerun `make bench` to replace) -->"
END = "<!-- bench/run.py: end -->"
PLOT = "e2e-throughput.png"


def replace_section(path: Path, section: str) -> None:
    """Write ``section`` between the markers in ``path`` (appended when they are absent)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        tail = tail.lstrip("\n")
        text = head + block + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")


def plot(path: Path, rows: list[dict[str, Any]]) -> bool:
    """entities/s and peak RSS against catalog size, one line per provider × backend.
    False (and no file) when there is nothing to plot."""
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (rate_ax, rss_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (provider, backend), series in _series(rows).items():
        xs = [r["entities"] for r in series]
        style = "-" if provider == "incremental" else "--"
        marker = "o" if backend == "sqlite" else "s"
        label = f"{provider}, {backend}"
        rates = [process_rate(r) for r in series]
        rate_ax.plot(xs, rates, style, marker=marker, label=label)
        rss_ax.plot(xs, [r["peak_rss_mb"] for r in series], style, marker=marker, label=label)
    for ax, title, unit in (
        (rate_ax, "Throughput of one cycle (start to exit)", "entities/s"),
        (rss_ax, "Peak RSS of the service process", "MiB"),
    ):
        ax.set_xscale("log")
        ax.set_xlabel("catalog size (entities)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.set_ylim(bottom=0)  # from zero: no exaggerated slopes
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def read_only(row: dict[str, Any]) -> bool:
    """The CLI's time covers only the full-sync read (rows measured before the fix)."""
    return bool(row.get("cli_read_only", row["provider"] == "full"))


def process_rate(row: dict[str, Any]) -> float:
    """Entities per second of the whole process, start to exit: the one rate that means the
    same for both providers (the full-sync CLI's own time leaves out its catalog write)."""
    return float(row["entities"] / row["process_wall_s"])


def _series(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["entities"]):
        found.setdefault((row["provider"], row["backend"]), []).append(row)
    return found


# -- Markdown ---------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:,.0f}"


def throughput_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| provider | backend | entities | cycle s (CLI) | process wall s | entities/s "
        "(process) | entities/s (CLI) | requests (× minimum) | peak RSS MiB | CPU s "
        "| database MiB | load avg |",
        "|" + "---|" * 12,
    ]
    for r in rows:
        lines.append(
            f"| {r['provider']} | {r['backend']} | {_n(r['entities'])} | {r['cycle_s']:.1f}"
            f"{'†' if read_only(r) else ''} "
            f"| {r['process_wall_s']:.1f} | **{_n(process_rate(r))}** | {_n(r['entities_per_s'])} "
            f"| {_n(r['requests'])} ({r['requests_ratio']:.3f}) | **{r['peak_rss_mb']:.0f}** "
            f"| {r['cpu_s']:.1f} | {r['db_bytes'] / 2**20:.0f} | {r['load']:.1f} |"
        )
    return "\n".join(lines)


def memory_table(rows: list[dict[str, Any]]) -> str:
    """Full sync against incremental, size by size: the point of the incremental provider."""
    by_key = {(r["size"], r["backend"], r["provider"]): r for r in rows}
    lines = [
        "| size | backend | entities | incremental peak RSS MiB | full peak RSS MiB "
        "| full ÷ incremental | incremental entities/s (process) | full entities/s (process) |",
        "|" + "---|" * 8,
    ]
    for (size, backend, provider), inc in by_key.items():
        full = by_key.get((size, backend, "full"))
        if provider != "incremental" or full is None:
            continue
        lines.append(
            f"| {size} | {backend} | {_n(inc['entities'])} | {inc['peak_rss_mb']:.0f} "
            f"| {full['peak_rss_mb']:.0f} | **×{full['peak_rss_mb'] / inc['peak_rss_mb']:.2f}** "
            f"| {_n(process_rate(inc))} | {_n(process_rate(full))} |"
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def latency_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| latency | maxConcurrentRequests | entities | cycle s | requests (× minimum) "
        "| bound s | cycle ÷ bound | peak RSS MiB | CPU s |",
        "|" + "---|" * 9,
    ]
    for r in rows:
        lines.append(
            f"| {r['latency_ms']:g} ms | {r['concurrency']} | {_n(r['entities'])} "
            f"| {r['cycle_s']:.1f} | {_n(r['requests'])} ({r['requests_ratio']:.3f}) "
            f"| {r['bound_s']:.1f} | **{r['cycle_s'] / r['bound_s']:.2f}** "
            f"| {r['peak_rss_mb']:.0f} | {r['cpu_s']:.1f} |"
        )
    return "\n".join(lines)


def pacing_table(pacing: dict[str, Any]) -> str:
    lines = [
        "| burst | started (s after serve was ready) | duration s | pages | entities "
        "| over burstLength s | last page s | stopped at the first page past burstLength |",
        "|" + "---|" * 8,
    ]
    for i, b in enumerate(pacing["bursts"], 1):
        lines.append(
            f"| {i} | {b['start_offset_s']:.1f} | {b['duration_s']:.2f} | {b['pages']} "
            f"| {_n(b['entities'])} | {b['overrun_s']:+.2f} | {b['last_page_s']:.2f} "
            f"| {'yes' if b['within_one_page'] else '**no**'} |"
        )
    return "\n".join(lines)


def observations(results: dict[str, Any]) -> list[str]:
    """What the figures say, computed from them (so a rerun keeps the text true)."""
    found = []
    rows = results.get("throughput", [])
    every = rows + results.get("latency", [])
    if every:
        off = [r for r in every if r["requests"] != r["minimum_requests"]]
        found.append(
            "**Requests: exactly the minimum in every run** (1.000 ×)."
            if not off
            else "Requests above the minimum in "
            + ", ".join(f"{r.get('size', r.get('latency_ms'))} {r.get('provider', '')} "
                        f"({r['requests_ratio']:.3f} ×)" for r in off)
        )  # fmt: skip
    for (provider, backend), series in _series(rows).items():
        if len(series) < 2:
            continue
        small, large = series[0], series[-1]
        growth = large["peak_rss_mb"] / small["peak_rss_mb"]
        found.append(
            f"{provider} on {backend}: peak RSS {small['peak_rss_mb']:.0f} MiB at "
            f"{_n(small['entities'])} entities, {large['peak_rss_mb']:.0f} MiB at "
            f"{_n(large['entities'])} (×{growth:.2f} for ×{large['entities'] / small['entities']:.0f} "
            f"the entities); {_n(process_rate(small))} → {_n(process_rate(large))} entities/s "
            "start to exit."
        )
    latency = results.get("latency", [])
    if latency:
        found.append(
            "Latency-bound cycles at "
            + ", ".join(
                f"{r['latency_ms']:g} ms / {r['concurrency']}: {r['cycle_s'] / r['bound_s']:.2f} × the bound"
                for r in latency
            )
            + " (a ratio far above 1 where the bound is shorter than the cycle's CPU time: "
            "the writes, not the latency, set the pace)."
        )
    return found
