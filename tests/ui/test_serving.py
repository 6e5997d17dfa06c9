"""How the service serves the UI: the page at ``/``, its files under ``/ui/`` with exact
content types, a policy that allows this origin alone, revalidation, nothing outside the
static folder, and no token needed for the shell even when reads are protected."""

from __future__ import annotations

import re

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ui import STATIC_ROOT, ui_router
from tests.fixtures import app as fixtures
from tests.fixtures.app import AUTH, client_for


async def test_the_page_and_every_file_it_references_are_served(
    sqlite_database: Database,
) -> None:
    async with client_for(sqlite_database, routers=[ui_router()]) as client:
        page = await client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "connect-src 'self'" in policy
        referenced = re.findall(r'(?:src|href)="(/ui/[^"]+)"', page.text)
        assert referenced
        modules = sorted(p.name for p in (STATIC_ROOT / "js").glob("*.js"))
        for path in referenced + [f"/ui/js/{m}" for m in modules]:
            response = await client.get(path)
            assert response.status_code == 200, path
            assert response.headers["x-content-type-options"] == "nosniff"
        script = await client.get("/ui/js/main.js")
        assert script.headers["content-type"] == "text/javascript; charset=utf-8"
        again = await client.get(
            "/ui/js/main.js", headers={"If-None-Match": script.headers["etag"]}
        )
        assert again.status_code == 304


async def test_no_module_imports_anything_but_its_neighbours() -> None:
    """Every import is a relative path to a file that exists: no CDN, no bare package."""
    for module in (STATIC_ROOT / "js").glob("*.js"):
        for target in re.findall(r"from '([^']+)'", module.read_text()):
            assert target.startswith("./"), (module.name, target)
            assert (module.parent / target).is_file(), (module.name, target)
    for text in [
        p.read_text() for p in STATIC_ROOT.rglob("*") if p.suffix in (".js", ".css", ".html")
    ]:
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text


@pytest.mark.parametrize(
    "path",
    ["/ui/../router.py", "/ui/..%2F__init__.py", "/ui/js/../../router.py", "/ui/nope.js", "/ui/js"],
)
async def test_nothing_outside_the_static_files_is_served(
    sqlite_database: Database, path: str
) -> None:
    async with client_for(sqlite_database, routers=[ui_router()]) as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert "def " not in response.text


async def test_the_shell_is_open_when_reads_are_protected(sqlite_database: Database) -> None:
    settings = fixtures.app_settings(protectReads=True)
    async with client_for(sqlite_database, settings=settings, routers=[ui_router()]) as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/ui/app.css")).status_code == 200
        assert (await client.get("/api/catalog/entities")).status_code == 401
        assert (await client.get("/api/catalog/entities", headers=AUTH)).status_code == 200
