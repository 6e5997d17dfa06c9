"""The CLI reports bad configuration with exit status 2 and no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from openchoreo_catalog.cli import app, register_commands

register_commands()
runner = CliRunner()


def test_bad_config_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("openchoreo:\n  incremental:\n    burstLength: 0\n    chunkSize: 0\n")
    result = runner.invoke(app, ["config", "show", "--config", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "openchoreo.incremental.burstLength: 0 is not allowed" in result.output
    assert "openchoreo.incremental.chunkSize: 0 is not allowed" in result.output


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text("openchoreo:\n  baseUrl: http://oc/api/v1\n  token: very-secret-token\n")
    result = runner.invoke(app, ["config", "show", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "very-secret-token" not in result.output
    assert "baseUrl: http://oc/api/v1" in result.output
