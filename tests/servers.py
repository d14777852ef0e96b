"""Real servers for the HTTP tests: ``normgraph serve`` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, empty: bool = False,
                 args: list[str] | None = None, ready_path: str = "/readyz") -> None:
        """``ready_path``: what must answer 200 before the server counts as started — /healthz for
        a server deliberately pointed at a broken remote store (its /readyz says 503, rightly)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "graph.cli", "serve", "--data-dir", str(data_dir), "--port", str(self.port),
                "--log-level", "warning", *(args or [])]  # later options win: args may say --log-level info
        if empty:
            args.append("--empty")
        self.log = data_dir.parent / f"server-{self.port}.log"
        self.proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},
                                     stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))  # noqa: SIM115
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + ready_path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start")

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def store(self) -> str:
        return self.url + "/store"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
