"""A private OpenLink Virtuoso (open source) server for tests and benchmarks.

``Virtuoso()`` starts ``virtuoso-t +foreground`` with its own database in a temporary directory,
on free loopback ports (SQL and HTTP), and waits until its SPARQL endpoint answers. The anonymous
endpoint ``/sparql`` is read-only; writes go to ``/sparql-auth`` (SPARQL Update) and
``/sparql-graph-crud-auth`` (Graph Store Protocol) as the ``dba`` user with HTTP digest
authentication. The dba password is set to a random one at first start, so nothing else on the
machine can write into the test database.

    from tests.virtuoso import Virtuoso, available, virtuoso_fixture

    with Virtuoso() as v:            # or v = Virtuoso(); ...; v.close()
        httpx.get(v.sparql_url, params={"query": "ASK {}"})
        v.stop(); v.start()          # a restart keeps the database

    virtuoso = virtuoso_fixture()    # in a test module or conftest: a session-scoped fixture

Tests that need Virtuoso skip (with the reason) only when ``virtuoso-t`` is not installed;
CI installs it (Debian package ``virtuoso-opensource-7-bin``)."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

BINARY = "virtuoso-t"
ISQL = "isql-vt"
SKIP_REASON = ("OpenLink Virtuoso is not installed (virtuoso-t not on PATH; "
               "apt-get install virtuoso-opensource-7-bin virtuoso-opensource-7-common)")


def available() -> bool:
    return shutil.which(BINARY) is not None and shutil.which(ISQL) is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ini(root: Path, sql_port: int, http_port: int, buffers: int, extra: dict[str, dict[str, str]]) -> str:
    sections: dict[str, dict[str, str]] = {
        "Database": {
            "DatabaseFile": f"{root}/virtuoso.db", "ErrorLogFile": f"{root}/virtuoso.log",
            "LockFile": f"{root}/virtuoso.lck", "TransactionFile": f"{root}/virtuoso.trx",
            "xa_persistent_file": f"{root}/virtuoso.pxa", "ErrorLogLevel": "7", "FileExtend": "200",
            "MaxCheckpointRemap": "2000", "Striping": "0", "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": f"{root}/virtuoso-temp.db", "TransactionFile": f"{root}/virtuoso-temp.trx",
            "MaxCheckpointRemap": "2000", "Striping": "0",
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}", "LiteMode": "0", "DisableUnixSocket": "1", "DisableTcpSocket": "0",
            "MaxClientConnections": "20", "CheckpointInterval": "60", "NumberOfBuffers": str(buffers),
            "MaxDirtyBuffers": str(buffers * 3 // 4), "DirsAllowed": f"., {root}",
            "ThreadsPerQuery": "2", "AsyncQueueMaxThreads": "4",
        },
        "HTTPServer": {
            "ServerPort": f"127.0.0.1:{http_port}", "ServerRoot": str(root), "MaxClientConnections": "10",
            "ServerThreads": "10", "EnableRequestTrap": "0",
        },
        # No result-size cap and no "anytime" time limit: by default Virtuoso silently returns
        # partial answers at either limit, which would make tests (and benchmarks) lie.
        "SPARQL": {"ResultSetMaxRows": "10000000", "MaxQueryExecutionTime": "0", "MaxQueryCostEstimationTime": "0",
                   "MaxSortedTopRows": "1000000"},
    }
    for section, values in extra.items():
        sections.setdefault(section, {}).update(values)
    return "".join(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()) + "\n"
                   for name, values in sections.items())


class Virtuoso:
    """One private Virtuoso server. ``root``: where the database lives (a fresh temporary
    directory by default, removed by ``close``); ``buffers``: 8 KB pages of cache (raise it for
    large benchmarks: 170000 ≈ 1.3 GB); ``extra_ini``: more settings, by section."""

    user = "dba"

    def __init__(self, root: Path | None = None, buffers: int = 20000, extra_ini: dict[str, dict[str, str]] | None = None,
                 start_timeout: float = 60.0) -> None:
        if not available():
            raise RuntimeError(SKIP_REASON)
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="virtuoso-")) if root is None else Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sql_port = _free_port()
        self.http_port = _free_port()
        self.password = secrets.token_hex(12)
        self.start_timeout = start_timeout
        self.ini = self.root / "virtuoso.ini"
        self.ini.write_text(_ini(self.root, self.sql_port, self.http_port, buffers, extra_ini or {}), encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None
        self._password_set = False
        self.start()

    # -- URLs ------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Anonymous, read-only SPARQL query endpoint."""
        return self.base_url + "/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL query + update endpoint for ``user``/``password`` (HTTP digest authentication)."""
        return self.base_url + "/sparql-auth"

    @property
    def gsp_url(self) -> str:
        """Graph Store Protocol endpoint (``?graph-uri=…``; digest authentication)."""
        return self.base_url + "/sparql-graph-crud-auth"

    @property
    def auth(self) -> httpx.DigestAuth:
        return httpx.DigestAuth(self.user, self.password)

    @property
    def log_text(self) -> str:
        path = self.root / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def env(self, auth: str = "digest") -> dict[str, str]:
        """NORMGRAPH_* settings that point normgraph's remote store backend at this server."""
        return {"NORMGRAPH_STORE": "remote", "NORMGRAPH_REMOTE_QUERY_URL": self.sparql_url,
                "NORMGRAPH_REMOTE_UPDATE_URL": self.update_url, "NORMGRAPH_REMOTE_GSP_URL": self.gsp_url,
                "NORMGRAPH_REMOTE_USER": self.user, "NORMGRAPH_REMOTE_PASSWORD": self.password,
                "NORMGRAPH_REMOTE_AUTH": auth}

    # -- life cycle ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start the server (again: the database, its data and password are kept)."""
        if self.running:
            return
        out = open(self.root / "stdout.log", "ab")  # noqa: SIM115 - owned by the child process
        self.proc = subprocess.Popen([BINARY, "+foreground", "+configfile", str(self.ini)], cwd=self.root,
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self._wait_ready()
        if not self._password_set:
            # a fresh database has dba/dba; replace it before anything else can use it
            self.isql(f"user_set_password('dba', '{self.password}');")
            self._password_set = True

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}:\n{self.log_text}")
            try:
                answer = httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2,
                                   headers={"Accept": "application/sparql-results+json"})
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop(kill=True)
        raise RuntimeError(f"virtuoso-t did not answer on {self.sparql_url} within {self.start_timeout:g} s:\n{self.log_text}")

    def isql(self, sql: str, timeout: float = 60.0) -> str:
        """Run SQL through isql-vt as dba (e.g. grants, checkpoint)."""
        password = self.password if self._password_set else "dba"
        done = subprocess.run([ISQL, str(self.sql_port), "dba", password, f"exec={sql}"], capture_output=True,
                              text=True, timeout=timeout, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed ({sql[:80]}…): {done.stdout[-1000:]}{done.stderr[-1000:]}")
        return done.stdout

    def stop(self, kill: bool = False) -> None:
        """Stop the server. ``kill``: SIGKILL at once (a crash: the transaction log is replayed at
        the next start, but bulk writes since the last checkpoint are lost); otherwise a checkpoint,
        SIGTERM, then SIGKILL after 20 s."""
        if self.proc is None:
            return
        if self.proc.poll() is None and not kill:
            # Virtuoso does not log bulk writes (GSP uploads, MOVE) in its transaction log: only a
            # checkpoint makes them durable, and a shutdown that ends in SIGKILL would lose them
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.isql("checkpoint;", timeout=30)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        (self.root / "virtuoso.lck").unlink(missing_ok=True)

    def close(self) -> None:
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def virtuoso_fixture(scope: str = "session", **options: Any) -> Callable[..., Iterator[Virtuoso]]:
    """A pytest fixture that yields a running ``Virtuoso`` (skips if it is not installed).

    In a test module or conftest: ``virtuoso = virtuoso_fixture()``."""

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def _virtuoso() -> Iterator[Virtuoso]:
        if not available():
            pytest.skip(SKIP_REASON)
        server = Virtuoso(**options)
        try:
            yield server
        finally:
            server.close()

    return _virtuoso
