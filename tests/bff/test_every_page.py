"""Every BFF route returns everything, however many pages it takes (the seed's bug: the first
page only). Page size 1 makes each list the routes read span several pages; answers are
compared with the simulator's ground truth and its generators, and the simulator's request
log proves each list was read past its first page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from openchoreo_catalog.simulator import component_resources as resources
from openchoreo_catalog.simulator.platform import promotion_order
from tests.bff.conftest import MakeBff, components, continued, truth
from tests.simulator_fixtures import SIMULATOR_TOKEN

BASE = "/api/openchoreo"
SEED = 7  # tests.simulator_fixtures.SMALL


def with_at_least(sim: InProcessSimulator, kind: str, n: int = 2) -> tuple[str, str, Any]:
    """A component with at least ``n`` items of ``kind`` (``traits``, ``workflow_runs``)."""
    generate = getattr(resources, kind)
    for org, project, component in components(sim):
        if len(generate(SEED, component)) >= n:
            return org, project, component
    raise AssertionError(f"the simulator has no component with {n} {kind}")


def params(org: str, project: str, component: dict[str, Any]) -> dict[str, str]:
    return {"organizationName": org, "projectName": project, "componentName": component["name"]}


def components_path(org: str, project: str, component: str = "") -> str:
    path = f"/api/v1/orgs/{org}/projects/{project}/components"
    return f"{path}/{component}" if component else path


async def test_traits_pages_through_continue_to_the_last_trait(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org = truth(simulator)[0]
    names: list[str] = []
    token: str | None = None
    async with bff() as client:
        for _ in range(20):
            query = {"organizationName": f"domain:default/{org['org']['name']}", "limit": "1"}
            if token:
                query["continue"] = token
            body = (await client.get(f"{BASE}/traits", params=query)).json()
            assert set(body) == {"items", "metadata"}
            assert len(body["items"]) == 1
            names += [t["name"] for t in body["items"]]
            token = body["metadata"].get("continue")
            assert body["metadata"]["hasMore"] is (token is not None)
            if token is None:
                break
    assert names == [t["name"] for t in org["traits"]]
    assert len(names) > 1


async def test_traits_default_page_is_100_and_continue_brings_the_rest(bff: MakeBff) -> None:
    config = SimulatorConfig(orgs=1, projects=1, components=1, traits=130, token=SIMULATOR_TOKEN)
    with InProcessSimulator(config) as sim:
        org = truth(sim)[0]
        async with bff(512, sim=sim) as client:
            query = {"organizationName": org["org"]["name"]}
            first = (await client.get(f"{BASE}/traits", params=query)).json()
            token = first["metadata"]["continue"]
            rest = (await client.get(f"{BASE}/traits", params={**query, "continue": token})).json()
    assert (len(first["items"]), first["metadata"]["hasMore"]) == (100, True)
    assert rest["metadata"] == {"hasMore": False}
    assert [t["name"] for t in first["items"] + rest["items"]] == [t["name"] for t in org["traits"]]


async def test_component_traits_are_all_there(bff: MakeBff, simulator: InProcessSimulator) -> None:
    org, project, component = with_at_least(simulator, "component_traits")
    async with bff() as client:
        body = (
            await client.get(f"{BASE}/component-traits", params=params(org, project, component))
        ).json()
    assert body == resources.component_traits(SEED, component)
    assert f"{components_path(org, project, component['name'])}/traits" in continued(simulator)


async def test_builds_are_all_there_newest_first(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org, project, component = with_at_least(simulator, "workflow_runs", 3)
    async with bff() as client:
        body = (await client.get(f"{BASE}/builds", params=params(org, project, component))).json()
    runs = resources.workflow_runs(SEED, component)
    assert sorted(b["name"] for b in body) == sorted(r["name"] for r in runs)
    assert [b["createdAt"] for b in body] == sorted((r["createdAt"] for r in runs), reverse=True)
    path = f"{components_path(org, project, component['name'])}/workflow-runs"
    assert path in continued(simulator)


async def test_dashboard_counts_every_binding(bff: MakeBff, simulator: InProcessSimulator) -> None:
    org, project, component = components(simulator)[0]
    async with bff() as client:
        body = (
            await client.get(f"{BASE}/dashboard", params=params(org, project, component))
        ).json()
    bindings = resources.bindings(SEED, component)
    assert body == {
        "totalBindings": len(bindings),
        "byStatus": dict(Counter(b["status"]["status"] for b in bindings)),
        "byEnvironment": dict.fromkeys((b["environment"] for b in bindings), 1),
    }
    assert len(bindings) >= 3
    assert f"{components_path(org, project, component['name'])}/bindings" in continued(simulator)


async def test_environments_merge_every_binding_in_promotion_order(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org, project, component = components(simulator)[0]
    async with bff() as client:
        body = (
            await client.get(f"{BASE}/environments", params=params(org, project, component))
        ).json()
    envs = next(o for o in truth(simulator) if o["org"]["name"] == org)["environments"]
    assert [e["resourceName"] for e in body] == promotion_order([e["name"] for e in envs])
    bindings = {b["environment"]: b for b in resources.release_bindings(SEED, component)}
    for entry in body:
        binding = bindings[entry["resourceName"]]
        assert entry["deployment"]["deployed"] is True
        assert entry["deployment"]["releaseName"] == binding["releaseName"]
        assert entry["bindingName"] == binding["name"]
    assert body[0]["promotionTargets"][0]["name"] == body[1]["resourceName"]
    assert "promotionTargets" not in body[-1]
    seen = continued(simulator)
    assert f"/api/v1/orgs/{org}/environments" in seen
    assert f"{components_path(org, project, component['name'])}/release-bindings" in seen


async def test_cell_diagram_has_every_component_with_endpoints_and_connections(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org = truth(simulator)[0]
    project = org["project" + "s"][0]
    name = project["project"]["name"]
    async with bff() as client:
        body = (
            await client.get(
                f"{BASE}/cell-diagram",
                params={"organizationName": org["org"]["name"], "projectName": name},
            )
        ).json()
    expected = project["components"]
    assert [c["id"] for c in body["components"]] == [c["name"] for c in expected]
    for drawn, component in zip(body["components"], expected, strict=True):
        endpoints = component["workload"]["endpoints"]
        if endpoints:
            assert set(drawn["services"]) == set(endpoints)
        assert [c["label"] for c in drawn["connections"]] == list(
            component["workload"]["connections"]
        )
    assert components_path(org["org"]["name"], name) in continued(simulator)


async def test_platform_environments_and_dataplanes_of_every_organization(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    orgs = truth(simulator)
    async with bff() as client:
        envs = (await client.get(f"{BASE}/platform/environments")).json()
        planes = (await client.get(f"{BASE}/platform/dataplanes")).json()
        one = (
            await client.get(
                f"{BASE}/platform/environments",
                params={"organizationName": orgs[1]["org"]["name"]},
            )
        ).json()
    assert envs["success"] is True
    assert planes["success"] is True
    assert [(e["organization"], e["name"]) for e in envs["data"]] == [
        (o["org"]["name"], e["name"]) for o in orgs for e in o["environments"]
    ]
    assert [(d["organization"], d["name"]) for d in planes["data"]] == [
        (o["org"]["name"], d["name"]) for o in orgs for d in o["dataplanes"]
    ]
    assert [e["name"] for e in one["data"]] == [e["name"] for e in orgs[1]["environments"]]
    seen = continued(simulator)
    assert "/api/v1/orgs" in seen
    for org in orgs:
        assert f"/api/v1/orgs/{org['org']['name']}/dataplanes" in seen


async def test_platform_summary_counts_every_component_of_every_project(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org = truth(simulator)[0]
    name = org["org"]["name"]
    async with bff(concurrency=3) as client:
        body = (
            await client.get(f"{BASE}/platform/summary", params={"organizationName": name})
        ).json()
    every = [c for p in org["projects"] for c in p["components"]]
    bindings = [b for c in every for b in resources.release_bindings(SEED, c)]
    data = body["data"]
    assert data["totals"] == {
        "components": len(every),
        "deployedComponents": len(every),
        "bindings": len(bindings),
        "healthyBindings": sum(1 for b in bindings if b["status"] == "Ready"),
    }
    per_env = {e["name"]: e for e in data["environments"]}
    for env in org["environments"]:
        count = sum(1 for b in bindings if b["environment"] == env["name"])
        assert per_env[env["name"]]["componentCount"] == count == len(every)
        assert per_env[env["name"]]["healthyBindingCount"] == count
    seen = continued(simulator)
    assert f"/api/v1/orgs/{name}/projects" in seen
    for project in org["projects"]:
        assert components_path(name, project["project"]["name"]) in seen
