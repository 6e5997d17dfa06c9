"""``openchoreo-catalog demo`` — until the service exists: walk a simulated platform.

Starts a simulator in this process and walks every list with the client, printing how many
items of each kind it found, how many requests that took, and how fast.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Annotated

import typer

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import fail


@app.command("demo")
def demo(
    orgs: Annotated[int, typer.Option(min=1, help="Organizations.")] = 2,
    projects: Annotated[int, typer.Option(min=1, help="Projects per organization.")] = 4,
    components: Annotated[int, typer.Option(min=1, help="Components per project.")] = 25,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    limit: Annotated[int, typer.Option(min=1, max=512, help="Page size.")] = 100,
) -> None:
    """Start a simulated OpenChoreo and walk it with the client, printing counts per kind."""
    from openchoreo_catalog.openchoreo import OpenChoreoError
    from openchoreo_catalog.pagination import PaginationError
    from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig

    config = SimulatorConfig(orgs=orgs, projects=projects, components=components, seed=seed)
    with InProcessSimulator(config) as simulator:
        typer.echo(f"Simulated OpenChoreo at {simulator.base_url}")
        try:
            counts, requests, elapsed = asyncio.run(_walk(simulator.base_url, limit))
        except (OpenChoreoError, PaginationError) as error:
            fail(str(error))
    width = max(len(kind) for kind in counts)
    for kind, count in counts.items():
        typer.echo(f"  {kind:<{width}}  {count:>8,}")
    typer.echo(f"{requests:,} requests in {elapsed:.2f} s")


async def _walk(base_url: str, limit: int) -> tuple[Counter[str], int, float]:
    from openchoreo_catalog.openchoreo import OpenChoreoClient

    counts: Counter[str] = Counter()
    started = time.perf_counter()
    async with OpenChoreoClient(base_url, page_size=limit) as client:
        orgs = await client.all_orgs()
        counts["organizations"] = len(orgs)
        for org in orgs:
            name = org.name
            counts["environments"] += len(await client.all_environments(name))
            counts["dataplanes"] += len(await client.all_dataplanes(name))
            counts["buildplanes"] += len(await client.all_buildplanes(name))
            counts["component types"] += len(await client.all_component_types(name))
            counts["workflows"] += len(await client.all_workflows(name))
            counts["component workflows"] += len(await client.all_component_workflows(name))
            counts["traits"] += len(await client.all_traits(name))
            counts["secret references"] += len(await client.all_secret_references(name))
            for project in await client.all_projects(name):
                counts["projects"] += 1
                await client.get_deployment_pipeline(name, project.name)
                counts["deployment pipelines"] += 1
                components = await client.all_components(name, project.name)
                counts["components"] += len(components)
                details = await asyncio.gather(
                    *(
                        client.get_component(name, project.name, c.name, include=["workload"])
                        for c in components
                    )
                )
                for component in details:
                    workload = component.workload
                    counts["endpoints (APIs)"] += len(workload.endpoints) if workload else 0
        requests = client.stats.total_requests
    return counts, requests, time.perf_counter() - started
