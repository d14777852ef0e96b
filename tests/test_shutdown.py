"""Graceful shutdown of a real server: on SIGTERM the in-flight request finishes, new connections
are refused, the workers are stopped and the process exits 0; a write still running when the grace
period ends is stopped and removed, never left half-written or published."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph import store
from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

N = 4500  # the cross product of two 4,500-row subqueries: about 2 s on the project's machine
SLOW = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?a WHERE {{ ?a ?b ?c }} LIMIT {N} }} "
        f"{{ SELECT ?d WHERE {{ ?d ?e ?f }} LIMIT {N} }} }}")
# millions of new triples (updates see the named graphs only through GRAPH): far longer than the grace period
SLOW_UPDATE = ("INSERT { GRAPH <urn:x:g> { ?a <urn:x:p> ?f } } WHERE { "
               "{ SELECT DISTINCT ?a WHERE { GRAPH ?g { ?a ?b ?c } } LIMIT 2000 } "
               "{ SELECT DISTINCT ?f WHERE { GRAPH ?h { ?d ?e ?f } } LIMIT 2000 } }")
TOKEN = "shutdown-test-token"


@pytest.fixture
def data_dir(built: tuple[Settings, BuildResult], tmp_path: Path) -> Path:
    settings_, _ = built
    target = tmp_path / "var"
    shutil.copytree(settings_.data_dir, target, symlinks=True)
    return target


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_for_busy_worker(server: Server) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if 'normgraph_workers{state="busy"} 1' in httpx.get(server.url + "/metrics").text:
            return
        time.sleep(0.05)
    raise AssertionError("the slow query never started")


def refused_within(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_lets_the_in_flight_query_finish_and_refuses_new_connections(data_dir: Path, servers: list[Server]) -> None:
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "2", "NORMGRAPH_QUERY_TIMEOUT": "60", "NORMGRAPH_SHUTDOWN_GRACE": "30"},
                    args=["--log-level", "info", "--log-format", "text"])
    servers.append(server)
    workers = children(server.proc.pid)
    assert len(workers) >= 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(httpx.post, server.sparql, data={"query": SLOW}, headers={"X-Request-Id": "slow-1"}, timeout=60)
        wait_for_busy_worker(server)
        server.proc.send_signal(signal.SIGTERM)
        assert refused_within(server.port, 5), "the server still accepts connections after SIGTERM"
        assert not slow.done(), "the slow query ended before the listener closed: the test proves nothing"
        response = slow.result()
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(N * N)
    assert server.proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the server"
    log = server.log.read_text(encoding="utf-8")
    assert 'normgraph.access: slow-1 127.0.0.1 "POST /sparql" 200' in log  # the text format, and the request was logged
    assert "Traceback" not in log


def test_a_write_cut_short_by_shutdown_leaves_no_half_written_store(data_dir: Path, servers: list[Server]) -> None:
    published = store.current_path(data_dir)
    assert published is not None
    stores_before = set((data_dir / store.STORES).iterdir())
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "1", "NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_SHUTDOWN_GRACE": "1"})
    servers.append(server)
    with ThreadPoolExecutor(max_workers=1) as pool:
        write = pool.submit(httpx.post, server.sparql, data={"update": SLOW_UPDATE},
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        deadline = time.monotonic() + 10  # the writer makes its checkpoint directory, then a worker fills it
        while set((data_dir / store.STORES).iterdir()) == stores_before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set((data_dir / store.STORES).iterdir()) != stores_before, "the write never started"
        wait_for_busy_worker(server)
        time.sleep(0.5)
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=30) == 0
        try:
            status = write.result().status_code
        except httpx.HTTPError:
            status = None  # the connection was closed: the request did not complete
    assert status is None or status >= 500
    # nothing half-written: the checkpoint is gone, the published dataset is the one before, whole
    assert set((data_dir / store.STORES).iterdir()) == stores_before
    assert store.current_path(data_dir) == published
    assert not [p for p in data_dir.rglob("*.tmp")] and not [p for p in data_dir.glob(".current.*")]
    manifest = store.read_manifest(data_dir)
    counts: dict[str, int] = {}
    for quad in store.open_current(data_dir).quads_for_pattern(None, None, None, None):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    assert counts == manifest["graphs"]
