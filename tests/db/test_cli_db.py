"""``openchoreo-catalog db upgrade`` creates the schema and reports failures in one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from openchoreo_catalog.cli import app, register_commands

register_commands()
runner = CliRunner()


def test_upgrade_creates_the_schema_then_is_idempotent(tmp_path: Path) -> None:
    config = tmp_path / "app-config.yaml"
    config.write_text(
        f"backend:\n  database:\n    client: better-sqlite3\n"
        f"    connection: {tmp_path / 'catalog.sqlite'}\n"
    )
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--config", str(config)])
        assert result.exit_code == 0, result.output
        assert "database schema is at revision 0003_event_inbox" in result.output


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    config = tmp_path / "app-config.yaml"
    config.write_text(
        "backend:\n  database:\n    client: pg\n"
        "    connection: postgresql://admin:s3cret-pass@127.0.0.1:1/catalog\n"
    )
    result = runner.invoke(app, ["db", "upgrade", "--config", str(config)])
    assert result.exit_code == 1
    assert "migrate the database schema" in result.output
    assert "Traceback" not in result.output
    assert "s3cret-pass" not in result.output
