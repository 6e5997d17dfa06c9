"""The expected catalog lives in the package now (``openchoreo_catalog.simulator.oracle``) so
``bench/chaos.py`` can use it; re-exported here for the tests that import it from here."""

from openchoreo_catalog.simulator.oracle import (
    Expectation,
    expected,
    is_service,
    mismatches,
    ref_of,
    short,
)

__all__ = ["Expectation", "expected", "is_service", "mismatches", "ref_of", "short"]
