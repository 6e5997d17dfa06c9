"""The service's HTTP surface in process: every router mounted, auth on every mutating route,
and the contracts of the events ingress and the immediate writes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.providers.openchoreo.metrics import count_skipped
from openchoreo_catalog.simulator import InProcessSimulator
from tests.service.harness import AUTH, PROVIDER
from tests.service.inprocess import in_process, running

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.filterwarnings("ignore:Duplicate Operation ID")
async def test_every_mutating_route_needs_a_token(
    sqlite_database: Database, simulator: InProcessSimulator
) -> None:
    service = in_process(sqlite_database, simulator.base_url)
    app = service.app(background=False)
    routes = [
        (method.upper(), re.sub(r"\{[^}]+\}", "x", path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() in MUTATING
    ]
    paths = {path for _, path in routes}
    assert "/api/events/http/x" in paths
    assert "/api/catalog/immediate/entities" in paths
    assert "/api/catalog/immediate/entities/x/x/x" in paths
    assert "/api/catalog/incremental/providers/x/trigger" in paths
    async with running(service) as client:
        for method, path in routes:
            anonymous = await client.request(method, path)
            assert anonymous.status_code == 401, (method, path)
            wrong = await client.request(method, path, headers={"Authorization": "Bearer nope-1"})
            assert wrong.status_code == 403, (method, path)
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/api/catalog/incremental/providers")).json()["data"] == {
            "providers": [PROVIDER]
        }


@pytest.mark.parametrize(
    ("topic", "body", "status", "message"),
    [
        ("openchoreo.nothing", b"{}", 404, "No subscriber handles events on topic"),
        ("openchoreo.component", b"", 400, "Missing request body"),
        ("openchoreo.component", b"{not json", 400, "not valid JSON"),
        ("openchoreo.component", b"[1, 2]", 400, "must be a JSON object"),
        ("openchoreo.component", b'{"action": "exploded"}', 400, "'action' must be one of"),
        (
            "openchoreo.component",
            b'{"action": "created", "organization": "a", "project": "b"}',
            400,
            "'component' must be a non-empty string",
        ),
        ("openchoreo.project", b"x" * 1_000_001, 413, "larger than"),
    ],
)
async def test_bad_events_are_refused_with_the_reason(
    sqlite_database: Database,
    simulator: InProcessSimulator,
    topic: str,
    body: bytes,
    status: int,
    message: str,
) -> None:
    async with running(in_process(sqlite_database, simulator.base_url)) as client:
        response = await client.post(f"/api/events/http/{topic}", content=body, headers=AUTH)
    assert response.status_code == status
    error = response.json()["error"]
    assert message in error["message"]


async def test_an_accepted_event_is_stored_before_the_answer(
    sqlite_database: Database, simulator: InProcessSimulator
) -> None:
    from openchoreo_catalog.events import inbox

    service = in_process(sqlite_database, simulator.base_url)
    async with running(service) as client:
        payload = {"action": "updated", "organization": "org-a"}
        response = await client.post(
            "/api/events/http/openchoreo.organization", json=payload, headers=AUTH
        )
        assert response.status_code == 202
        assert response.json() == {"status": "accepted", "topic": "openchoreo.organization"}
        async with sqlite_database.read() as conn:
            rows = await inbox.next_batch(conn, now=1e12, limit=10)
    assert [(row.topic, row.attempts) for row in rows] == [("openchoreo.organization", 0)]


def component(name: str, namespace: str = "org-x", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": "service", "lifecycle": "production", "owner": "guests", **spec},
    }


async def test_immediate_writes_answer_as_documented(
    database: Database, simulator: InProcessSimulator
) -> None:
    service = in_process(database, simulator.base_url)
    path = "/api/catalog/immediate/entities"
    async with running(service) as client:
        created = await client.post(path, json=component("svc-a"), headers=AUTH)
        assert created.status_code == 201
        body = created.json()
        assert body["entityRef"] == "component:org-x/svc-a"
        assert body["entity"]["metadata"]["uid"]
        assert body["entity"]["metadata"]["annotations"]["backstage.io/managed-by-location"] == (
            f"provider:{PROVIDER}"
        )
        again = await client.post(path, json={"entity": component("svc-a", lifecycle="x")},
                                  headers=AUTH)  # fmt: skip
        assert again.status_code == 200
        assert again.json()["entity"]["spec"]["lifecycle"] == "x"

        for bad, field in [
            (component("svc_b-"), "metadata.name"),
            ({**component("svc-c"), "kind": ""}, "kind"),
            ({**component("svc-d"), "extra": 1}, "extra"),
            ([1, 2], "entity"),
        ]:
            refused = await client.post(path, json=bad, headers=AUTH)
            assert refused.status_code == 400, bad
            assert field in refused.json()["error"]["message"]
        malformed = await client.post(path, content=b"{nope", headers=AUTH)
        assert malformed.status_code == 400

        await service.store.apply_mutation("SomeoneElse", _delta(component("theirs")))
        conflict = await client.post(path, json=component("theirs"), headers=AUTH)
        assert conflict.status_code == 409
        assert "SomeoneElse" in conflict.json()["error"]["message"]
        assert (
            await client.delete(f"{path}/component/org-x/theirs", headers=AUTH)
        ).status_code == 409

        removed = await client.delete(f"{path}/Component/org-x/svc-a", headers=AUTH)
        assert removed.status_code == 200
        assert removed.json() == {"entityRef": "component:org-x/svc-a", "removed": True}
        missing = await client.delete(f"{path}/component/org-x/svc-a", headers=AUTH)
        assert missing.status_code == 404
        gone = await client.get("/api/catalog/entities/by-name/component/org-x/svc-a")
        assert gone.status_code == 404


def _delta(entity: dict[str, Any]) -> Any:
    from openchoreo_catalog.catalog import Delta

    return Delta(added=[entity])


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 5000 + b"]" * 5000,
        b'{"kind": "Component", "metadata": {"name": "a\\u0000b"}}',
        b'{"apiVersion": 1, "kind": [], "metadata": "x"}',
        b'{"apiVersion": "a/b", "kind": "K", "metadata": {"name": "n", "labels": {"k": 1}}}',
        b'{"apiVersion": "a/b", "kind": "K", "metadata": {"name": "n"}, "spec": {"owner": 7}}',
        b'{"apiVersion": "a/b", "kind": "K", "metadata": {"name": "' + b"x" * 5000 + b'"}}',
        b"\xff\xfe",
        b"1e999999",
    ],
)
async def test_hostile_input_is_a_400_never_a_500(
    sqlite_database: Database, simulator: InProcessSimulator, body: bytes
) -> None:
    async with running(in_process(sqlite_database, simulator.base_url)) as client:
        for path in ("/api/catalog/immediate/entities", "/api/events/http/openchoreo.component"):
            response = await client.post(path, content=body, headers=AUTH)
            assert response.status_code == 400, (path, response.text)


async def test_full_sync_mode_takes_events_and_immediate_writes(
    sqlite_database: Database, simulator: InProcessSimulator
) -> None:
    from openchoreo_catalog.events import inbox

    service = in_process(sqlite_database, simulator.base_url, mode="full")
    assert service.full is not None
    entry = simulator.admin.dataset(components=False)["orgs"][0]
    org, project = entry["org"]["name"], entry["projects"][0]["project"]["name"]
    simulator.admin.add_component(org, project, "comp-0700-evented")
    async with running(service) as client:
        listed = await client.get("/api/catalog/incremental/providers")
        assert listed.json()["data"] == {"providers": []}
        payload = {"action": "created", "organization": org, "project": project,
                   "component": "comp-0700-evented"}  # fmt: skip
        topic = "/api/events/http/openchoreo.component"
        assert (await client.post(topic, json=payload, headers=AUTH)).status_code == 202
        async with sqlite_database.read() as conn:
            batch = await inbox.next_batch(conn, now=1e12, limit=10)
        await service.drainer.process(batch)
        evented = await client.get(
            f"/api/catalog/entities/by-name/component/{org}/comp-0700-evented"
        )
        assert evented.status_code == 200
        annotations = evented.json()["metadata"]["annotations"]
        assert (
            annotations["backstage.io/managed-by-location"] == "provider:OpenChoreoEntityProvider"
        )

        ghost = component("comp-0701-ghost", namespace=org)
        created = await client.post("/api/catalog/immediate/entities", json=ghost, headers=AUTH)
        assert created.status_code == 201
        await service.full.run_once()
        assert (
            await client.get(f"/api/catalog/entities/by-name/component/{org}/comp-0701-ghost")
        ).status_code == 404
        assert (
            await client.get(f"/api/catalog/entities/by-name/component/{org}/comp-0700-evented")
        ).status_code == 200


async def test_metrics_count_the_items_the_provider_skipped(
    sqlite_database: Database, simulator: InProcessSimulator
) -> None:
    """Bad upstream data shows in /metrics, not only in the log (the counters were no-ops)."""
    service = in_process(sqlite_database, simulator.base_url)
    async with running(service) as client:
        before = _metric((await client.get("/metrics")).text, "openchoreo_provider_items_skipped")
        count_skipped("component")
        after = _metric((await client.get("/metrics")).text, "openchoreo_provider_items_skipped")
    assert after == before + 1


def _metric(text: str, name: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(f"{name}_total")]
    return float(line.split()[-1])
