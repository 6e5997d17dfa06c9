"""The generated platform: deterministic, valid names in order, every shape the API has."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from typing import Any

from openchoreo_catalog.simulator import SimulatorConfig
from openchoreo_catalog.simulator.hierarchy import ENDPOINT_TYPES, is_service_type
from openchoreo_catalog.simulator.names import is_k8s_name
from openchoreo_catalog.simulator.world import World

MEDIUM = SimulatorConfig(orgs=3, projects=4, components=40, seed=11, endpoints=3)


def components(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for o in truth["orgs"] for p in o["projects"] for c in p["components"]]


def test_the_same_seed_gives_the_same_platform_and_another_seed_another() -> None:
    assert World(MEDIUM).dataset() == World(MEDIUM).dataset()
    other = SimulatorConfig(orgs=3, projects=4, components=40, seed=12, endpoints=3)
    assert World(other).dataset() != World(MEDIUM).dataset()


def test_names_are_valid_kubernetes_names_in_order() -> None:
    truth = World(MEDIUM).dataset()
    lists = [[o["org"]["name"] for o in truth["orgs"]]]
    for org in truth["orgs"]:
        lists.append([p["project"]["name"] for p in org["projects"]])
        lists.extend([item["name"] for item in org[key]] for key in ("environments", "traits"))
        lists.extend([c["name"] for c in p["components"]] for p in org["projects"])
    for names in lists:
        assert names == sorted(names)
        assert len(set(names)) == len(names)
        assert all(is_k8s_name(name) for name in names), names


def test_component_names_are_unique_across_an_organizations_projects() -> None:
    """Components live in the organization's namespace: two projects never share a name
    (the generator once reused them, so half a catalog overwrote itself)."""
    world = World(SimulatorConfig(orgs=2, projects=50, components=100, seed=3))
    world.add_project(world.dataset(components=False)["orgs"][0]["org"]["name"], {
        "name": "proj-0007-not-generated", "components": 100})  # fmt: skip
    for org in world.dataset()["orgs"]:
        names = [c["name"] for p in org["projects"] for c in p["components"]]
        assert len(names) == 51 * 100 or len(names) == 50 * 100
        assert len(set(names)) == len(names)


def test_components_come_in_every_type_with_the_configured_share_of_services() -> None:
    items = components(World(MEDIUM).dataset())
    types = Counter(c["type"] for c in items)
    assert {
        "deployment/service",
        "deployment/web-app",
        "cronjob/scheduled-task",
        "statefulset/stateful-service",
        "Service",
        "WebApplication",
        "ScheduledTask",
    } <= set(types)
    services = sum(is_service_type(c["type"]) for c in items)
    assert abs(services / len(items) - MEDIUM.service_fraction) < 0.03


def test_service_workloads_cover_every_endpoint_type_some_with_schemas() -> None:
    items = components(World(MEDIUM).dataset())
    services = [c for c in items if is_service_type(c["type"])]
    assert all(len(c["workload"]["endpoints"]) == MEDIUM.endpoints for c in services)
    endpoints = [e for c in services for e in c["workload"]["endpoints"].values()]
    assert {e["type"] for e in endpoints} == set(ENDPOINT_TYPES)
    with_schema = [e for e in endpoints if e.get("schema", {}).get("content")]
    assert 0 < len(with_schema) < len(endpoints)
    assert all(1 <= e["port"] <= 65535 for e in endpoints)


def test_every_org_has_one_production_environment_and_typed_platform_lists() -> None:
    for org in World(MEDIUM).dataset()["orgs"]:
        assert [e["isProduction"] for e in org["environments"]].count(True) == 1
        allowed = [t for t in org["componentTypes"] if t.get("allowedWorkflows")]
        assert 0 < len(allowed) < len(org["componentTypes"])
        for key in ("dataplanes", "buildplanes", "workflows", "componentWorkflows", "traits"):
            assert len(org[key]) >= 2
        envs = {e["name"] for e in org["environments"]}
        for project in org["projects"]:
            paths = project["pipeline"]["promotionPaths"]
            assert {p["sourceEnvironmentRef"] for p in paths} < envs


def test_some_display_names_are_not_ascii() -> None:
    truth = World(MEDIUM).dataset()
    titles = [o["org"]["displayName"] for o in truth["orgs"]]
    titles += [p["project"]["displayName"] for o in truth["orgs"] for p in o["projects"]]
    titles += [c["displayName"] for c in components(truth)]
    assert any(not t.isascii() for t in titles)
    assert any(t.isascii() for t in titles)


def test_a_million_components_cost_almost_no_memory() -> None:
    tracemalloc.start()
    world = World(SimulatorConfig(orgs=10, projects=10, components=10_000, seed=3))
    org = world.orgs().page(world.rv, None, 100).items[-1]["name"]
    project = world.projects(org).page(world.rv, None, 100).items[-1]["name"]
    collection = world.components(org, project)
    last = collection.page(world.rv, collection.base.name(10_000 - 300), 512)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert world.config.total_components == 1_000_000
    assert len(last.items) == 299
    assert not last.more
    assert peak < 5 * 1024 * 1024
