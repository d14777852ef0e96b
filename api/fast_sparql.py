"""The fast path for the commonest request, ``GET /sparql?query=…``, as a pure ASGI middleware.

Why: routing, the Request object, dependency resolution and the exception middleware of the
framework cost about a third of a millisecond per request, which is a third of the endpoint's
latency budget for small results. This middleware answers GET queries itself, with the same
code as the routed endpoint (``routes_sparql.answer_query``) and the same Response objects, so
status codes, messages, negotiation, streaming and client-disconnect handling are identical.
Everything else (a GET without ``query`` — the Service Description —, POST, HEAD, OPTIONS, other
paths) goes on to the application unchanged.

It sits inside the CORS middleware (and any operator middleware), so those still see every
request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers

from api.app import INTERNAL_ERROR, HttpError, Service, forwarded_url, text_error
from api.pool import PoolError
from api.routes_sparql import answer_query

log = logging.getLogger("normgraph.api")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SparqlFastPath:
    def __init__(self, app: ASGIApp, service: Service, path: str = "/sparql") -> None:
        self.app = app
        self.service = service
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        # decoded as the framework decodes query strings (latin-1 bytes, then percent-decoded UTF-8)
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        keys = {k for k, _ in params}
        if "query" not in keys or "update" in keys:  # the Service Description, or an error the route words
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            response = await answer_query(self.service, params, headers.get("accept"), _endpoint(scope, headers))
        except (HttpError, PoolError) as exc:
            response = text_error(exc.status, exc.message, exc.headers)
        except Exception:
            log.exception("unexpected error on GET %s", self.path)
            response = text_error(500, INTERNAL_ERROR)
        await response(scope, receive, send)


def _endpoint(scope: Scope, headers: Headers) -> str:
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if host is None:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return forwarded_url(headers.get, scheme, host, scope.get("root_path", "") + scope["path"])
