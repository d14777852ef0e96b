"""The servers under test, as subprocesses on loopback ports, and their CPU time from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and all its descendants (the endpoint's query workers included)."""
    stats = {int(pid): s for pid in os.listdir("/proc") if pid.isdigit() and (s := _stat(pid)) is not None}
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        if pid in stats:
            total += stats[pid][1]
            frontier.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total


class Server:
    """One HTTP server in a subprocess; ``ready`` is a path that answers 200 once it serves."""

    def __init__(self, name: str, args: list[str], ready: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("w") as handle:
            self.proc = subprocess.Popen([sys.executable, *args, "--port", str(self.port)], cwd=ROOT,
                                         env={**os.environ, **(env or {})}, stdout=handle, stderr=subprocess.STDOUT)
        self._wait(ready)

    def _wait(self, ready: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + ready, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not start within {timeout:g} s (log: {self.log})")

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Servers:
    """The endpoint (``graph.cli serve``) and the two variants of the minimal baseline app."""

    def __init__(self, data_dir: Path, log_dir: Path, workers: int) -> None:
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.workers = workers
        self.all: dict[str, Server] = {}

    def __enter__(self) -> Servers:
        data = ["--data-dir", str(self.data_dir), "--log-level", "warning"]
        try:
            self.all["endpoint"] = Server("endpoint", ["-m", "graph.cli", "serve", *data], "/readyz",
                                          self.log_dir / "endpoint.log", {"NORMGRAPH_WORKERS": str(self.workers)})
            self.all["minimal"] = Server("minimal", ["-m", "benchmarks.minimal_app", *data], "/ping",
                                         self.log_dir / "minimal.log")
            self.all["minimal-inline"] = Server("minimal-inline", ["-m", "benchmarks.minimal_app", *data, "--inline"],
                                                "/ping", self.log_dir / "minimal-inline.log")
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        for server in self.all.values():
            server.stop()

    def __getitem__(self, name: str) -> Server:
        return self.all[name]
