"""The simulator as one ASGI application: API, admin, health, faults and request counting.

Per API request: route → auth → faults that replace the answer (latency, drop, error,
throttle, expire) → the handler → faults that spoil the answer (wrong types, padding, broken
JSON, hostile names) → count it → send.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from typing import Any

import orjson

from openchoreo_catalog.simulator import admin, api
from openchoreo_catalog.simulator.config import SimulatorConfig
from openchoreo_catalog.simulator.errors import EXPIRED_MESSAGE, SimError
from openchoreo_catalog.simulator.faults import FaultRule, FaultSet
from openchoreo_catalog.simulator.http import (
    Receive,
    Request,
    Response,
    Scope,
    Send,
    drop_connection,
    error_response,
    json_response,
    send_response,
)
from openchoreo_catalog.simulator.listing import ListContext
from openchoreo_catalog.simulator.requests_log import RequestLog
from openchoreo_catalog.simulator.world import World

API_PREFIX = "api"
API_VERSION = "v1"
_TEXT = b"text/plain; charset=utf-8"


class SimulatorApp:
    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.initial_config = config or SimulatorConfig()
        self.world = World(self.initial_config)
        self.faults = FaultSet(self.initial_config.seed)
        self.log = RequestLog()
        self._install_initial_faults()

    @property
    def config(self) -> SimulatorConfig:
        return self.world.config

    def _install_initial_faults(self) -> None:
        for spec in self.initial_config.faults:
            self.faults.add(spec)

    def reset(self) -> None:
        self.world = World(self.initial_config)
        self.faults = FaultSet(self.initial_config.seed)
        self.log.reset()
        self._install_initial_faults()

    def change_settings(self, body: dict[str, Any]) -> dict[str, Any]:
        self.world.config = admin.settings_patch(self.world.config, body)
        return self.state()

    def state(self) -> dict[str, Any]:
        config = dataclasses.asdict(self.config)
        config["token"] = "***" if config.get("token") else None
        return {
            "resourceVersion": str(self.world.rv),
            "tokenGeneration": self.world.token_generation,
            "counts": self.world.counts(),
            "config": config,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request.from_scope(scope, receive)
        segments = request.segments
        if segments[:2] == [API_PREFIX, API_VERSION]:
            await self._api(request, segments[2:], send)
            return
        if segments[:1] == ["__admin"]:
            await send_response(send, await admin.handle(self, request))
            return
        if segments in (["health"], ["ready"]) and request.method == "GET":
            await send_response(send, Response(200, b"OK", content_type=_TEXT))
            return
        await send_response(send, error_response(404, "NOT_FOUND", "Not found"))

    async def _api(self, request: Request, segments: list[str], send: Send) -> None:
        arrived = time.time()
        found = api.match(segments)
        endpoint = f"{request.method} /api/v1{found[0].template if found else '/…'}"
        auth = self._auth(request)
        continuing = bool(request.query.get("continue"))
        fired = self.faults.firing(request.path, continuing) if found else {}
        delay = self.config.latency_ms + float(
            fired["latency"].params.get("ms", 0) if "latency" in fired else 0
        )
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        if "drop" in fired and drop_connection(send):
            self.log.record(
                endpoint, request.method, request.path, request.query_string, 0, auth, at=arrived
            )
            return
        response = self._answer(request, found, fired, auth, continuing)
        self.log.record(
            endpoint,
            request.method,
            request.path,
            request.query_string,
            response.status,
            auth,
            at=arrived,
        )
        await send_response(send, response)

    def _answer(
        self,
        request: Request,
        found: tuple[api.Route, list[str]] | None,
        fired: dict[str, FaultRule],
        auth: str,
        continuing: bool,
    ) -> Response:
        if found is None:
            return error_response(404, "NOT_FOUND", "Not found")
        if request.method != "GET":
            return error_response(405, "METHOD_NOT_ALLOWED", "The simulator serves GET only")
        if auth in ("missing", "wrong"):
            return error_response(401, "UNAUTHORIZED", "Authentication required")
        if "drop" in fired:  # the server cannot drop connections: the next worst thing
            return error_response(502, "BAD_GATEWAY", "Connection dropped")
        if "error" in fired:
            rule = fired["error"]
            status = int(rule.params.get("status", 503))
            code = str(rule.params.get("code") or _default_code(status))
            response = error_response(status, code, "Injected failure")
            if "retryAfter" in rule.params:
                response.headers.append((b"retry-after", str(rule.params["retryAfter"]).encode()))
            return response
        if "throttle" in fired:
            retry_after = str(fired["throttle"].params.get("retryAfter", "1"))
            response = error_response(429, "TOO_MANY_REQUESTS", "Too many requests")
            response.headers.append((b"retry-after", retry_after.encode()))
            return response
        route, params = found
        if "expire" in fired and continuing and route.paged:
            return error_response(410, "CONTINUE_TOKEN_EXPIRED", EXPIRED_MESSAGE)
        try:
            limit = api.limit_for(route, request.query)
            ctx = ListContext(
                self.world, request.path, request.query, fired, limit, self.faults.rng
            )
            data = route.handler(ctx, params)
        except SimError as error:
            return error_response(error.status, error.code, error.message)
        return _spoil(json_payload(data), fired, self.faults.rng)

    def _auth(self, request: Request) -> str:
        expected = self.config.token
        header = request.headers.get(b"authorization")
        if expected is None:
            return "not-required" if header is None else "present"
        if header is None:
            return "missing"
        return "ok" if header == f"Bearer {expected}".encode() else "wrong"


def json_payload(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def _default_code(status: int) -> str:
    return {
        429: "TOO_MANY_REQUESTS",
        502: "BAD_GATEWAY",
        503: "SERVICE_UNAVAILABLE",
        504: "GATEWAY_TIMEOUT",
    }.get(status, "INTERNAL_ERROR")


def _spoil(payload: dict[str, Any], fired: dict[str, FaultRule], rng: random.Random) -> Response:
    data = payload["data"]
    if "hostile_names" in fired and isinstance(data, dict) and "items" in data:
        style = fired["hostile_names"].params.get("style", "long")
        for item in data["items"]:
            item["name"] = _hostile(str(item["name"]), style)
    if "wrong_type" in fired:
        field = str(fired["wrong_type"].params.get("field", "name"))
        target = data
        if isinstance(data, dict) and isinstance(data.get("items"), list) and data["items"]:
            target = data["items"][0]
        if isinstance(target, dict):
            target[field] = 12345 if not isinstance(target.get(field), int) else "12345"
    if "huge" in fired and isinstance(data, dict):
        size = int(float(fired["huge"].params.get("mb", 10)) * 1024 * 1024)
        data["padding"] = "x" * size
    body = orjson.dumps(payload)
    if "malformed_json" in fired:
        body = body[: max(1, len(body) // 2)]
    return Response(200, body)


def _hostile(name: str, style: str) -> str:
    if style == "non_ascii":
        return f"{name}-ünïcødé-名前"
    return (name + "-" + "x" * 300)[:300]


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


__all__ = ["SimulatorApp", "json_response"]
