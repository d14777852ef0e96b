"""A query worker: a separate process that runs one request at a time on the published store.

Queries run here, not in the server process, so that a query past its deadline can be stopped
for real (the server kills the process and starts another) while every other request is still
served. The worker opens each published store read-only (published stores never change) and
sends results back in chunks: ("meta", …), ("chunk", bytes)…, ("end", …) or ("error", …)."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from api.results import SERIALISERS, boolean

CHUNK = 64 * 1024

GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG,
}


def _term(value: dict[str, Any]) -> ox.NamedNode | ox.Literal:
    """A SPARQL-JSON-shaped term ({"type": "uri"|"literal", "value", "datatype"?, "xml:lang"?}) as an RDF term:
    values are bound as terms, never pasted into query text."""
    if value.get("type") == "uri":
        return ox.NamedNode(value["value"])
    if value.get("xml:lang"):
        return ox.Literal(value["value"], language=value["xml:lang"])
    if value.get("datatype"):
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


class RequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ChunkWriter(io.RawIOBase):
    """A file-like object that sends what is written to the server in chunks.

    The response's metadata travels with the first chunk; a result that fits in one chunk goes
    back as a single ("done", meta, body) message, which is what most answers are."""

    def __init__(self, conn: Connection, meta: dict[str, Any]) -> None:
        self.conn = conn
        self.meta: dict[str, Any] | None = meta
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.buffer.extend(data)
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.meta is not None:
            self.conn.send(("meta", self.meta))
            self.meta = None
        if self.buffer:
            self.conn.send(("chunk", bytes(self.buffer)))
            self.buffer.clear()

    def finish(self) -> None:
        if self.meta is not None:  # everything fitted in one chunk
            self.conn.send(("done", self.meta, bytes(self.buffer)))
            self.meta = None
            self.buffer.clear()
            return
        self.flush()
        self.conn.send(("end", {}))


def _write_text(writer: ChunkWriter, pieces: Iterator[str], batch: int = 256) -> None:
    """Encode and write serialised pieces a batch at a time (one join and one encode per batch
    rather than per row: most answers are a handful of rows, written in one go)."""
    buffer: list[str] = []
    for piece in pieces:
        buffer.append(piece)
        if len(buffer) >= batch:
            writer.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    if buffer:
        writer.write("".join(buffer).encode("utf-8"))


def apply_write(job: dict[str, Any]) -> dict[str, int]:
    """Apply a write job's operations to a checkpoint of ``source`` written at ``target``; returns
    the new counts per graph ("" for the default graph). Bad input raises RequestError (400/404)."""
    source = ox.Store.read_only(os.path.join(job["source"], "oxigraph")) if job.get("source") else None
    target = os.path.join(job["target"], "oxigraph")
    if source is not None:
        source.backup(target)
        del source
    store = ox.Store(target)
    for op in job["ops"]:
        kind = op["op"]
        graph = ox.NamedNode(op["graph"]) if op.get("graph") else ox.DefaultGraph()
        if kind == "update":
            try:
                store.update(op["update"], base_iri=op.get("base_iri") or None)
            except SyntaxError as exc:
                raise RequestError(400, f"update syntax error: {exc}") from None
        elif kind in ("put", "post"):
            if kind == "put":
                if isinstance(graph, ox.NamedNode) and store.contains_named_graph(graph):
                    store.remove_graph(graph)
                elif isinstance(graph, ox.DefaultGraph):
                    store.clear_graph(graph)
            try:
                store.load(op["data"], format=ox.RdfFormat.from_media_type(op["media_type"]),
                           base_iri=op.get("base_iri") or None, to_graph=graph)
            except SyntaxError as exc:
                raise RequestError(400, f"the RDF payload cannot be parsed: {exc}") from None
            if isinstance(graph, ox.NamedNode) and not store.contains_named_graph(graph):
                store.add_graph(graph)
        elif kind == "delete":
            if isinstance(graph, ox.NamedNode):
                if not store.contains_named_graph(graph):
                    raise RequestError(404, f"no graph named <{op['graph']}> in this dataset")
                store.remove_graph(graph)
            else:
                store.clear_graph(graph)
    store.flush()
    counts: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    named = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    for name in named:
        counts.setdefault(name, 0)
    del store
    return counts


class Worker:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.path: str | None = None
        self.store: ox.Store | None = None
        self.manifests: dict[str, dict[str, Any] | None] = {}
        self.remote: Any = None

    def open(self, path: str) -> ox.Store:
        if path != self.path or self.store is None:
            self.store = None
            self.store = ox.Store.read_only(os.path.join(path, "oxigraph"))
            self.path = path
        return self.store

    # -- queries ---------------------------------------------------------------------------------
    def query(self, job: dict[str, Any]) -> None:
        try:
            self._query(job)
        except OSError as exc:
            # the engine reports a failed federated call (refused, redirected, unreachable) as an
            # OSError; without this it would read as "the store could not be read"
            if "SERVICE" in job["query"].upper() and not isinstance(exc, BrokenPipeError):
                raise RequestError(502, f"a federated query (SERVICE) failed: {exc}") from None
            raise

    def _query(self, job: dict[str, Any]) -> None:
        store = self.open(job["store"])
        kwargs: dict[str, Any] = {}
        if job.get("base_iri"):
            kwargs["base_iri"] = job["base_iri"]
        if job.get("default_graph") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) if g else ox.DefaultGraph() for g in job["default_graph"]]
        elif job.get("union"):
            kwargs["use_default_graph_as_union"] = True
        if job.get("named_graphs") is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
        if job.get("substitutions"):
            kwargs["substitutions"] = {ox.Variable(name): _term(value) for name, value in job["substitutions"].items()}
        try:
            result = store.query(job["query"], **kwargs)
        except SyntaxError as exc:
            raise RequestError(400, f"query syntax error: {exc}") from None
        except ValueError as exc:
            raise RequestError(400, f"invalid query: {exc}") from None
        cap = int(job.get("row_cap") or 0)
        if isinstance(result, ox.QueryBoolean | bool):
            writer = ChunkWriter(self.conn, {"kind": "boolean", "truncated": False})
            writer.write(boolean(bool(result), job["result_format"]).encode("utf-8"))
        elif isinstance(result, ox.QuerySolutions) and cap <= 0 and job["result_format"] == "json":
            # uncapped JSON (the pages' own queries, which bound themselves with LIMIT): the engine
            # serialises as it evaluates, several times faster than row by row in Python
            writer = ChunkWriter(self.conn, {"kind": "solutions", "truncated": False})
            result.serialize(writer, ox.QueryResultsFormat.JSON)
        elif isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            # tuple(solution) is in variable order; looking values up by name costs ~20× more
            rows = (tuple(s) for s in result)
            head, truncated = self._take(rows, cap)
            body = iter(head) if cap > 0 else rows  # without a cap, rows stream straight from the engine
            writer = ChunkWriter(self.conn, {"kind": "solutions", "truncated": truncated})
            _write_text(writer, SERIALISERS[job["result_format"]](variables, body))
        else:
            triples = iter(result)
            head, truncated = self._take(triples, cap)
            writer = ChunkWriter(self.conn, {"kind": "graph", "truncated": truncated})
            ox.serialize(head if cap > 0 else triples, writer, GRAPH_FORMATS[job["graph_format"]])
        writer.finish()

    @staticmethod
    def _take(items: Iterator[Any], cap: int) -> tuple[list[Any], bool]:
        """Up to ``cap`` items and whether there were more; with no cap, nothing is taken (the
        caller streams the iterator itself), so memory stays bounded either way."""
        if cap <= 0:
            return [], False
        out = []
        for item in items:
            if len(out) == cap:
                return out, True
            out.append(item)
        return out, False

    # -- Graph Store Protocol: read --------------------------------------------------------------
    def graph_get(self, job: dict[str, Any]) -> None:
        store = self.open(job["store"])
        graph = ox.NamedNode(job["graph"]) if job.get("graph") else ox.DefaultGraph()
        if isinstance(graph, ox.NamedNode) and not store.contains_named_graph(graph):
            raise RequestError(404, f"no graph named <{job['graph']}> in this dataset")
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph))
        writer = ChunkWriter(self.conn, {"kind": "graph", "truncated": False})
        ox.serialize(triples, writer, GRAPH_FORMATS[job["graph_format"]])
        writer.finish()

    def dataset_get(self, job: dict[str, Any]) -> None:
        store = self.open(job["store"])
        writer = ChunkWriter(self.conn, {"kind": "dataset", "truncated": False})
        store.dump(writer, GRAPH_FORMATS[job["graph_format"]])
        writer.finish()

    # -- writes: on a checkpoint of the published store, which the server then publishes ----------
    def write(self, job: dict[str, Any]) -> None:
        self.conn.send(("end", {"graphs": apply_write(job)}))

    # -- the remote store backend (api/remote_jobs.py) --------------------------------------------
    def remote_manifest(self, path: str | None) -> dict[str, Any] | None:
        """The build record of ``path`` if that build was published to a remote store (read once per build)."""
        if not path:
            return None
        if path not in self.manifests:
            try:
                with open(os.path.join(path, "manifest.json"), encoding="utf-8") as handle:
                    manifest = json.load(handle)
            except (OSError, ValueError):
                manifest = {}
            self.manifests = {path: manifest if manifest.get("backend") == "remote" else None}
        return self.manifests[path]

    def remote_jobs(self) -> Any:
        if self.remote is None:
            from api.remote_jobs import RemoteJobs

            self.remote = RemoteJobs(self.conn)
        return self.remote

    @staticmethod
    def _os_error(job: dict[str, Any], exc: OSError) -> dict[str, Any]:
        if job.get("kind") != "write":
            return {"status": 503, "message": f"the store could not be read: {exc}"}
        if "No space left on device" in str(exc):
            return {"status": 507, "message": "the write was not applied: no space left on device while writing the new "
                                              "store; the published dataset is unchanged"}
        if any("LOAD" in str(op.get("update", "")).upper() for op in job.get("ops", [])):
            return {"status": 502, "message": f"the update was not applied: LOAD failed: {exc}"}
        return {"status": 503, "message": f"the write was not applied (the published dataset is unchanged): {exc}"}

    def serve(self) -> None:
        while True:
            try:
                job = self.conn.recv()
            except (EOFError, OSError):
                return
            try:
                manifest = self.remote_manifest(job.get("store") or job.get("source"))
                if manifest is not None:  # the dataset was published to a remote store: the job runs there
                    self.remote_jobs().run(job, manifest)
                else:
                    getattr(self, job["kind"].replace("-", "_"))(job)
            except RequestError as exc:
                self.conn.send(("error", {"status": exc.status, "message": exc.message}))
            except OSError as exc:
                self.conn.send(("error", self._os_error(job, exc)))
            except ValueError as exc:  # e.g. an invalid IRI or literal among the bound values
                self.conn.send(("error", {"status": 400, "message": f"invalid request: {exc}"}))
            except Exception as exc:
                self.conn.send(("error", {"status": 500, "message": f"internal error: {type(exc).__name__}",
                                          "trace": traceback.format_exc()}))


def main(conn: Connection) -> None:
    # Ctrl+C in a terminal signals the whole process group: the server decides when workers stop
    # (it kills them after the in-flight requests), so a worker must not die mid-query on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_the_server, args=(os.getppid(),), daemon=True, name="orphan-watch").start()
    Worker(conn).serve()


def _exit_with_the_server(server_pid: int) -> None:
    """If the server dies without stopping its workers (kill -9, the OOM killer), a worker in the
    middle of a runaway query would run on, orphaned, until the query ended: exit instead. (The
    parent changes when the server dies; checked every second, a negligible cost.)"""
    while True:
        time.sleep(1)
        if os.getppid() != server_pid:
            os._exit(1)
