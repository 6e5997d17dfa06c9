"""Shared pytest configuration: the simulator fixtures are available to every test."""

pytest_plugins = ["tests.simulator_fixtures"]
