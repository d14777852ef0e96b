"""The server side of the query workers: a fixed pool of processes, bounded waiting, deadlines.

A request waits at most ``queue_wait`` seconds for a free worker (then 503: saturated, rather
than an unbounded queue). A request past its deadline has its worker killed and replaced; the
other workers keep serving meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from api import worker as worker_module

log = logging.getLogger("normgraph.pool")


class PoolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Slot:
    process: Any
    conn: Connection


async def _recv(conn: Connection, timeout: float) -> Any:
    """The next message from a worker, waiting on the event loop (no thread hop)."""
    if conn.poll():
        return conn.recv()
    if timeout <= 0:
        raise TimeoutError
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    timer = loop.call_later(timeout, lambda: ready.done() or ready.set_exception(TimeoutError()))
    try:
        await ready
    finally:
        loop.remove_reader(fd)
        timer.cancel()
    return conn.recv()


class WorkerPool:
    def __init__(self, size: int, timeout: float, queue_wait: float) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.ctx = mp.get_context("spawn")  # no inherited event loop, threads or open stores
        self.idle: asyncio.Queue[Slot] | None = None
        self.executor = ThreadPoolExecutor(max_workers=self.size + 4, thread_name_prefix="pool-io")
        self.stats = {"timeouts": 0, "saturated": 0, "killed": 0}

    def _spawn(self) -> Slot:
        parent, child = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=worker_module.main, args=(child,), daemon=True, name="normgraph-worker")
        process.start()
        child.close()
        return Slot(process, parent)

    async def start(self) -> None:
        self.idle = asyncio.Queue()
        for _ in range(self.size):
            await self.idle.put(self._spawn())

    async def stop(self) -> None:
        if self.idle is None:
            return
        while not self.idle.empty():
            slot = self.idle.get_nowait()
            self._kill(slot)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _kill(self, slot: Slot) -> None:
        with contextlib.suppress(Exception):
            slot.process.kill()
            slot.process.join(timeout=5)
        with contextlib.suppress(Exception):
            slot.conn.close()

    async def _replace(self, slot: Slot) -> None:
        self._kill(slot)
        self.stats["killed"] += 1
        assert self.idle is not None
        await self.idle.put(await asyncio.get_running_loop().run_in_executor(self.executor, self._spawn))

    async def _acquire(self) -> Slot:
        assert self.idle is not None, "pool not started"
        try:
            return await asyncio.wait_for(self.idle.get(), timeout=self.queue_wait)
        except TimeoutError:
            self.stats["saturated"] += 1
            raise PoolError(503, f"the service is busy: all {self.size} query workers are in use; retry shortly",
                            {"Retry-After": "1"}) from None

    async def run(self, job: dict[str, Any], timeout: float | None = None) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
        """Start a job; returns its first message (meta, or end for writes) and the rest as chunks.

        Errors the worker reports become PoolError with the worker's status and message."""
        slot = await self._acquire()
        limit = timeout if timeout is not None else self.timeout
        deadline = time.monotonic() + limit
        try:
            slot.conn.send(job)
            message = await _recv(slot.conn, deadline - time.monotonic())
        except TimeoutError:
            self.stats["timeouts"] += 1
            await self._replace(slot)
            raise PoolError(503, f"the query did not finish within the time limit of {limit:g} s and was stopped") from None
        except (EOFError, OSError, BrokenPipeError):
            await self._replace(slot)
            raise PoolError(503, "the query worker stopped unexpectedly; the request was not completed") from None
        kind, payload = message[0], message[1]
        if kind == "done":  # the whole answer in one message
            await self._release(slot)
            return payload, _single(message[2])
        if kind == "error":
            await self._release(slot)
            if payload.get("trace"):
                log.error("worker error: %s", payload["trace"])
            raise PoolError(int(payload["status"]), str(payload["message"]))
        if kind == "end":
            await self._release(slot)
            return payload, _empty()
        return payload, self._chunks(slot, deadline, limit)

    async def _release(self, slot: Slot) -> None:
        assert self.idle is not None
        await self.idle.put(slot)

    async def _chunks(self, slot: Slot, deadline: float, limit: float) -> AsyncIterator[bytes]:
        finished = False
        try:
            while True:
                try:
                    kind, payload = await _recv(slot.conn, deadline - time.monotonic())
                except TimeoutError:
                    self.stats["timeouts"] += 1
                    log.warning("stream stopped at the time limit of %s s", limit)
                    return
                if kind == "chunk":
                    yield payload
                elif kind == "end":
                    finished = True
                    return
                else:  # an error after the headers were sent: the response is cut short
                    log.warning("worker error while streaming: %s", payload.get("message"))
                    finished = True
                    return
        finally:
            if finished:
                await self._release(slot)
            else:  # deadline, client gone, or cancellation: the worker may be mid-query
                await self._replace(slot)


class Single:
    """A whole answer that came back in one message: iterable like a stream, or read at once."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        yield self.body


def _single(body: bytes) -> Single:
    return Single(body)


async def _empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator
