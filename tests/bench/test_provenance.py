"""``bench/run.py``'s provenance line: which throughput rows were measured when, at which
commit, so rows merged from different runs are not read as one run's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run


def _row(size: str, provider: str, date: str, commit: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "size": size,
        "provider": provider,
        "backend": "sqlite",
        "date": date,
        "load": 0.5,
    }
    if commit is not None:
        row["commit"] = commit
    return row


def test_rows_are_grouped_by_date_and_commit_naming_providers_of_split_sizes() -> None:
    rows = [
        _row("150k", "incremental", "2026-12-07 02:30 UTC", "bbb"),
        _row("150k", "full", "2026-12-07 02:40 UTC", "bbb"),
        _row("1M", "incremental", "2026-12-07 03:10 UTC", "bbb"),
        _row("1M", "full", "2026-12-07 00:20 UTC", None),
    ]
    line = run._provenance({"throughput": rows})
    assert line.startswith(
        "Throughput rows measured: 1M (full/sqlite) on 2026-12-07 (commit not recorded); "
        "150k, 1M (incremental/sqlite) on 2026-12-07 at `bbb`; "
    )
    assert "otherwise quiet" in line
