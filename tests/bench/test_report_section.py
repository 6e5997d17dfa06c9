"""``bench/e2e_report.replace_section``: the generated section is replaced in place and the
hand-written sections around it stay as they were."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import e2e_report as report


def test_replacing_the_section_keeps_what_follows_it_apart(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## Before\n\ntext\n")
    report.replace_section(path, "## Generated\n\nfirst")
    path.write_text(path.read_text() + "\n## After\n\nhand-written\n")
    report.replace_section(path, "## Generated\n\nsecond")
    text = path.read_text()
    assert "first" not in text
    assert text.count(report.BEGIN) == text.count(report.END) == 1
    assert text.endswith(f"second\n{report.END}\n\n## After\n\nhand-written\n")
    assert text.startswith("# Benchmark results\n\n## Before\n\ntext\n")
