"""The measurements: latency at concurrency 1 (cold and warm, per query kind, HTTP and in-process
interleaved) and throughput at concurrency N (endpoint against the minimal app)."""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox

from benchmarks.minimal_app import evaluate
from benchmarks.queries import KINDS, Mix
from benchmarks.servers import Server

ACCEPT = {"accept": "application/sparql-results+json, text/turtle;q=0.9"}
IN_PROCESS = "in-process"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def size_of(body: bytes, media_type: str) -> int:
    """Rows (SELECT), 1 (ASK) or triples (CONSTRUCT/DESCRIBE) in a response body."""
    if "json" in media_type:
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))


# -- concurrency 1 ---------------------------------------------------------------------------------
Call = Callable[[str], tuple[float, bytes, str]]


def in_process_call(engine: ox.Store) -> Call:
    def call(query: str) -> tuple[float, bytes, str]:
        start = time.perf_counter()
        body, media_type = evaluate(engine, query)
        return time.perf_counter() - start, body, media_type.decode()
    return call


def http_call(client: httpx.Client, endpoint: str) -> Call:
    def call(query: str) -> tuple[float, bytes, str]:
        url = f"{endpoint}?{urlencode({'query': query})}"  # encoded before the clock starts
        start = time.perf_counter()
        response = client.get(url, headers=ACCEPT)
        body = response.content
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{endpoint} answered {response.status_code}: {response.text[:300]}\nquery: {query}")
        return elapsed, body, response.headers.get("content-type", "")
    return call


@dataclass
class Timings:
    """Seconds per request of one kind on one target; cold[i] and warm[i*r:(i+1)*r] share parameters."""

    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    body_bytes: list[int] = field(default_factory=list)


@dataclass
class Latency:
    timings: dict[str, dict[str, Timings]]  # kind -> target -> timings
    warm_repeats: int
    mismatches: list[str]
    repeats: int = 0  # queries that repeated an earlier one (parameter space exhausted)


def _measure_one(calls: dict[str, Call], order: list[str], query: str, warm_repeats: int,
                 timings: dict[str, Timings]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for target in order:
        seconds, body, media_type = calls[target](query)
        timings[target].cold.append(seconds)
        rows[target] = size_of(body, media_type)
        timings[target].rows.append(rows[target])
        timings[target].body_bytes.append(len(body))
    for _ in range(warm_repeats):
        for target in order:
            timings[target].warm.append(calls[target](query)[0])
    return rows


def latency(calls: dict[str, Call], mix: Mix, requests: int, warm_repeats: int, progress: Callable[[str], None]) -> Latency:
    """Per kind: ``requests`` distinct queries; each is sent once (cold) to every target, then
    ``warm_repeats`` more times (warm). The order of the targets rotates from query to query."""
    targets = list(calls)
    result: dict[str, dict[str, Timings]] = {}
    mismatches: list[str] = []
    for kind in KINDS:
        progress(f"latency: {kind}")
        timings = {target: Timings() for target in targets}
        for i in range(requests):
            query = mix.draw(kind)
            order = targets[i % len(targets):] + targets[:i % len(targets)]
            rows = _measure_one(calls, order, query, warm_repeats, timings)
            if len(set(rows.values())) > 1:
                mismatches.append(f"{kind}: {rows}")
        result[kind] = timings
    return Latency(result, warm_repeats, mismatches)


class StdlibClient:
    """One persistent HTTP/1.1 connection through the standard library's ``http.client``: far less
    work per request on the client side than httpx, to show how much of a round trip is the client."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[float, int, bytes, str]:
        """(seconds, status, body, content type); a connection the server closed is reopened, untimed."""
        for attempt in (1, 2):
            try:
                start = time.perf_counter()
                self.conn.request("GET", path, headers=headers or {})
                response = self.conn.getresponse()
                body = response.read()
                return time.perf_counter() - start, response.status, body, response.getheader("content-type", "")
            except (http.client.RemoteDisconnected, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def stdlib_call(client: StdlibClient, path: str) -> Call:
    def call(query: str) -> tuple[float, bytes, str]:
        seconds, status, body, media_type = client.get(f"{path}?{urlencode({'query': query})}", ACCEPT)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}\nquery: {query}")
        return seconds, body, media_type
    return call


def floor(get: Callable[[], object], n: int = 200) -> float:
    """Median seconds of a request that does no work (client, loopback, uvicorn and routing only)."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    return median(times)


# -- concurrency N ---------------------------------------------------------------------------------
@dataclass
class Throughput:
    requests: int
    errors: int
    seconds: float
    server_cpu: float  # seconds, the server process and its children
    client_cpu: float  # seconds, this process

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_per_request(self) -> float:
        return self.server_cpu / max(self.requests, 1)


Mark = Callable[[], tuple[float, float]]


async def _load(endpoint: str, next_query: Callable[[], str], concurrency: int, duration: float,
                mark: Mark) -> tuple[int, int, float, tuple[float, float], tuple[float, float]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    done = errors = 0
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=ACCEPT) as client:
        async def one() -> bool:
            response = await client.get(f"{endpoint}?{urlencode({'query': next_query()})}")
            return response.status_code == 200

        await asyncio.gather(*(one() for _ in range(concurrency * 2)))  # connections open, workers used once
        before = mark()
        start = time.perf_counter()
        end = start + duration

        async def user() -> None:
            nonlocal done, errors
            while time.perf_counter() < end:
                if await one():
                    done += 1
                else:
                    errors += 1

        await asyncio.gather(*(user() for _ in range(concurrency)))
        seconds = time.perf_counter() - start
        return done, errors, seconds, before, mark()


def throughput(server: Server, next_query: Callable[[], str], concurrency: int, duration: float) -> Throughput:
    """Requests completed in ``duration`` seconds by ``concurrency`` clients that each send the next
    request as soon as the previous answer is read (closed loop), and the CPU both sides used."""
    def mark() -> tuple[float, float]:
        return server.cpu_seconds(), time.process_time()

    done, errors, seconds, before, after = asyncio.run(_load(server.sparql, next_query, concurrency, duration, mark))
    return Throughput(done, errors, seconds, after[0] - before[0], after[1] - before[1])


def query_source(mix: Mix, kind: str | None) -> Callable[[], str]:
    """Fresh queries: of one kind, or of a kind drawn at random from the mix for each request."""
    if kind is None:
        return mix.any
    return lambda: mix.draw(kind)
