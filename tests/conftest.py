"""Shared fixtures: the simulator (``tests/simulator_fixtures.py``) and the databases
(``tests/fixtures/``); each module documents how to use its fixtures."""

pytest_plugins = ["tests.simulator_fixtures", "tests.fixtures.databases"]
