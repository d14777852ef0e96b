"""Routes: ``GET /workbench`` (the page; ``?query=`` fills the editor and runs it) and
``GET /workbench/static/{name}`` (the scripts, the stylesheet, the icon)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from api.app import HttpError, Service
from api.workbench.page import SECURITY_HEADERS, render
from loaders.namespaces import Iris

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
}
MAX_QUERY_CHARS = 100_000


class Asset:
    def __init__(self, path: Path) -> None:
        self.body = path.read_bytes()
        self.media_type = MEDIA_TYPES[path.suffix]
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def load_assets(directory: Path = STATIC_DIR) -> dict[str, Asset]:
    return {p.name: Asset(p) for p in sorted(directory.iterdir()) if p.is_file() and p.suffix in MEDIA_TYPES}


def register(app: FastAPI, service: Service) -> None:
    iris = Iris(service.settings.base)
    assets = load_assets()

    @app.api_route("/workbench", methods=["GET", "HEAD"], include_in_schema=False)
    async def workbench(request: Request) -> Response:
        query = request.query_params.get("query")
        if query is not None and len(query) > MAX_QUERY_CHARS:
            raise HttpError(414, f"the query in the URL is longer than {MAX_QUERY_CHARS} characters")
        return Response(render(iris, query or None), media_type="text/html; charset=utf-8",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    @app.api_route("/workbench/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def static(name: str, request: Request) -> Response:
        asset = assets.get(name)
        if asset is None:
            raise HttpError(404, f"no workbench file {name[:60]!r}")
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": asset.etag}
        if request.headers.get("if-none-match") == asset.etag:
            return Response(status_code=304, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)
