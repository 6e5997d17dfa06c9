"""What a simulator serves: dataset size and shape, token lifetime, auth, initial faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SimulatorConfig:
    orgs: int = 2
    projects: int = 3
    """Per organization."""
    components: int = 10
    """Per project."""
    seed: int = 1
    service_fraction: float = 0.6
    """Share of components that are services (their workloads have ``endpoints`` endpoints)."""
    endpoints: int = 3
    traits: int = 4
    """Per organization: the four named traits, then generated ones (``trait-0004``, …), so
    tests can give an organization more traits than one page holds."""
    token_ttl: float = 300.0
    """Seconds a listing's continue tokens stay valid, counted from its first page (like
    etcd compaction, which expires the snapshot, not each token)."""
    latency_ms: float = 0.0
    token: str | None = None
    """If set, API requests must carry ``Authorization: Bearer <token>`` (else 401)."""
    faults: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    """Fault rules active from the start (see ``faults.FaultRule``)."""

    def __post_init__(self) -> None:
        problems = []
        for key in ("orgs", "projects", "components", "endpoints", "traits"):
            if getattr(self, key) < 0:
                problems.append(f"{key} must be 0 or more")
        if not 0.0 <= self.service_fraction <= 1.0:
            problems.append("service_fraction must be between 0 and 1")
        if self.token_ttl <= 0:
            problems.append("token_ttl must be positive")
        if self.latency_ms < 0:
            problems.append("latency_ms must be 0 or more")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def total_components(self) -> int:
        return self.orgs * self.projects * self.components
