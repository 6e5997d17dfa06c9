"""``/__admin``: steer a running simulator from tests, benchmarks and the demo (JSON).

* ``GET /__admin/state`` — resource version, counts, config
* ``POST /__admin/reset`` — back to the start: dataset, faults, counters
* ``PATCH /__admin/settings`` — ``{"tokenTtl": s, "latencyMs": n, "token": t}``
* ``GET /__admin/faults`` — active fault rules (with ``seen``/``applied``)
* ``POST /__admin/faults`` — add a rule or a list of rules (see ``faults.py``)
* ``DELETE /__admin/faults[/{id}]`` — remove all rules, or one
* ``GET /__admin/requests[?recent=false]`` — counts per endpoint/status, recent requests
* ``DELETE /__admin/requests`` — reset the counts
* ``POST /__admin/tokens/expire`` — every continue token handed out is now expired
* ``GET /__admin/dataset[?org=&components=false]`` — the ground truth, nested
* ``POST /__admin/orgs`` — ``{"name", "displayName"?, "projects"?, "components"?}``
* ``PATCH|DELETE /__admin/orgs/{org}`` — change fields / remove
* ``POST /__admin/orgs/{org}/projects`` — ``{"name", …, "components"?}``
* ``PATCH|DELETE …/projects/{project}``
* ``POST …/projects/{project}/components`` — ``{"name", "type"?, "endpoints"?}``
  (endpoints: ``{name: {type, port, schema?: {type, content}}}``)
* ``PATCH|DELETE …/components/{component}``
* ``PUT …/components/{component}/endpoints`` — replace the workload's endpoints map

Names must be valid Kubernetes names unless the body says ``"allowInvalidName": true``
(hostile-data tests). Changes answer ``{"resourceVersion": "<rv>"}``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import orjson

from openchoreo_catalog.simulator.errors import SimError, invalid_input
from openchoreo_catalog.simulator.faults import FaultSpecError
from openchoreo_catalog.simulator.http import Request, Response, error_response, json_response

if TYPE_CHECKING:
    from openchoreo_catalog.simulator.app import SimulatorApp

MAX_DATASET_COMPONENTS = 250_000


async def handle(app: SimulatorApp, request: Request) -> Response:
    segments = request.segments[1:]  # after "__admin"
    try:
        body = await request.json() if request.method in ("POST", "PUT", "PATCH") else {}
    except orjson.JSONDecodeError as error:
        return error_response(400, "INVALID_INPUT", f"the body is not JSON: {error}")
    try:
        return _route(app, request, segments, body)
    except SimError as error:
        return error_response(error.status, error.code, error.message)
    except FaultSpecError as error:
        return error_response(400, "INVALID_INPUT", str(error))


def _route(app: SimulatorApp, request: Request, s: list[str], body: Any) -> Response:
    method = request.method
    world = app.world
    head = s[0] if s else ""
    if head == "state" and method == "GET":
        return _ok(app.state())
    if head == "reset" and method == "POST":
        app.reset()
        return _ok(app.state())
    if head == "settings" and method == "PATCH":
        return _ok(app.change_settings(_object(body)))
    if head == "faults":
        return _faults(app, method, s, body)
    if head == "requests":
        if method == "GET":
            return _ok(app.log.to_json(recent=request.query.get("recent") != "false"))
        if method == "DELETE":
            app.log.reset()
            return _ok({"total": 0})
    if s == ["tokens", "expire"] and method == "POST":
        return _ok({"tokenGeneration": world.expire_tokens()})
    if head == "dataset" and method == "GET":
        return _dataset(app, request)
    if head == "orgs":
        return _rv(_change(app, method, s[1:], _object(body)))
    return error_response(404, "NOT_FOUND", f"no admin route {method} /__admin/{'/'.join(s)}")


def _change(app: SimulatorApp, method: str, s: list[str], body: dict[str, Any]) -> int:
    world = app.world
    n = len(s)
    if n == 0 and method == "POST":
        return world.add_org(body)
    if n == 1:
        if method == "PATCH":
            return world.update_org(s[0], body)
        if method == "DELETE":
            return world.remove_org(s[0])
    if n >= 2 and s[1] != "projects":
        raise SimError(404, "NOT_FOUND", "no such admin route")
    if n == 2 and method == "POST":
        return world.add_project(s[0], body)
    if n == 3:
        if method == "PATCH":
            return world.update_project(s[0], s[2], body)
        if method == "DELETE":
            return world.remove_project(s[0], s[2])
    if n >= 4 and s[3] != "components":
        raise SimError(404, "NOT_FOUND", "no such admin route")
    if n == 4 and method == "POST":
        return world.add_component(s[0], s[2], body)
    if n == 5:
        if method == "PATCH":
            return world.update_component(s[0], s[2], s[4], body)
        if method == "DELETE":
            return world.remove_component(s[0], s[2], s[4])
    if n == 6 and s[5] == "endpoints" and method == "PUT":
        return world.update_component(s[0], s[2], s[4], {"endpoints": body})
    raise SimError(404, "NOT_FOUND", f"no admin route {method} for that path")


def _faults(app: SimulatorApp, method: str, s: list[str], body: Any) -> Response:
    if method == "GET" and len(s) == 1:
        return _ok({"faults": [rule.to_json() for rule in app.faults.rules]})
    if method == "POST" and len(s) == 1:
        specs = body if isinstance(body, list) else [body]
        added = [app.faults.add(spec).to_json() for spec in specs]
        return _ok({"faults": added})
    if method == "DELETE" and len(s) == 1:
        app.faults.clear()
        return _ok({"faults": []})
    if method == "DELETE" and len(s) == 2 and s[1].isdigit():
        if app.faults.remove(int(s[1])):
            return _ok({"removed": int(s[1])})
        return error_response(404, "NOT_FOUND", f"no fault rule {s[1]}")
    return error_response(404, "NOT_FOUND", "no such faults route")


def _dataset(app: SimulatorApp, request: Request) -> Response:
    org = request.query.get("org") or None
    components = request.query.get("components") != "false"
    if components and org is None and app.world.config.total_components > MAX_DATASET_COMPONENTS:
        return error_response(
            413,
            "TOO_LARGE",
            f"more than {MAX_DATASET_COMPONENTS} components: ask per org (?org=) "
            "or without components (?components=false)",
        )
    return _ok(app.world.dataset(org, components=components))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_input("the body must be a JSON object")
    return body


def _ok(payload: Any) -> Response:
    return json_response(200, payload)


def _rv(rv: int) -> Response:
    return _ok({"resourceVersion": str(rv)})


def settings_patch(config: Any, body: dict[str, Any]) -> Any:
    """A copy of ``config`` with the runtime-changeable settings in ``body`` applied."""
    changes: dict[str, Any] = {}
    names = {"tokenTtl": "token_ttl", "latencyMs": "latency_ms", "token": "token"}
    for key, value in body.items():
        if key not in names:
            raise invalid_input(f"unknown setting {key!r}; known: {', '.join(names)}")
        changes[names[key]] = value
    try:
        return dataclasses.replace(config, **changes)
    except (TypeError, ValueError) as error:
        raise invalid_input(str(error)) from None
