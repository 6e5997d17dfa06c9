"""``traits``: how many traits each organization has (tests of pickers need more than a page)."""

from __future__ import annotations

import httpx

from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig, SimulatorProcess


def test_traits_per_organization_in_process_and_through_the_cli() -> None:
    for make in (InProcessSimulator, SimulatorProcess):
        with make(SimulatorConfig(orgs=1, projects=0, traits=6)) as sim:
            org = httpx.get(sim.base_url + "/orgs").json()["data"]["items"][0]["name"]
            body = httpx.get(f"{sim.base_url}/orgs/{org}/traits", params={"limit": 4}).json()
            names = [t["name"] for t in body["data"]["items"]]
            token = body["data"]["metadata"]["continue"]
            rest = httpx.get(
                f"{sim.base_url}/orgs/{org}/traits", params={"limit": 4, "continue": token}
            ).json()
            names += [t["name"] for t in rest["data"]["items"]]
            schema = httpx.get(f"{sim.base_url}/orgs/{org}/traits/trait-0005/schema").json()
            assert [t["name"] for t in sim.admin.dataset()["orgs"][0]["traits"]] == names
        assert names == [
            "api-configuration",
            "autoscaler",
            "ingress",
            "observability-alerts",
            "trait-0004",
            "trait-0005",
        ]
        assert schema["data"]["title"] == "trait-0005"
