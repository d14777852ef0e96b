"""What an operator sees: request ids, the access log, the slow-query log and /metrics.

``Observability`` is a pure ASGI middleware (not Starlette's BaseHTTPMiddleware, which adds a
task and a memory stream per request and breaks streaming): it wraps ``send`` to learn the status
and the byte count, adds ``X-Request-Id`` to the response, and on completion updates the metrics
and writes one access-log line. The per-request cost is a few dict operations; the log line is
only built when its logger is enabled.

Route labels are route *templates* (``/id/{rest:path}``), never raw paths: a label per IRI
would let anyone grow the metrics without bound. Methods outside the standard set are counted
as ``other`` for the same reason."""

from __future__ import annotations

import contextvars
import hmac
import itertools
import logging
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from api.metrics import CONTENT_TYPE, Registry
from graph import store

if TYPE_CHECKING:
    from api.app import Service

access_log = logging.getLogger("normgraph.access")
slow_log = logging.getLogger("normgraph.slow_query")
error_log = logging.getLogger("normgraph.api")

# The id of the request being served, for log lines written deeper down (the slow-query log).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("normgraph_request_id", default="-")

# A client-supplied id is kept only if it is short and made of characters that are safe in a log
# line and a header; anything else is replaced by one of ours.
_SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_QUERY_LOG_CHARS = 2000
_PATH_LOG_CHARS = 512
UNMATCHED = "unmatched"


class RequestIds:
    """Ids unique within this process and unlikely to repeat across restarts: a random prefix per
    process and a counter (cheaper than a uuid4 per request)."""

    def __init__(self) -> None:
        self.prefix = os.urandom(6).hex()
        self.counter = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}-{next(self.counter):x}"

    def of(self, headers: Iterable[tuple[bytes, bytes]]) -> str:
        for name, value in headers:
            if name == b"x-request-id":
                if _SANE_ID.fullmatch(value):
                    return value.decode("ascii")
                break
        return self.new()


