"""Shared fixtures: see ``tests/fixtures/`` (each module documents how to use its fixtures)."""

pytest_plugins = ["tests.fixtures.databases", "tests.fixtures.app"]
