"""Writes (Graph Store Protocol, SPARQL Update) published like a build: atomically.

A write runs in a worker on a checkpoint of the published store (hard links: cheap), and the
result is published by the same atomic switch of ``current`` as a build. Readers never see a
half-applied write; writes are serialised; a write during a build gets a 503."""

from __future__ import annotations

import asyncio
import hmac
import json
import shutil
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


def check_token(settings: Settings, authorization: str | None) -> None:
    """Bearer token check in constant time; 401 without credentials, 403 with wrong ones."""
    if not settings.write_token:
        raise Unauthorised(403, "writes are disabled on this server: no write token is configured (NORMGRAPH_WRITE_TOKEN)")
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorised(401, "writes need a bearer token: Authorization: Bearer <token>")
    given = authorization[7:].strip().encode("utf-8")
    if not hmac.compare_digest(given, settings.write_token.encode("utf-8")):
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
