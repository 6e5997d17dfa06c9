"""The default auth policy: mutating routes need a token, reads are open unless protected."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, Depends

from openchoreo_catalog.api import Subject, subject
from openchoreo_catalog.db import Database
from tests.fixtures.app import AUTH, TOKEN, app_settings, client_for

probe = APIRouter(prefix="/api/probe")


@probe.api_route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def echo(who: Subject = Depends(subject)) -> dict[str, object]:  # noqa: B008
    return {"subject": who.name, "authenticated": who.authenticated}


@pytest.fixture
async def client(sqlite_database: Database) -> httpx.AsyncClient:
    async with client_for(sqlite_database, routers=[probe]) as client:
        yield client  # type: ignore[misc]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_mutating_routes_need_a_token(client: httpx.AsyncClient, method: str) -> None:
    missing = await client.request(method, "/api/probe/echo")
    assert missing.status_code == 401
    assert missing.json()["error"]["name"] == "AuthenticationError"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = await client.request(
        method, "/api/probe/echo", headers={"Authorization": "Bearer not-the-token"}
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["name"] == "NotAllowedError"
    malformed = await client.request(method, "/api/probe/echo", headers={"Authorization": TOKEN})
    assert malformed.status_code == 401
    right = await client.request(method, "/api/probe/echo", headers=AUTH)
    assert right.status_code == 200
    assert right.json() == {"subject": "tester", "authenticated": True}


async def test_the_policy_covers_routes_of_every_router(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/catalog/entities/by-refs", json={"entityRefs": []})
    assert response.status_code == 401


async def test_reads_are_open_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/probe/echo")
    assert response.json() == {"subject": "anonymous", "authenticated": False}
    assert (await client.get("/api/catalog/entities/by-query")).status_code == 200


async def test_protected_reads_need_a_token_but_health_stays_open(
    sqlite_database: Database,
) -> None:
    async with client_for(
        sqlite_database, settings=app_settings(protectReads=True), routers=[probe]
    ) as client:
        assert (await client.get("/api/probe/echo")).status_code == 401
        assert (await client.get("/api/catalog/entities/by-query")).status_code == 401
        wrong = await client.get(
            "/api/probe/echo", headers={"Authorization": "Bearer nope-nope-nope"}
        )
        assert wrong.status_code == 403
        assert (await client.get("/api/probe/echo", headers=AUTH)).json()["subject"] == "tester"
        assert (await client.get("/.backstage/health/v1/liveness")).status_code == 200
        assert (await client.get("/.backstage/health/v1/readiness")).status_code == 200


async def test_the_policy_can_be_disabled(sqlite_database: Database) -> None:
    settings = app_settings(dangerouslyDisableDefaultAuthPolicy=True)
    async with client_for(sqlite_database, settings=settings, routers=[probe]) as client:
        assert (await client.post("/api/probe/echo")).json()["subject"] == "anonymous"
        assert (await client.post("/api/probe/echo", headers=AUTH)).json()["subject"] == "tester"


async def test_without_configured_tokens_nothing_can_mutate(sqlite_database: Database) -> None:
    from openchoreo_catalog.config import Settings

    async with client_for(sqlite_database, settings=Settings(), routers=[probe]) as client:
        assert (await client.post("/api/probe/echo", headers=AUTH)).status_code == 403
        assert (await client.post("/api/probe/echo")).status_code == 401


async def test_tokens_never_appear_in_error_bodies(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/probe/echo", headers={"Authorization": "Bearer secret-guess-123"}
    )
    assert "secret-guess-123" not in response.text
