"""Consistent snapshots: a listing reads its first page's resource version to the end, even
while the platform changes; the next listing sees the changes."""

from __future__ import annotations

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.simulator import InProcessSimulator


def first_project(simulator: InProcessSimulator) -> tuple[str, str, list[dict[str, object]]]:
    org = simulator.admin.dataset()["orgs"][0]
    project = org["projects"][0]
    return org["org"]["name"], project["project"]["name"], project["components"]


async def test_pages_of_one_listing_read_the_first_pages_snapshot(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, project, before = first_project(simulator)
    names = [str(c["name"]) for c in before]
    admin = simulator.admin
    first = await openchoreo_client.list_components(org, project, limit=4)
    assert [c.name for c in first.items] == names[:4]

    admin.remove_component(org, project, names[5])
    admin.add_component(org, project, names[6] + "-new")  # sorts right after names[6]
    admin.update_component(org, project, names[9], displayName="Renamed ✓")
    admin.remove_component(org, project, names[1])  # already served: nothing changes

    pages = [first]
    while pages[-1].next_token:
        pages.append(
            await openchoreo_client.list_components(
                org, project, limit=4, continue_token=pages[-1].next_token
            )
        )
    seen = [c for page in pages for c in page.items]
    assert [c.name for c in seen] == names
    assert {page.resource_version for page in pages} == {first.resource_version}
    assert seen[9].display_name == before[9]["displayName"]

    fresh = await openchoreo_client.all_components(org, project, limit=4)
    expected = [n for n in names if n not in (names[1], names[5])]
    expected.insert(expected.index(names[6]) + 1, names[6] + "-new")
    assert [c.name for c in fresh] == expected
    renamed = next(c for c in fresh if c.name == names[9])
    assert renamed.display_name == "Renamed ✓"
    latest = await openchoreo_client.list_components(org, project, limit=1)
    assert int(latest.resource_version or 0) > int(first.resource_version or 0)


async def test_organizations_and_projects_are_snapshots_too(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    admin = simulator.admin
    truth = admin.dataset(components=False)
    orgs = [o["org"]["name"] for o in truth["orgs"]]
    org = orgs[0]
    projects = [p["project"]["name"] for p in truth["orgs"][0]["projects"]]

    first_orgs = await openchoreo_client.list_orgs(limit=1)
    first_projects = await openchoreo_client.list_projects(org, limit=1)
    admin.add_org("zzz-late-org", projects=2, components=3)
    admin.remove_project(org, projects[-1])

    rest_orgs = await openchoreo_client.list_orgs(limit=10, continue_token=first_orgs.next_token)
    rest_projects = await openchoreo_client.list_projects(
        org, limit=10, continue_token=first_projects.next_token
    )
    assert [o.name for o in [*first_orgs.items, *rest_orgs.items]] == orgs
    assert [p.name for p in [*first_projects.items, *rest_projects.items]] == projects

    assert [o.name for o in await openchoreo_client.all_orgs()] == [*orgs, "zzz-late-org"]
    assert [p.name for p in await openchoreo_client.all_projects(org)] == projects[:-1]
    late = await openchoreo_client.all_projects("zzz-late-org")
    assert len(late) == 2
    assert len(await openchoreo_client.all_components("zzz-late-org", late[0].name)) == 3


async def test_the_ground_truth_follows_changes(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, project, before = first_project(simulator)
    admin = simulator.admin
    endpoints = {"orders": {"type": "gRPC", "port": 9090}}
    admin.add_component(org, project, "checkout", type="deployment/service", endpoints=endpoints)
    admin.set_endpoints(org, project, str(before[0]["name"]), {"only": {"type": "UDP", "port": 53}})

    truth = admin.dataset(org)["orgs"][0]["projects"][0]["components"]
    by_name = {c["name"]: c for c in truth}
    assert by_name["checkout"]["workload"]["endpoints"] == endpoints
    listed = [c.name for c in await openchoreo_client.all_components(org, project)]
    assert listed == [c["name"] for c in truth]
    first = await openchoreo_client.get_component(
        org, project, str(before[0]["name"]), include=["workload"]
    )
    assert first.workload is not None
    assert list(first.workload.endpoints) == ["only"]
    assert first.workload.endpoints["only"].type == "UDP"