class Observability:
    """The middleware; ``attach`` (below) creates it with the service's metrics."""

    def __init__(self, app: Any, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry
        self.ids = RequestIds()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = self.ids.of(scope["headers"])
        token = REQUEST_ID.set(request_id)
        id_header = (b"x-request-id", request_id.encode("ascii"))
        state = [0, 0]  # status, body bytes

        async def send_and_count(message: dict[str, Any]) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                state[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            elif kind == "http.response.body":
                state[1] += len(message.get("body", b""))
            await send(message)

        telemetry = self.telemetry
        telemetry.in_flight += 1
        try:
            await self.app(scope, receive, send_and_count)
        except Exception:
            if state[0]:
                raise  # the response has started: nothing more can be said; the server closes the connection
            # Answered here rather than by Starlette's error middleware (outside this one), so that
            # the 500 carries the X-Request-Id an operator can find in the log.
            from api.app import INTERNAL_ERROR  # here: api.app imports this module

            error_log.exception("unexpected error on %s %s (request %s)", scope.get("method"), scope.get("path"), request_id)
            body = (INTERNAL_ERROR + f" (request id {request_id})\n").encode("utf-8")
            await send_and_count({"type": "http.response.start", "status": 500,
                                  "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                              (b"content-length", str(len(body)).encode("ascii"))]})
            await send_and_count({"type": "http.response.body", "body": body})
        except BaseException:
            if not state[0]:
                state[0] = 500  # cancelled (client gone, shutdown): what the server records
            raise
        finally:
            telemetry.in_flight -= 1
            REQUEST_ID.reset(token)
            telemetry.request_done(scope, request_id, state[0], state[1], time.perf_counter() - started)


class Telemetry:
    """The service's metrics and its log lines about requests and queries."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.slow_seconds = service.settings.slow_query_ms / 1000.0
        self.in_flight = 0
        self.literal_routes: frozenset[str] = frozenset()
        self.registry = r = Registry()
        self.requests = r.counter("normgraph_http_requests_total", "HTTP requests answered, by route template, method and status.",
                                  ("route", "method", "status"))
        self.latency = r.histogram("normgraph_http_request_duration_seconds",
                                   "Time from the request's arrival to the end of its response body.", ("route", "method"))
        self.query_time = r.histogram("normgraph_query_duration_seconds",
                                      "Time a worker spent on a job (SPARQL query, page query, Graph Store read, write), "
                                      "by kind and outcome (ok, error, timeout, failed, cancelled).", ("kind", "outcome"))
        self.wait_time = r.histogram("normgraph_worker_wait_seconds", "Time a request waited for a free query worker.")
        self.slow = r.counter("normgraph_slow_queries_total", "Queries over NORMGRAPH_SLOW_QUERY_MS (each also in the slow-query log).")
        self.too_large = 0
        pool = service.pool
        r.callback("normgraph_http_requests_in_flight", "Requests being served now.", "gauge", lambda: [({}, self.in_flight)])
        r.callback("normgraph_query_timeouts_total", "Queries stopped at the time limit (NORMGRAPH_QUERY_TIMEOUT).", "counter",
                   lambda: [({}, pool.stats["timeouts"])])
        r.callback("normgraph_rejections_total", "Requests turned away: saturated (503, no free worker within "
                   "NORMGRAPH_QUEUE_WAIT), refused (400, by the query guard: an outgoing SERVICE/LOAD/FROM not allowed, nesting too deep), "
                   "too_large (413).",
                   "counter", self._rejections)
        r.callback("normgraph_worker_restarts_total", "Query workers killed and replaced (deadline, crash, client gone).",
                   "counter", lambda: [({}, pool.stats["killed"])])
        r.callback("normgraph_workers", "Query worker processes by state.", "gauge", self._workers)
        r.callback("normgraph_store_triples", "Triples per named graph in the published dataset (from its manifest).",
                   "gauge", lambda: [({"graph": g}, n) for g, n in sorted(service.graph_counts().items())])
        r.callback("normgraph_store_bytes", "Bytes on disk of the published store directory.", "gauge", self._store_bytes)
        r.callback("normgraph_build_info", "The published dataset: its id (store directory), build start and code version.",
                   "gauge", self._build_info)
        r.callback("normgraph_dataset_published_timestamp_seconds", "When the published dataset was switched in (Unix time).",
                   "gauge", self._published)
        r.callback("normgraph_resident_memory_bytes", "Resident memory (RSS) of the server process, and of its query workers summed.",
                   "gauge", self._memory)
        self._bytes_cache: tuple[str, float, int] = ("", 0.0, 0)

    # -- requests ----------------------------------------------------------------------------------
    def route_of(self, scope: dict[str, Any]) -> str:
        route = scope.get("route")
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
        # a request answered before routing (a fast path, or a middleware) keeps its path only if
        # that path is a literal route of the app; anything else is one bounded label
        raw = scope.get("path", "")
        return raw if raw in self.literal_routes else UNMATCHED

    def request_done(self, scope: dict[str, Any], request_id: str, status: int, size: int, seconds: float) -> None:
        method = scope["method"]
        label_method = method if method in _METHODS else "other"
        route = self.route_of(scope)
        self.requests.inc((route, label_method, str(status)))
        self.latency.observe((route, label_method), seconds)
        if status == 413:
            self.too_large += 1
        if access_log.isEnabledFor(logging.INFO):
            client = scope.get("client")
            host = client[0] if client else "-"
            path = scope["path"][:_PATH_LOG_CHARS]
            ms = round(seconds * 1000, 2)
            access_log.info('%s %s "%s %s" %d %d %.2fms', request_id, host, method[:16], path, status, size, ms,
                            extra={"fields": {"request_id": request_id, "method": method[:16], "path": path, "route": route,
                                              "status": status, "duration_ms": ms, "bytes": size, "client": host}})

    # -- worker jobs (hooks of the pool) -------------------------------------------------------------
    def job_done(self, job: dict[str, Any], seconds: float, outcome: str) -> None:
        kind = str(job.get("kind", "other"))
        self.query_time.observe((kind, outcome), seconds)
        if seconds >= self.slow_seconds and kind in ("query", "write"):
            self.slow.inc()
            if slow_log.isEnabledFor(logging.WARNING):
                text = job.get("query") or "\n".join(str(op.get("update", op.get("op", ""))) for op in job.get("ops", ()))
                text = text if len(text) <= _QUERY_LOG_CHARS else text[:_QUERY_LOG_CHARS] + "…"
                ms = round(seconds * 1000, 1)
                request_id = REQUEST_ID.get()
                slow_log.warning("%s slow %s (%s): %.1fms: %s", request_id, kind, outcome, ms, " ".join(text.split()),
                                 extra={"fields": {"request_id": request_id, "kind": kind, "outcome": outcome,
                                                   "duration_ms": ms, "query": text}})

    def waited(self, seconds: float) -> None:
        self.wait_time.observe((), seconds)

    # -- gauges read at scrape time ----------------------------------------------------------------
    def _rejections(self) -> list[tuple[dict[str, str], float]]:
        stats = self.service.pool.stats
        return [({"reason": "saturated"}, stats["saturated"]), ({"reason": "refused"}, self.service.stats["refused"]),
                ({"reason": "too_large"}, self.too_large)]

    def _workers(self) -> list[tuple[dict[str, str], float]]:
        pool = self.service.pool
        idle = pool.idle.qsize() if pool.idle is not None else 0
        return [({"state": "idle"}, idle), ({"state": "busy"}, max(0, len(pool.slots) - idle))]

    def _store_bytes(self) -> list[tuple[dict[str, str], float]]:
        path = self.service.current()
        cached_path, when, size = self._bytes_cache
        if cached_path != path or time.monotonic() - when > 30:  # published stores never change; writes switch paths
            size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file() and not f.is_symlink())
            self._bytes_cache = (path, time.monotonic(), size)
        return [({}, size)]

    def _build_info(self) -> list[tuple[dict[str, str], float]]:
        try:
            manifest = store.read_manifest(self.service.settings.data_dir)
        except (store.StoreError, OSError, ValueError):
            return []
        dataset = Path(self.service.current()).name
        return [({"dataset": dataset, "build_started": str(manifest.get("started", "")),
                  "version": str(manifest.get("version", ""))}, 1)]

    def _published(self) -> list[tuple[dict[str, str], float]]:
        return [({}, os.lstat(self.service.settings.data_dir / store.CURRENT).st_mtime)]

    def _memory(self) -> list[tuple[dict[str, str], float]]:
        workers = sum(rss_bytes(slot.process.pid) for slot in list(self.service.pool.slots))
        return [({"process": "server"}, rss_bytes(os.getpid())), ({"process": "workers"}, workers)]


def rss_bytes(pid: int | None) -> int:
    """Resident memory of one process from /proc (0 if it is gone or /proc is not there)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def attach(app: FastAPI, service: Service) -> Telemetry:
    """Add the middleware (outermost, so that it times everything), /metrics and the pool's hooks.

    Call it last in create_app, once every route is registered."""
    telemetry = Telemetry(service)
    service.pool.on_job = telemetry.job_done
    service.pool.on_wait = telemetry.waited
    token = service.settings.metrics_token

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if token:  # NORMGRAPH_METRICS_TOKEN set: scrapers must send it
            given = request.headers.get("authorization", "")
            if not (given.lower().startswith("bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
                return PlainTextResponse("/metrics needs the metrics token: Authorization: Bearer <token>\n", status_code=401,
                                         headers={"WWW-Authenticate": 'Bearer realm="normgraph-metrics"'})
        return Response(telemetry.registry.render(), media_type=CONTENT_TYPE)

    app.add_middleware(Observability, telemetry=telemetry)
    # Literal route paths (no parameters): the only raw paths allowed as labels for requests answered
    # before routing. Known here because attach() is called once every route is registered.
    telemetry.literal_routes = frozenset(p for route in app.routes if isinstance(p := getattr(route, "path", None), str)
                                         and "{" not in p)
    return telemetry
