"""schemathesis against the service's own OpenAPI, in process on SQLite: never a 5xx.

The same fuzzing as ``bench/chaos_hostile.py`` (which runs it over HTTP against ``serve``),
with a small, derandomized budget so ``make test`` catches a regression in seconds: every
operation under ``/api/catalog/`` (catalog reads, management, immediate writes), conforming
(positive) and non-conforming (negative) inputs, with the token, and the real provider name
offered for ``{provider}`` so the management routes get past their 404.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from openchoreo_catalog.catalog import Delta
from openchoreo_catalog.db import Database
from openchoreo_catalog.simulator import InProcessSimulator
from tests.fixtures.entities import component, entity
from tests.service.harness import AUTH, PROVIDER
from tests.service.inprocess import in_process, running

EXAMPLES = 12
DROPPED_HEADERS = {"content-length", "host", "connection"}


def fuzzed_schema(spec: dict[str, Any]) -> Any:
    """The catalog's operations, with ``{provider}`` able to name the real provider."""
    spec = {
        **spec,
        "paths": {p: v for p, v in spec["paths"].items() if p.startswith("/api/catalog/")},
    }
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "provider":
                    parameter["schema"] = {"type": "string", "enum": [PROVIDER, "NoSuchOne"]}
    return schemathesis.openapi.from_dict(spec)


def draw(operation: Any, mode: GenerationMode) -> list[requests.PreparedRequest]:
    """Up to ``EXAMPLES`` requests schemathesis generates for ``operation`` in ``mode``."""
    drawn: list[requests.PreparedRequest] = []

    @settings(
        max_examples=EXAMPLES,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode))
    def collect(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://catalog", headers=AUTH)
        kwargs.pop("cookies", None)
        drawn.append(requests.Request(**kwargs).prepare())

    with contextlib.suppress(Unsatisfiable):  # nothing to get wrong (no parameters, say)
        collect()
    return drawn


async def test_fuzzed_catalog_routes_never_answer_5xx(
    sqlite_database: Database, simulator: InProcessSimulator
) -> None:
    service = in_process(sqlite_database, simulator.base_url)
    batch = [component(f"svc-{i}", "shop", system="store") for i in range(3)]
    batch.append(entity("System", "store", "shop", spec={"owner": "team"}))
    await service.store.apply_mutation("someone", Delta(added=batch))
    failures: list[str] = []
    sent = 0
    async with running(service) as client:
        schema = fuzzed_schema(service.app(background=False).openapi())
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for prepared in draw(operation, mode):
                    response = await send(client, prepared)
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"{prepared.method} {prepared.url}: {response.text[:200]}")
    assert sent > 200
    assert failures == []


async def send(client: httpx.AsyncClient, prepared: requests.PreparedRequest) -> httpx.Response:
    """Replay exactly what schemathesis would have sent (its own request encoding)."""
    headers = {k: v for k, v in prepared.headers.items() if k.lower() not in DROPPED_HEADERS}
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    assert prepared.method is not None
    assert prepared.url is not None
    return await client.request(prepared.method, prepared.url, headers=headers, content=body)
