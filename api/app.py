"""The HTTP service: SPARQL 1.1 Protocol at /sparql, Graph Store HTTP Protocol at /store.

Errors are plain text with a 4xx (or 503) status and a message that says what is wrong;
nothing here ever answers with a stack trace."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import conneg
from api.pool import PoolError, Single, WorkerPool
from api.sparql_guard import Refused, analyse, check_nesting, check_outgoing
from api.writes import Unauthorised, Writer
from graph import store
from graph.config import Settings

log = logging.getLogger("normgraph.api")

RDF_MEDIA_TYPES = {
    "text/turtle", "application/x-turtle", "application/n-triples", "text/plain", "application/rdf+xml",
    "application/ld+json", "application/n-quads", "application/trig", "text/n3",
}
INTERNAL_ERROR = "internal error: the request could not be completed (the server log has details)"
CHARSET_TEXT = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain"}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def text_error(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def media_type_of(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.headers.get("content-type", "")
    parts = [p.strip() for p in raw.split(";")]
    params = {}
    for p in parts[1:]:
        key, _, value = p.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return parts[0].lower(), params


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise HttpError(413, f"the request body is larger than the limit of {limit} bytes")
        except ValueError:
            raise HttpError(400, "Content-Length is not a number") from None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HttpError(413, f"the request body is larger than the limit of {limit} bytes")
    return bytes(body)


def decode_utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"{what} is not valid UTF-8 (byte {exc.start})") from None


def public_url(request: Request) -> str:
    """The endpoint URL as the client sees it (honours X-Forwarded-* from a trusted proxy)."""
    url = request.url
    return forwarded_url(request.headers.get, url.scheme, url.netloc, url.path)


def forwarded_url(header: Callable[[str], str | None], scheme: str, netloc: str, path: str) -> str:
    proto = header("x-forwarded-proto") or scheme
    host = header("x-forwarded-host") or netloc
    prefix = (header("x-forwarded-prefix") or "").rstrip("/")
    return f"{proto}://{host}{prefix}{path}"


class Service:
    """The state of one running service: settings, workers, writer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = WorkerPool(settings.workers, settings.query_timeout, settings.queue_wait)
        self.writer = Writer(settings, self.pool)
        self._graphs_cache: tuple[str, dict[str, int]] | None = None
        self._names_cache: tuple[dict[str, int], frozenset[str]] | None = None
        self.stats = {"refused": 0}  # queries refused by the outgoing-request guard (for /metrics)

    def current(self) -> str:
        path = store.current_location(self.settings.data_dir)
        if path is None:
            raise HttpError(503, "no dataset is published yet (run: normgraph build)")
        return path

    def graph_counts(self) -> dict[str, int]:
        path = self.current()
        if self._graphs_cache is None or self._graphs_cache[0] != path:
            try:
                counts = store.read_manifest(self.settings.data_dir).get("graphs", {})
            except (store.NoDataset, OSError, ValueError):
                counts = {}
            self._graphs_cache = (path, counts)
        return self._graphs_cache[1]

    def graph_names(self) -> frozenset[str]:
        """Names of the published graphs (for the FROM guard on every query), cached per store."""
        counts = self.graph_counts()
        if self._names_cache is None or self._names_cache[0] is not counts:
            self._names_cache = (counts, frozenset(counts))
        return self._names_cache[1]

    def query_job(self, query: str, *, result_format: str = "json", graph_format: str = "turtle",
                  inferred: bool | None = None, default_uris: list[str] | None = None,
                  named_uris: list[str] | None = None, row_cap: int | None = None, all_graphs: bool = False,
                  **extra: Any) -> dict[str, Any]:
        """The one description of a query for the workers (endpoint, pages and canned queries alike).

        ``all_graphs``: the union of every graph whatever the configured default graph (pages,
        which say with GRAPH patterns which graph a statement comes from)."""
        inferred = self.settings.include_inferred if inferred is None else inferred
        dataset = {"union": True} if all_graphs else self.dataset_options(default_uris or [], named_uris or [], inferred)
        return {"kind": "query", "store": self.current(), "query": query,
                "row_cap": self.settings.row_cap if row_cap is None else row_cap,
                "result_format": result_format, "graph_format": graph_format, **dataset, **extra}

    async def collect(self, job: dict[str, Any], timeout: float | None = None) -> bytes:
        """Run a job and return its whole answer (for answers the server itself reads)."""
        _, chunks = await self.pool.run({**job, "whole": True}, timeout=timeout)
        return b"".join([chunk async for chunk in chunks])

    async def select(self, query: str, *, inferred: bool | None = None, timeout: float | None = None,
                     substitutions: dict[str, Any] | None = None, row_cap: int | None = None,
                     all_graphs: bool = False) -> list[dict[str, Any]]:
        """Run a SELECT through the workers; rows as dicts of SPARQL-JSON terms ({"type", "value", …}).

        For pages and canned queries: the same limits and isolation as /sparql."""
        extra = {"substitutions": substitutions} if substitutions else {}
        job = self.query_job(query, inferred=inferred, row_cap=row_cap, all_graphs=all_graphs, **extra)
        return json.loads(await self.collect(job, timeout))["results"]["bindings"]

    async def ask(self, query: str) -> bool:
        return bool(json.loads(await self.collect(self.query_job(query)))["boolean"])

    def dataset_options(self, default_uris: list[str], named_uris: list[str], inferred: bool) -> dict[str, Any]:
        if default_uris or named_uris:  # the protocol's dataset replaces the query's and ours
            return {"default_graph": default_uris, "named_graphs": named_uris}
        if self.settings.default_graph == "default":
            return {}
        if inferred:
            return {"union": True}
        names = [g for g in self.graph_counts() if g and not g.endswith("/graph/inferred")]
        return {"default_graph": names}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    service = Service(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.pool.start()
        yield
        await service.pool.stop()

    app = FastAPI(
        title="normgraph", version="0.1.0", lifespan=lifespan,
        description="A linked-data knowledge graph of responsible behaviour in cyberspace: SPARQL 1.1 endpoint "
        "and Graph Store.",
    )
    app.state.service = service
    from api.fast_sparql import SparqlFastPath

    app.add_middleware(SparqlFastPath, service=service)  # added first: innermost, inside CORS and the operator's middleware
    app.add_middleware(
        CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"], allow_headers=["*"],
        expose_headers=["X-Result-Truncated", "X-Row-Cap", "Vary", "Content-Type"], max_age=600,
    )

    @app.exception_handler(HttpError)
    async def _http_error(_: Request, exc: HttpError) -> Response:
        return text_error(exc.status, exc.message, exc.headers)

    @app.exception_handler(PoolError)
    async def _pool_error(_: Request, exc: PoolError) -> Response:
        return text_error(exc.status, exc.message, exc.headers)

    @app.exception_handler(Unauthorised)
    async def _unauthorised(_: Request, exc: Unauthorised) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="normgraph"'} if exc.status == 401 else None
        return text_error(exc.status, exc.message, headers)

    @app.exception_handler(StarletteHTTPException)
    async def _starlette_error(_: Request, exc: StarletteHTTPException) -> Response:
        return text_error(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return text_error(500, INTERNAL_ERROR)

    from api.routes_queries import register as register_queries
    from api.routes_sparql import register as register_sparql
    from api.routes_store import register as register_store
    from api.workbench import register as register_workbench

    register_sparql(app, service)
    register_store(app, service)
    register_queries(app, service)
    register_workbench(app, service)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return PlainTextResponse("ok\n")

    from api.readiness import RemoteProbe

    probe = RemoteProbe(settings)

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            record = service.current()
        except HttpError as exc:
            return text_error(503, exc.message)
        problem = await probe.problem(record)
        if problem is not None:
            return text_error(503, f"not ready: the remote store does not answer: {problem}")
        return PlainTextResponse("ready\n")

    from api.linked_data import register as register_linked_data

    register_linked_data(app, service)

    from api.observability import attach

    attach(app, service)  # last: it learns the routes; its middleware is the outermost
    return app


def negotiate(formats: list[conneg.Format], request: Request, fmt_param: str | None) -> conneg.Format:
    return negotiate_accept(formats, request.headers.get("accept"), fmt_param)


def negotiate_accept(formats: list[conneg.Format], accept: str | None, fmt_param: str | None) -> conneg.Format:
    if fmt_param:
        chosen = conneg.by_name(formats, fmt_param)
        if chosen is None:
            names = ", ".join(f.name for f in formats)
            raise HttpError(400, f"format={fmt_param!r} is not available here (use one of: {names})")
        return chosen
    chosen = conneg.choose(formats, accept)
    if chosen is None:
        offered = ", ".join(f.media_type for f in formats)
        raise HttpError(406, f"none of the media types in Accept can be served; available: {offered}")
    return chosen


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in CHARSET_TEXT or media_type.endswith(("+json", "+xml", "json")) \
        else media_type


def stream(meta: dict[str, Any], chunks: AsyncIterator[bytes], media_type: str, row_cap: int, vary: bool = True) -> Response:
    headers = {"Vary": "Accept"} if vary else {}
    if row_cap:
        headers["X-Row-Cap"] = str(row_cap)
    if meta.get("truncated"):
        headers["X-Result-Truncated"] = "true"
    if isinstance(chunks, Single):  # small answers: one plain response, no streaming machinery
        return Response(chunks.body, media_type=content_type(media_type), headers=headers)
    return StreamingResponse(chunks, media_type=content_type(media_type), headers=headers)


def query_page(endpoint: str, query: str = "") -> Response:
    """People asking /sparql for HTML are sent to the workbench (303), with their query if any."""
    location = endpoint.rsplit("/sparql", 1)[0] + "/workbench"
    if query:
        location += "?" + urlencode({"query": query})
    return Response(status_code=303, headers={"Location": location, "Vary": "Accept"})


def parse_form(body: bytes) -> list[tuple[str, str]]:
    text = decode_utf8(body, "the form body")
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise HttpError(400, "the form body is not valid UTF-8 after percent-decoding") from None


def guard(service: Service, text: str, protocol_dataset: bool) -> str:
    analysis = analyse(text)
    try:
        check_nesting(analysis)
        # the graph names matter only to FROM / FROM NAMED: most queries have none, and skip the lookup
        local = service.graph_names() if analysis.from_graphs else frozenset()
        check_outgoing(analysis, service.settings.service_allowlist, local, protocol_dataset)
    except Refused as exc:
        service.stats["refused"] += 1
        raise HttpError(400, str(exc)) from None
    return analysis.form or ""
