"""``GET /`` (the page) and ``GET /ui/{path}`` (its scripts, styles and icon).

Files are served from the package's ``static`` directory only: the path is resolved and must
stay inside it, and only known file types are served, each with its exact content type and
``nosniff``. Every response carries a Content-Security-Policy that allows this origin alone,
which also proves the pages need no network. Scripts and styles are revalidated with an ETag
(cheap 304s) so an upgraded service never runs yesterday's script.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from openchoreo_catalog.api.errors import NotFound

STATIC_ROOT = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    """The file's bytes and ETag (cached per modification time)."""
    body = path.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _serve(request: Request, relative: str) -> Response:
    path = (STATIC_ROOT / relative).resolve()
    content_type = CONTENT_TYPES.get(path.suffix)
    if content_type is None or not path.is_relative_to(STATIC_ROOT) or not path.is_file():
        raise NotFound(f"No UI file named '{relative}'")
    body, etag = _load(path, path.stat().st_mtime_ns)
    headers = {**SECURITY_HEADERS, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=content_type, headers=headers)


def ui_router() -> APIRouter:
    """The UI's routes (no prefix: the page is the service's front door)."""
    router = APIRouter(tags=["ui"], include_in_schema=False)

    @router.get("/")
    async def index(request: Request) -> Response:
        return _serve(request, "index.html")

    @router.get("/ui/{path:path}")
    async def static(request: Request, path: str) -> Response:
        return _serve(request, path)

    return router
