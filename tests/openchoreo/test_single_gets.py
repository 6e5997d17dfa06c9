"""Single resources: organization, project, component (with ``include``), pipeline, schemas."""

from __future__ import annotations

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.openchoreo.models import ENDPOINT_TYPES
from openchoreo_catalog.simulator import InProcessSimulator


async def test_org_and_project_match_the_ground_truth(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    truth = simulator.admin.dataset()["orgs"][1]
    org = await openchoreo_client.get_org(truth["org"]["name"])
    assert org.model_dump(by_alias=True, exclude_none=True) == truth["org"]
    project_truth = truth["projects"][0]["project"]
    project = await openchoreo_client.get_project(truth["org"]["name"], project_truth["name"])
    assert project.model_dump(by_alias=True, exclude_none=True) == project_truth


async def test_a_component_has_its_workflow_and_only_with_include_its_workload(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org = simulator.admin.dataset()["orgs"][0]
    o, project = org["org"]["name"], org["projects"][0]
    truth = next(c for c in project["components"] if c["type"] == "deployment/service")
    p, c = project["project"]["name"], truth["name"]

    listed = next(x for x in await openchoreo_client.all_components(o, p) if x.name == c)
    plain = await openchoreo_client.get_component(o, p, c)
    full = await openchoreo_client.get_component(o, p, c, include=["type", "workload"])

    assert listed.workload is None
    assert listed.component_workflow is None
    assert plain.workload is None
    assert plain.component_workflow is not None
    assert plain.component_workflow.name == truth["componentWorkflow"]["name"]
    assert full.workload is not None
    assert full.model_dump(by_alias=True, exclude_none=True) == truth
    endpoints = full.workload.endpoints
    assert len(endpoints) == simulator.app.config.endpoints
    assert all(e.type in ENDPOINT_TYPES and 0 < e.port < 65536 for e in endpoints.values())
    assert listed.workload_type == "deployment"
    assert listed.component_type_name == "service"


async def test_the_deployment_pipeline_promotes_through_the_environments(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org = simulator.admin.dataset(components=False)["orgs"][0]
    o = org["org"]["name"]
    p = org["projects"][0]["project"]
    pipeline = await openchoreo_client.get_deployment_pipeline(o, p["name"])
    assert pipeline.name == p["deploymentPipeline"]
    environments = {e.name for e in await openchoreo_client.all_environments(o)}
    path_envs = {path.source_environment_ref for path in pipeline.promotion_paths} | {
        t.name for path in pipeline.promotion_paths for t in path.target_environment_refs
    }
    assert path_envs == environments
    assert pipeline.promotion_paths[-1].target_environment_refs[0].name == "production"


async def test_every_schema_endpoint_returns_a_json_schema(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    o = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    c = openchoreo_client
    schemas = [
        *[await c.get_component_type_schema(o, t.name) for t in await c.all_component_types(o)],
        *[await c.get_trait_schema(o, t.name) for t in await c.all_traits(o)],
        *[await c.get_workflow_schema(o, w.name) for w in await c.all_workflows(o)],
        *[
            await c.get_component_workflow_schema(o, w.name)
            for w in await c.all_component_workflows(o)
        ],
    ]
    assert len(schemas) >= 4
    assert all(s["type"] == "object" and isinstance(s["properties"], dict) for s in schemas)
