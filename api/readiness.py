"""``/readyz`` on the remote store backend: is the remote store answering?

A cheap ``ASK {}`` with a short time limit, its result kept for a second, so that load balancers
probing every instance often cannot turn into load on the store."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from graph.config import Settings
from graph.remote import RemoteConfig, RemoteError, RemoteStore

PROBE_TIMEOUT = 2.0  # seconds
KEEP = 1.0  # seconds a probe's result is reused


class RemoteProbe:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.last: tuple[float, str | None] | None = None
        self.lock = asyncio.Lock()
        self.remote_records: dict[str, bool] = {}

    def is_remote(self, record: str) -> bool:
        """Whether the published record says its data lives in a remote store (read once per record)."""
        if record not in self.remote_records:
            try:
                manifest = json.loads((Path(record) / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                manifest = {}
            self.remote_records = {record: manifest.get("backend") == "remote"}
        return self.remote_records[record]

    async def problem(self, record: str) -> str | None:
        """None when the dataset's store answers (or is the embedded one), else what is wrong."""
        if not self.is_remote(record):
            return None
        async with self.lock:  # concurrent probes share one request
            if self.last is None or time.monotonic() - self.last[0] > KEEP:
                self.last = (time.monotonic(), await asyncio.to_thread(self._ask))
            return self.last[1]

    def _ask(self) -> str | None:
        try:
            remote = RemoteStore(RemoteConfig.from_settings(self.settings))
        except RemoteError as exc:
            return exc.message
        try:
            remote.solutions("ASK {}", default_graphs=[], named_graphs=[], timeout=PROBE_TIMEOUT)
            return None
        except RemoteError as exc:
            return exc.message
        finally:
            remote.close()
