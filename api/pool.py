"""The server side of the query workers: a fixed pool of processes, bounded waiting, deadlines.

A request waits at most ``queue_wait`` seconds for a free worker (then 503: saturated, rather
than an unbounded queue). A request past its deadline has its worker killed and replaced; the
other workers keep serving meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import time
from collections.abc import AsyncIterator, Callable
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


@dataclass(eq=False)  # compared and hashed by identity: slots live in a set
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
        # uvloop's add_reader leaves the fd non-blocking: conn.recv() of a message that has only
        # partly arrived (a 64 KiB chunk) would then raise BlockingIOError and cut the stream.
        os.set_blocking(fd, True)
        timer.cancel()
    return conn.recv()


class WorkerPool:
    def __init__(self, size: int, timeout: float, queue_wait: float) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.ctx = mp.get_context("spawn")  # no inherited event loop, threads or open stores
        # last in, first out: at low load the same worker takes request after request, with its
        # store's caches and the CPU's warm (first in, first out rotated through cold workers:
        # +0.4 ms per small query at concurrency 1)
        self.idle: asyncio.LifoQueue[Slot] | None = None
        self.executor = ThreadPoolExecutor(max_workers=self.size + 4, thread_name_prefix="pool-io")
        self._reaping: set[asyncio.Future[None]] = set()
        self.stats = {"timeouts": 0, "saturated": 0, "killed": 0}
        self.slots: set[Slot] = set()  # every live worker, busy or idle (stop() kills them all)
        self.closing = False
        # observers (api/observability.py): a job's time, kind and outcome; the wait for a worker
        self.on_job: Callable[[dict[str, Any], float, str], None] | None = None
        self.on_wait: Callable[[float], None] | None = None

    def _spawn(self) -> Slot:
        parent, child = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=worker_module.main, args=(child,), daemon=True, name="normgraph-worker")
        process.start()
        child.close()
        slot = Slot(process, parent)
        self.slots.add(slot)
        return slot

    async def start(self) -> None:
        self.idle = asyncio.LifoQueue()
        for _ in range(self.size):
            await self.idle.put(self._spawn())

    async def stop(self) -> None:
        """Kill every worker, busy ones included (at shutdown, after the grace period for requests):
        a write cut short this way is removed by its writer, never published half-done."""
        self.closing = True
        for slot in list(self.slots):
            self._kill(slot)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _kill(self, slot: Slot) -> None:
        self.slots.discard(slot)
        with contextlib.suppress(Exception):
            slot.process.kill()
            slot.process.join(timeout=5)
        with contextlib.suppress(Exception):
            slot.conn.close()

    async def _replace(self, slot: Slot) -> None:
        # kill and reap in a thread: reaping a big process can take a while on a busy host, and the
        # event loop serves every other request meanwhile
        await asyncio.get_running_loop().run_in_executor(self.executor, self._kill, slot)
        self.stats["killed"] += 1
        if self.closing:  # shutting down: no new worker
            return
        assert self.idle is not None
        await self.idle.put(await asyncio.get_running_loop().run_in_executor(self.executor, self._spawn))

    async def _acquire(self) -> Slot:
        assert self.idle is not None, "pool not started"
        if not self.idle.empty():  # the usual case: no timer, no task
            if self.on_wait is not None:
                self.on_wait(0.0)
            return self.idle.get_nowait()
        started = time.monotonic()
        try:
            slot = await asyncio.wait_for(self.idle.get(), timeout=self.queue_wait)
            if self.on_wait is not None:
                self.on_wait(time.monotonic() - started)
            return slot
        except TimeoutError:
            self.stats["saturated"] += 1
            raise PoolError(503, f"the service is busy: all {self.size} query workers are in use; retry shortly",
                            {"Retry-After": "1"}) from None

    async def run(self, job: dict[str, Any], timeout: float | None = None) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
        """Start a job; returns its first message (meta, or end for writes) and the rest as chunks.

        Errors the worker reports become PoolError with the worker's status and message."""
        slot = await self._acquire()
        limit = timeout if timeout is not None else self.timeout
        started = time.monotonic()
        deadline = started + limit
        try:
            slot.conn.send({**job, "timeout": limit})  # a remote store backend gives up just before, with a 504
            message = await _recv(slot.conn, deadline - time.monotonic())
        except TimeoutError:
            self.stats["timeouts"] += 1
            self._observe(job, started, "timeout")
            await self._replace(slot)
            raise PoolError(503, f"the query did not finish within the time limit of {limit:g} s and was stopped") from None
        except (EOFError, OSError, BrokenPipeError):
            self._observe(job, started, "failed")
            await self._replace(slot)
            raise PoolError(503, "the query worker stopped unexpectedly; the request was not completed") from None
        except BaseException:  # cancelled (shutdown past its grace period): stop the worker before anyone cleans up
            self._observe(job, started, "cancelled")
            self._kill(slot)
            self.stats["killed"] += 1
            if not self.closing and self.idle is not None:
                self.idle.put_nowait(self._spawn())
            raise
        kind, payload = message[0], message[1]
        if kind == "done":  # the whole answer in one message
            self._observe(job, started, "ok")
            await self._release(slot)
            return payload, _single(message[2])
        if kind == "error":
            self._observe(job, started, "error")
            await self._release(slot)
            if payload.get("trace"):
                log.error("worker error: %s", payload["trace"])
            raise PoolError(int(payload["status"]), str(payload["message"]))
        if kind == "end":
            self._observe(job, started, "ok")
            await self._release(slot)
            return payload, _empty()
        # The deadline holds for the whole stream, also while nobody pulls from it: a client that
        # never reads (or a HEAD that drops the body unread) would otherwise keep this worker,
        # blocked writing into its pipe, for ever. At the deadline the worker is replaced; the
        # stuck connection keeps only its socket and at most one chunk.
        state = {"done": False, "reaped": False}
        watchdog = asyncio.get_running_loop().call_later(max(0.0, deadline - time.monotonic()), self._reap, slot, state, limit)
        return payload, self._chunks(slot, deadline, limit, job, started, state, watchdog)

    def _reap(self, slot: Slot, state: dict[str, bool], limit: float) -> None:
        if state["done"]:
            return
        state["done"] = state["reaped"] = True
        self.stats["timeouts"] += 1
        log.warning("stream stopped at the time limit of %s s: the client did not read it in time", limit)
        task = asyncio.ensure_future(self._replace(slot))
        self._reaping.add(task)  # keep a reference until it is done
        task.add_done_callback(self._reaping.discard)

    def _observe(self, job: dict[str, Any], started: float, outcome: str) -> None:
        if self.on_job is not None:
            self.on_job(job, time.monotonic() - started, outcome)

    async def _release(self, slot: Slot) -> None:
        assert self.idle is not None
        await self.idle.put(slot)

    async def _chunks(self, slot: Slot, deadline: float, limit: float, job: dict[str, Any],
                      started: float, state: dict[str, bool], watchdog: asyncio.TimerHandle) -> AsyncIterator[bytes]:
        finished = False
        outcome = "cancelled"
        try:
            while True:
                if state["reaped"]:  # the watchdog replaced the worker while the client was not reading
                    outcome = "timeout"
                    break
                try:
                    kind, payload = await _recv(slot.conn, deadline - time.monotonic())
                except TimeoutError:
                    if not state["reaped"]:
                        self.stats["timeouts"] += 1
                        log.warning("stream stopped at the time limit of %s s", limit)
                    outcome = "timeout"
                    break
                except (EOFError, OSError):
                    if not state["reaped"]:  # the worker died: cut the response short
                        raise
                    outcome = "timeout"  # the watchdog stopped the worker under us
                    break
                if kind == "chunk":
                    yield payload
                elif kind == "end":
                    finished = True
                    outcome = "ok"
                    break
                else:  # an error after the headers were sent: the response is cut short
                    log.warning("worker error while streaming: %s", payload.get("message"))
                    finished = True
                    outcome = "error"
                    break
            if outcome != "ok" and job.get("whole"):  # read by the server itself: a cut answer is an error, not data
                raise PoolError(503, f"the query did not finish within the time limit of {limit:g} s and was stopped"
                                if outcome == "timeout" else "the query failed while its answer was being read")
        finally:
            watchdog.cancel()
            self._observe(job, started, outcome)
            if not state["reaped"]:
                state["done"] = True
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
