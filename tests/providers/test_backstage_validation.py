"""Every entity a cycle produces passes Backstage's own validators (``@backstage/catalog-model``
and the scaffolder's Template validator, under Node.js).

Needs Node.js and ``npm ci --prefix tests/node`` (``make node-deps``). Without them the test
is skipped locally and fails under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.driver import run_cycle
from tests.providers.helpers import provider_for
from tests.simulator_fixtures import SIMULATOR_TOKEN

pytestmark = pytest.mark.node

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
SCRIPT = NODE_DIR / "validate-entities.cjs"
PACKAGES = ("@backstage/catalog-model", "@backstage/plugin-scaffolder-common")


def node_or_skip() -> str:
    node = shutil.which("node")
    missing = [p for p in PACKAGES if not (NODE_DIR / "node_modules" / p).is_dir()]
    if node and not missing:
        return node
    why = "node is not on PATH" if not node else f"missing npm packages {missing}"
    message = f"{why}: run `make node-deps`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def validate(entities: list[dict[str, Any]]) -> dict[str, Any]:
    node = node_or_skip()
    lines = "".join(json.dumps(entity) + "\n" for entity in entities)
    done = subprocess.run(
        [node, str(SCRIPT)],
        input=lines.encode(),
        capture_output=True,
        cwd=NODE_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)  # type: ignore[no-any-return]


async def test_a_cycles_entities_pass_backstage_validation() -> None:
    config = SimulatorConfig(
        orgs=3, projects=3, components=14, seed=53, endpoints=7, token=SIMULATOR_TOKEN
    )
    with InProcessSimulator(config) as sim:
        org = sim.admin.dataset(components=False)["orgs"][0]
        long_name = ("comp-" + "x" * 60)[:63]
        sim.admin.add_component(
            org["org"]["name"],
            org["projects"][0]["project"]["name"],
            long_name,
            endpoints={"public-api": {"type": "GraphQL", "port": 4000}},
        )
        sim.admin.add_fault("hostile_names", match=r"/dataplanes$", style="non_ascii")
        provider, _ = provider_for(sim, fetchComponentDetails="all")
        cycle = await run_cycle(provider)
    entities = list(cycle.entities.values())
    kinds = {entity["kind"] for entity in entities}
    assert kinds == {
        "Domain", "System", "Component", "API", "Environment", "Dataplane",
        "DeploymentPipeline", "Template",
    }  # fmt: skip
    report = validate(entities)
    assert report["checked"] == len(entities)
    assert report["errors"] == []


def test_the_validator_rejects_what_backstage_rejects() -> None:
    """The check has teeth: a bad name, a foreign root field and a Component without spec."""
    good = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "ok", "namespace": "acme"},
        "spec": {"type": "service", "lifecycle": "created", "owner": "guests"},
    }
    bad_name = {**good, "metadata": {"name": "x" * 64}}
    foreign = {**good, "status": {}}
    no_spec = {k: v for k, v in good.items() if k != "spec"}
    report = validate([good, bad_name, foreign, no_spec])
    assert report["checked"] == 4
    assert len(report["errors"]) == 3
