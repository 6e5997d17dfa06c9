"""Shared fixtures: the simulator (``tests/simulator_fixtures.py``), the databases and the
app (``tests/fixtures/``); each module documents how to use its fixtures."""

pytest_plugins = ["tests.simulator_fixtures", "tests.fixtures.databases", "tests.fixtures.app"]
