"""Writes (Graph Store Protocol, SPARQL Update) published like a build: atomically.

A write runs in a worker on a checkpoint of the published store (hard links: cheap), and the
result is published by the same atomic switch of ``current`` as a build. Readers never see a
half-applied write; writes are serialised; a write during a build gets a 503."""

from __future__ import annotations

import asyncio
import hmac
import json
import math
import shutil
import time
from collections import deque
from pathlib import Path
from typing import Any

from api.pool import PoolError, WorkerPool
from graph import store
from graph.config import Settings


class Unauthorised(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class TooManyFailures(PoolError):
    """429 with Retry-After (a PoolError, so the application's handler sends its headers)."""


class FailureLimiter:
    """Wrong write tokens per client: after ``limit`` failures within ``window`` seconds the client
    is refused (429, Retry-After) *before* its token is compared, so guessing stops paying off:
    ``limit`` guesses per window instead of thousands per second. Keyed by the TCP peer address,
    not X-Forwarded-For, which a client can set to anything; the table is bounded, so rotating
    addresses cannot grow the server's memory."""

    MAX_CLIENTS = 10_000

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self.failures.get(client) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, client: str) -> None:
        if self.limit <= 0:
            return
        now = time.monotonic()
        times = self._recent(client, now)
        if len(times) >= self.limit:
            retry = max(1, math.ceil(times[0] + self.window - now))
            raise TooManyFailures(429, f"too many wrong write tokens from this client ({len(times)} in {self.window:g} s); "
                                       f"retry in {retry} s", {"Retry-After": str(retry)})

    def failed(self, client: str) -> None:
        if self.limit <= 0:
            return
        now = time.monotonic()
        times = self._recent(client, now)
        times.append(now)
        self.failures.pop(client, None)
        self.failures[client] = times  # re-inserted: the dict's order is least recently failed first
        while len(self.failures) > self.MAX_CLIENTS:
            self.failures.pop(next(iter(self.failures)))


_limiters: dict[tuple[int, float], FailureLimiter] = {}


def limiter_for(settings: Settings) -> FailureLimiter:
    key = (settings.token_failures, settings.token_failure_window)
    if key not in _limiters:
        _limiters[key] = FailureLimiter(*key)
    return _limiters[key]


def check_token(settings: Settings, authorization: str | None, client: str | None = None) -> None:
    """Bearer token check in constant time; 401 without credentials, 403 with wrong ones, 429 for
    a ``client`` (its address) that has sent too many wrong ones lately."""
    if not settings.write_token:
        raise Unauthorised(403, "writes are disabled on this server: no write token is configured (NORMGRAPH_WRITE_TOKEN)")
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorised(401, "writes need a bearer token: Authorization: Bearer <token>")
    limiter = limiter_for(settings) if client is not None else None
    if limiter is not None:
        limiter.check(client)  # type: ignore[arg-type]
    given = authorization[7:].strip().encode("utf-8")
    # constant time: the comparison does not stop at the first wrong byte, so response times
    # reveal nothing about how much of a guess was right
    if not hmac.compare_digest(given, settings.write_token.encode("utf-8")):
        if limiter is not None:
            limiter.failed(client)  # type: ignore[arg-type]
        raise Unauthorised(403, "the bearer token is not valid for writes")


class Writer:
    def __init__(self, settings: Settings, pool: WorkerPool) -> None:
        self.settings = settings
        self.pool = pool
        self.lock = asyncio.Lock()

    async def apply(self, ops: list[dict[str, Any]]) -> dict[str, int]:
        data_dir = self.settings.data_dir
        async with self.lock:
            try:
                with store.build_lock(data_dir):
                    return await self._apply(data_dir, ops)
            except store.StoreError as exc:
                raise PoolError(503, f"{exc}; retry when it has finished", {"Retry-After": "5"}) from None

    async def _apply(self, data_dir: Path, ops: list[dict[str, Any]]) -> dict[str, int]:
        source = store.current_path(data_dir)
        target = store.new_store_dir(data_dir)
        job = {"kind": "write", "source": str(source) if source else None, "target": str(target), "ops": ops}
        try:
            payload, _ = await self.pool.run(job, timeout=self.settings.write_timeout)
            manifest: dict[str, Any] = {}
            if source is not None and (source / "manifest.json").exists():
                manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
            manifest["graphs"] = payload["graphs"]
            manifest["writes"] = int(manifest.get("writes", 0)) + 1
            (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
            store.publish(data_dir, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        store.prune(data_dir, self.settings.keep_builds)
        return payload["graphs"]
