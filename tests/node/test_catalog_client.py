"""Backstage's own ``@backstage/catalog-client``, under Node, against the running API.

The npm packages are pinned by ``package-lock.json`` and installed by ``make node-deps``
(``npm ci --prefix tests/node``). Without Node or the packages the test is skipped
locally and fails under ``CI=true``, where they must be present.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from openchoreo_catalog.api import create_app
from openchoreo_catalog.api.server import running
from openchoreo_catalog.catalog import CatalogStore, Delta, entity_uid
from openchoreo_catalog.catalog.queries import QueryRequest, parse
from openchoreo_catalog.db import Database
from tests.fixtures.app import TOKEN, app_settings
from tests.fixtures.entities import component, entity

HERE = Path(__file__).parent
CLIENT = HERE / "node_modules" / "@backstage" / "catalog-client" / "package.json"

pytestmark = pytest.mark.node


def _require_node() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "Node.js is not installed"
    elif not CLIENT.is_file():
        problem = "tests/node/node_modules is missing; run `make node-deps`"
    if problem is None:
        assert node is not None
        return node
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem} (required in CI)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
async def base_url(database: Database) -> AsyncIterator[str]:
    batch = [
        component(f"svc-{i:02d}", "shop", system="store", tags=["java"] if i % 2 else ["go"])
        for i in range(15)
    ]
    batch += [
        entity("System", "store", "shop", spec={"owner": "team"}),
        entity("Group", "team", "shop"),
    ]
    await CatalogStore(database).apply_mutation("p", Delta(added=batch))
    app = create_app(app_settings(), database=database, migrate=False)
    async with running(app) as url:
        yield url


async def _run_client(node: str, base_url: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        node,
        str(HERE / "interop.mjs"),
        base_url,
        TOKEN,
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    result: dict[str, Any] = orjson.loads(out)
    return result


async def test_catalog_client_reads_what_the_store_holds(database: Database, base_url: str) -> None:
    node = _require_node()
    got = await _run_client(node, base_url)
    store = CatalogStore(database)
    components = [f"svc-{i:02d}" for i in range(15)]

    assert sorted(got["components"]) == components
    assert sorted(got["systemsOrGroups"]) == ["store", "team"]
    assert sorted(got["javaTagged"]) == [f"svc-{i:02d}" for i in range(1, 15, 2)]
    assert got["ordered"] == ["svc-14", "svc-13", "svc-12"]

    [expected] = parse(await store.entities_by_refs(["component:shop/svc-01"]))
    assert got["byRef"] == expected
    assert got["byCompoundRef"] == entity_uid("system:shop/store")
    assert got["missing"] is None

    assert got["firstTotal"] == 15
    assert got["pages"] == 3
    assert got["paged"] == components
    assert got["lastHasPrev"] is True

    everything = await store.query_entities(QueryRequest(limit=1000))
    assert got["allUids"] == [e["metadata"]["uid"] for e in parse(everything.items) if e]
    assert len(set(got["allUids"])) == 17

    assert sorted(got["textSearch"]) == [f"svc-{i}" for i in range(10, 15)]
    assert got["byRefs"] == ["team", None, "svc-03"]
    assert got["facets"] == {
        "facets": {
            "kind": [{"value": "Component", "count": 15}],
            "metadata.tags": [{"value": "go", "count": 8}, {"value": "java", "count": 7}],
        }
    }
    assert sorted(got["streamed"]) == components
    assert got["unauthenticated"] == "ResponseError:401"
