"""``bench/floor.py``: the statements it times carry every row, in the store's shapes."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from floor import statements
from openchoreo_catalog.db.bulk import MAX_ROWS_PER_STATEMENT, ROW_QUANTUM


def test_statements_write_every_row_once_in_the_store_shapes() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(a, b)")
    rows = [(i, f"v{i}") for i in range(1_077)]
    sent = statements("t(a,b)", rows)
    for sql, parameters, many in sent:
        if many:
            assert len(parameters) < ROW_QUANTUM
            conn.executemany(sql, parameters)
        else:
            count = len(parameters) // 2
            assert count == MAX_ROWS_PER_STATEMENT or count % ROW_QUANTUM == 0
            conn.execute(sql, parameters)
    assert conn.execute("SELECT a, b FROM t ORDER BY a").fetchall() == rows
