"""The admin API: changes, faults, request counts, settings, reset and ground truth."""

from __future__ import annotations

import pytest

from openchoreo_catalog.simulator import AdminError, InProcessSimulator, SimulatorConfig
from openchoreo_catalog.simulator.admin_client import AdminClient


def test_changes_bump_the_resource_version_and_show_in_counts(
    simulator: InProcessSimulator,
) -> None:
    admin = simulator.admin
    start = admin.state()
    assert start["counts"] == {"orgs": 2, "projects": 6, "components": 72}
    org = admin.dataset(components=False)["orgs"][0]["org"]["name"]
    rv1 = admin.add_org("new-org", projects=2, components=5)
    rv2 = admin.add_project(org, "new-project", components=4)
    rv3 = admin.add_component(org, "new-project", "extra")
    rv4 = admin.remove_project(org, "new-project")
    assert int(start["resourceVersion"]) < int(rv1) < int(rv2) < int(rv3) < int(rv4)
    assert admin.state()["counts"] == {"orgs": 3, "projects": 8, "components": 82}
    admin.update_org("new-org", displayName="Nouvelle Organisation")
    assert admin.dataset("new-org")["orgs"][0]["org"]["displayName"] == "Nouvelle Organisation"
    admin.reset()
    assert admin.state()["counts"] == start["counts"]


def _add_a_name_another_project_holds(admin: AdminClient, org: str) -> str:
    projects = admin.dataset(org)["orgs"][0]["projects"]
    taken = projects[0]["components"][0]["name"]
    return admin.add_component(org, projects[1]["project"]["name"], taken)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda a, org: a.add_org(org), 409),
        (lambda a, org: a.add_org("Not_Valid"), 400),
        (lambda a, org: a.add_org("x" * 64), 400),
        (lambda a, org: a.remove_org("missing"), 404),
        (lambda a, org: a.add_project("missing", "p"), 404),
        (lambda a, org: a.remove_component(org, "missing", "c"), 404),
        (lambda a, org: _add_a_name_another_project_holds(a, org), 409),
        (lambda a, org: a.set_endpoints(org, "missing", "c", {}), 404),
        (lambda a, org: a.add_fault("no-such-kind"), 400),
        (lambda a, org: a.add_fault("error", rate=2), 400),
        (lambda a, org: a.add_fault("error", match="(unclosed"), 400),
        (lambda a, org: a.settings(colour="blue"), 400),
        (lambda a, org: a.settings(token_ttl=-1), 400),
    ],
)
def test_bad_admin_requests_are_refused_with_a_reason(
    simulator: InProcessSimulator,
    call,
    status: int,  # type: ignore[no-untyped-def]
) -> None:
    org = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    with pytest.raises(AdminError, match=f"HTTP {status}"):
        call(simulator.admin, org)


def test_faults_are_listed_counted_and_removed(simulator: InProcessSimulator) -> None:
    admin = simulator.admin
    first = admin.add_fault("latency", ms=1, match="^/api/v1/orgs$")
    admin.add_fault("error", status=500, match="/never$")
    import httpx

    headers = {"Authorization": f"Bearer {simulator.app.config.token}"}
    for _ in range(3):
        httpx.get(simulator.base_url + "/orgs", headers=headers)
    rules = {r["id"]: r for r in admin.faults()}
    assert rules[first]["seen"] == 3
    assert rules[first]["applied"] == 3
    admin.remove_fault(first)
    assert [r["kind"] for r in admin.faults()] == ["error"]
    admin.clear_faults()
    assert admin.faults() == []


def test_request_counts_are_per_endpoint_template(simulator: InProcessSimulator) -> None:
    import httpx

    admin = simulator.admin
    orgs = [o["org"]["name"] for o in admin.dataset(components=False)["orgs"]]
    headers = {"Authorization": f"Bearer {simulator.app.config.token}"}
    for org in orgs:
        httpx.get(f"{simulator.base_url}/orgs/{org}/projects", headers=headers)
    counts = admin.requests(recent=False)
    assert counts["byEndpoint"] == {"GET /api/v1/orgs/{orgName}/projects": len(orgs)}
    assert "recent" not in counts
    admin.reset_requests()
    assert admin.requests()["total"] == 0


def test_recent_requests_carry_the_time_they_arrived(simulator: InProcessSimulator) -> None:
    import time

    import httpx

    admin = simulator.admin
    admin.reset_requests()
    headers = {"Authorization": f"Bearer {simulator.app.config.token}"}
    admin.settings(latency_ms=200)  # arrival, not answer: the latency is not in the stamp
    try:
        sent = []
        for _ in range(3):
            sent.append(time.time())
            httpx.get(f"{simulator.base_url}/orgs", headers=headers)
    finally:
        admin.settings(latency_ms=0)
    stamps = [entry["at"] for entry in admin.requests()["recent"]]
    assert len(stamps) == 3
    assert all(s <= at < s + 0.15 for s, at in zip(sent, stamps, strict=True))


def test_huge_datasets_are_served_per_org_only() -> None:
    config = SimulatorConfig(orgs=10, projects=10, components=10_000)
    with InProcessSimulator(config) as big:
        with pytest.raises(AdminError, match="HTTP 413"):
            big.admin.dataset()
        assert len(big.admin.dataset(components=False)["orgs"]) == 10
        assert big.admin.state()["counts"]["components"] == 1_000_000
