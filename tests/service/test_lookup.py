"""The catalog-backed lookup the event handler uses, on every database: scoped by provider,
organization, project (``project`` or ``project-id``) and component, case-insensitively."""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.catalog import CatalogStore, Delta
from openchoreo_catalog.db import Database
from openchoreo_catalog.service.lookup import CatalogLookup

MINE = "OpenChoreoIncrementalEntityProvider"


def entity(kind: str, name: str, namespace: str = "acme", **annotations: str) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {f"openchoreo.io/{k.replace('_', '-')}": v
                            for k, v in annotations.items()},
        },
        "spec": {},
    }  # fmt: skip


async def test_refs_in_each_scope(database: Database) -> None:
    store = CatalogStore(database)
    mine = [
        entity("Domain", "acme", "default", organization="acme"),
        entity("Environment", "dev", organization="acme"),
        entity("System", "web", organization="acme", project_id="web"),
        entity("DeploymentPipeline", "default", organization="acme", project="web"),
        entity("Component", "api", organization="acme", project="web", component="api"),
        entity("API", "api-rest", organization="acme", project="web", component="api"),
        entity("Component", "ui", organization="acme", project="web", component="ui"),
        entity("Component", "api", "other", organization="Other", project="web", component="api"),
        entity("System", "shop", organization="acme", project_id="shop"),
    ]
    await store.apply_mutation(MINE, Delta(added=mine))
    theirs = entity("Component", "x", organization="acme", project="web", component="api")
    await store.apply_mutation("SomeoneElse", Delta(added=[theirs]))
    lookup = CatalogLookup(database, MINE)

    assert await lookup.refs_in("acme", "web", "api") == ["api:acme/api-rest", "component:acme/api"]
    assert await lookup.refs_in("acme", "web") == [
        "api:acme/api-rest",
        "component:acme/api",
        "component:acme/ui",
        "deploymentpipeline:acme/default",
        "system:acme/web",
    ]
    assert len(await lookup.refs_in("acme")) == 8
    assert await lookup.refs_in("other", "web", "api") == ["component:other/api"]
    assert await lookup.refs_in("acme", "nope") == []
    assert await lookup.refs_in("acme", "web", "x" * 300) == []
