"""A private SPARQL server on Apache Jena (ARQ over a TDB2 dataset) for the remote store tests.

``JenaServer()`` compiles tests/jena/JenaServer.java with ``javac`` (once per source version, into
the temporary directory) against the jars of the Debian package ``libapache-jena-java`` and its
dependencies (``/usr/share/java``), starts it on a free loopback port with its own TDB2 database in
a temporary directory, and waits until it answers.

It is a TEST SHIM standing in for Apache Jena Fuseki (which Debian does not package): the engine
is real — Jena ARQ evaluates the queries over TDB2, every update request and Graph Store Protocol
write is one TDB2 write transaction, as in Fuseki — but the HTTP layer (SPARQL 1.1 Protocol and
Graph Store Protocol, basic authentication) is our own small Java file. Its ``Server`` header is
``normgraph-test-jena/…``, so normgraph talks to it in its "standard" dialect.

    from tests.jena_server import JenaServer, available, jena_fixture

    with JenaServer() as j:             # or j = JenaServer(); ...; j.close()
        httpx.get(j.query_url, params={"query": "ASK {}"})
        j.stop(kill=True); j.start()    # a crash and a restart keep the committed transactions

    jena = jena_fixture()               # in a test module or conftest: a session-scoped fixture

Tests that need it skip, with the reason, when ``javac``/``java`` or the Jena jars are missing
(CI installs ``libapache-jena-java``, and ``default-jdk-headless`` when there is no javac)."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

SOURCE = Path(__file__).resolve().parent / "jena" / "JenaServer.java"
JARS = Path(os.environ.get("NORMGRAPH_TEST_JENA_JARS", "/usr/share/java"))
PACKAGE = "libapache-jena-java"
DATASET = "normgraph"  # Fuseki's URL layout: /<dataset>/sparql, /update, /data
# Logging bindings and bridges that must not be on the classpath together (slf4j refuses
# jcl-over-slf4j with slf4j-jcl, log4j-over-slf4j with slf4j-log4j12); we add slf4j-simple alone.
_LOGGING = ("slf4j-", "jcl-over-slf4j", "log4j-over-slf4j", "jul-to-slf4j", "maven3-slf4j-provider")


def skip_reason() -> str | None:
    """Why the Jena server cannot run here, or None when it can."""
    for tool in ("javac", "java"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install default-jdk-headless)"
    if not (JARS / "jena-arq.jar").exists() or not (JARS / "jena-tdb2.jar").exists():
        return f"the Apache Jena jars are not in {JARS} (apt-get install --no-install-recommends {PACKAGE})"
    return None


def available() -> bool:
    return skip_reason() is None


def _package_closure(package: str) -> set[str] | None:
    """The installed Debian packages ``package`` depends on, recursively (None without dpkg)."""
    if shutil.which("dpkg-query") is None:
        return None
    seen: set[str] = set()
    todo = [package]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        done = subprocess.run(["dpkg-query", "-W", "-f=${Status}|${Depends}", name], capture_output=True, text=True, check=False)
        status, _, depends = done.stdout.partition("|")
        if done.returncode != 0 or not status.endswith(" installed"):
            continue  # a virtual package or an alternative that is not installed
        seen.add(name)
        for alternative in depends.split(","):
            first = alternative.split("|")[0].strip().split(" ")[0].split(":")[0]
            if first:
                todo.append(first)
    return seen


def classpath() -> list[str]:
    """The jars of libapache-jena-java and of the packages it depends on (by dpkg; without dpkg,
    every jar in JARS), without logging bindings, plus slf4j-simple for warnings on stderr."""
    packages = _package_closure(PACKAGE)
    if packages:
        listed = subprocess.run(["dpkg-query", "-L", *sorted(packages)], capture_output=True, text=True, check=False).stdout
        candidates = [Path(line) for line in listed.splitlines() if line.startswith(str(JARS) + "/") and line.endswith(".jar")]
    else:
        candidates = sorted(JARS.glob("*.jar"))
    jars: dict[str, str] = {}  # real path → listed path: the versioned jar and its symlink once
    for jar in candidates:
        if jar.name.startswith(_LOGGING) and not jar.name.startswith("slf4j-api"):
            continue
        if jar.exists():
            jars.setdefault(os.path.realpath(jar), str(jar))
    simple = JARS / "slf4j-simple.jar"
    if simple.exists():
        jars.setdefault(os.path.realpath(simple), str(simple))
    return sorted(jars.values())


def compiled(cp: list[str]) -> Path:
    """The directory of the compiled shim: compiled once per source and classpath, then reused
    (each test session would otherwise spend seconds in javac)."""
    key = hashlib.sha256(SOURCE.read_bytes() + "\n".join(cp).encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"normgraph-test-jena-{key}"
    if (target / "JenaServer.class").exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="normgraph-test-jena-build-"))
    done = subprocess.run(["javac", "-encoding", "UTF-8", "-nowarn", "-d", str(work), "-cp", ":".join(cp), str(SOURCE)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        raise RuntimeError(f"javac failed on {SOURCE}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    _relocated_xerces_messages(work)
    try:
        work.rename(target)  # atomic: two sessions compiling at once both end with a whole directory
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _relocated_xerces_messages(classes: Path) -> None:
    """Work around a packaging bug of Debian's libapache-jena-java 4.5.0-2: jena-core.jar has its
    bundled Xerces classes under ``xerces.*`` but their message files still under
    ``org/apache/jena/ext/xerces/``, so the first XSD datatype with a pattern facet fails
    ("Can't find bundle for base name xerces.impl.xpath.regex.message" → ExceptionInInitializerError
    in XSDDatatype, i.e. Jena cannot start). Copying the files to where the classes look for them
    (in our class directory, first on the classpath) is enough; the jar is not touched."""
    core = JARS / "jena-core.jar"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(core) as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = classes / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class JenaServer:
    """One private Jena server. ``root``: where the TDB2 database and the log live (a fresh
    temporary directory by default, removed by ``close``); ``user``/``password``: basic
    authentication of the update and Graph Store endpoints (a random password by default)."""

    user = "normgraph"

    def __init__(self, root: Path | None = None, start_timeout: float = 60.0, heap: str = "512m") -> None:
        reason = skip_reason()
        if reason:
            raise RuntimeError(reason)
        self.cp = classpath()
        self.classes = compiled(self.cp)  # before the temporary directory: javac may fail
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="jena-")) if root is None else Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.password = secrets.token_hex(12)
        self.start_timeout = start_timeout
        self.heap = heap
        self.proc: subprocess.Popen[bytes] | None = None
        try:
            self.start()
        except BaseException:
            self.close()  # a server that did not start leaves no temporary directory behind
            raise

    # -- URLs ------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """SPARQL query endpoint (anonymous, read-only)."""
        return f"{self.base_url}/{DATASET}/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL Update endpoint (basic authentication)."""
        return f"{self.base_url}/{DATASET}/update"

    @property
    def gsp_url(self) -> str:
        """Graph Store Protocol endpoint (``?graph=…``; basic authentication)."""
        return f"{self.base_url}/{DATASET}/data"

    @property
    def auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.user, self.password)

    @property
    def log_text(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def env(self) -> dict[str, str]:
        """NORMGRAPH_* settings that point normgraph's remote store backend at this server."""
        return {"NORMGRAPH_STORE": "remote", "NORMGRAPH_REMOTE_QUERY_URL": self.query_url,
                "NORMGRAPH_REMOTE_UPDATE_URL": self.update_url, "NORMGRAPH_REMOTE_GSP_URL": self.gsp_url,
                "NORMGRAPH_REMOTE_USER": self.user, "NORMGRAPH_REMOTE_PASSWORD": self.password,
                "NORMGRAPH_REMOTE_AUTH": "basic", "NORMGRAPH_REMOTE_DIALECT": "standard"}

    # -- life cycle ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start the server (again: the TDB2 database, the port and the password are kept)."""
        if self.running:
            return
        command = ["java", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                   "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                   "-cp", ":".join([str(self.classes), *self.cp]), "JenaServer",
                   "--location", str(self.root / "tdb2"), "--port", str(self.port),
                   "--user", self.user, "--password", self.password]
        out = open(self.root / "server.log", "ab")  # noqa: SIM115 - owned by the child process
        self.proc = subprocess.Popen(command, cwd=self.root, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the Jena server exited with {self.proc.returncode}:\n{self.log_text}")
            try:
                if httpx.get(f"{self.base_url}/$/ping", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop(kill=True)
        raise RuntimeError(f"the Jena server did not answer on {self.base_url} within {self.start_timeout:g} s:\n{self.log_text}")

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGTERM (SIGKILL after 20 s), or ``kill``: SIGKILL at once (a crash:
        TDB2 recovers its committed transactions from its journal at the next start)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> JenaServer:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def jena_fixture(scope: str = "session", **options: Any) -> Callable[..., Iterator[JenaServer]]:
    """A pytest fixture that yields a running ``JenaServer`` (skips, with the reason, when it
    cannot run here). In a test module or conftest: ``jena = jena_fixture()``."""

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def _jena() -> Iterator[JenaServer]:
        reason = skip_reason()
        if reason:
            pytest.skip(reason)
        server = JenaServer(**options)
        try:
            yield server
        finally:
            server.close()

    return _jena
