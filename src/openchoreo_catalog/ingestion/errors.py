"""Why a step of the engine stopped without being a provider failure."""

from __future__ import annotations


class LeaseLost(Exception):
    """This replica no longer holds the provider's lease: another one took over. The step's
    transaction is rolled back whole and the replica stops touching the provider."""


class IngestionChanged(Exception):
    """The open cycle was canceled, restarted or reset while a burst ran (an admin action):
    the page in flight is abandoned whole and the burst ends."""


class UnknownProvider(LookupError):
    """No provider of that name is registered with the engine."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Provider '{name}' not found")


class ProviderBusy(RuntimeError):
    """Another replica (or task) holds the provider's lease right now."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"provider '{name}' is being ingested by another replica; try later")
