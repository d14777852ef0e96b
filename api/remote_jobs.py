"""Worker jobs answered by a remote SPARQL store (the dataset's build record says ``backend: remote``).

The job is the same as for the embedded store; only where it runs differs. The query is checked
by the same parser as the embedded store (same syntax errors), bound parameters become VALUES
blocks (api/sparql_bind.py), the dataset is always named explicitly — the published graphs as
default-graph-uri and named-graph-uri — so neither the server's other graphs nor a build's
staging graphs are ever seen, and results are asked for as SPARQL JSON / N-Triples and written
by our own serialisers: formats, row cap, truncation flag and messages match the embedded path.
Virtuoso's quirks are absorbed here: "typed-literal" in JSON (parsed by pyoxigraph), ASK answered
as a one-row SELECT of ``__ASK_RETVAL``, booleans as 1/0, and its own DESCRIBE (rewritten into
the embedded store's: api/sparql_describe.py)."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from api.results import SERIALISERS, boolean
from api.sparql_bind import bind_values
from api.sparql_describe import describe_as_construct
from api.sparql_guard import analyse
from api.worker import GRAPH_FORMATS, ChunkWriter, RequestError, Worker, _term, apply_write
from graph.config import Settings
from graph.remote import RemoteConfig, RemoteError, RemoteStore
from graph.remote_publish import READERS, STALE, SWITCHING, push_changes

_EMPTY = ox.Store()  # parses queries exactly as the embedded store does (nothing is evaluated)
_MARGIN = 0.3  # seconds: a remote request gives up just before the pool's deadline, to say 504 itself


class RemoteJobs:
    def __init__(self, conn: Connection, settings: Settings | None = None) -> None:
        self.conn = conn
        self.settings = settings or Settings.from_env()
        self.remote: RemoteStore | None = None

    def store(self) -> RemoteStore:
        if self.remote is None:
            self.remote = RemoteStore(RemoteConfig.from_settings(self.settings))
        return self.remote

    @staticmethod
    def _timeout(job: dict[str, Any]) -> float | None:
        limit = job.get("timeout")
        return max(0.5, float(limit) - _MARGIN) if limit else None

    def _dataset(self, job: dict[str, Any], live: list[str]) -> dict[str, list[str] | None]:
        named = job["named_graphs"] if job.get("named_graphs") is not None else live
        if job.get("default_graph") is not None:
            return {"default_graphs": [g for g in job["default_graph"] if g], "named_graphs": named}
        if job.get("union"):
            return {"default_graphs": live, "named_graphs": named}
        return {"default_graphs": None, "named_graphs": named}  # the server's own default graph

    def run(self, job: dict[str, Any], manifest: dict[str, Any]) -> None:
        data_dir = Path(job.get("store") or job.get("source") or ".").parent.parent
        busy = None if job["kind"] == "write" else data_dir / READERS / str(os.getpid())
        try:
            manifest = self._after_switch(job, manifest, data_dir, busy)
            getattr(self, job["kind"].replace("-", "_"))(job, manifest)
        except RemoteError as exc:
            self.remote = None if exc.status in (502, 503, 504) else self.remote  # a fresh connection next time
            raise RequestError(exc.status, exc.message) from None
        finally:
            if busy is not None:
                busy.unlink(missing_ok=True)

    def _after_switch(self, job: dict[str, Any], manifest: dict[str, Any], data_dir: Path,
                      busy: Path | None) -> dict[str, Any]:
        """Hold the job while a build or a write switches the remote graphs, then answer from the
        record just published. ``busy``: this reader's file of the handshake (graph/remote_publish.py,
        READERS), created before the marker is looked at."""
        marker = data_dir / SWITCHING
        deadline = time.monotonic() + max(0.5, float(job.get("timeout") or 10) - 1.0)
        waited = False
        while True:
            if busy is not None:
                busy.parent.mkdir(exist_ok=True)
                busy.touch()  # first: a switch that starts from now on waits for this job
            try:
                if not marker.exists() or time.time() - marker.stat().st_mtime > STALE:
                    break
            except OSError:
                break
            if busy is not None:
                busy.unlink(missing_ok=True)  # a switch is on: it must not wait for a reader that waits for it
            if time.monotonic() > deadline:
                raise RequestError(503, "a new build is being switched in on the remote store; retry in a few seconds")
            waited = True
            time.sleep(0.05)
        if not waited:
            return manifest
        try:
            return json.loads((data_dir / "current" / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return manifest

    # -- queries ----------------------------------------------------------------------------------
    def query(self, job: dict[str, Any], manifest: dict[str, Any]) -> None:
        text = job["query"]
        try:
            _EMPTY.query(text, base_iri=job.get("base_iri") or None)
        except SyntaxError as exc:
            raise RequestError(400, f"query syntax error: {exc}") from None
        form = analyse(text).form
        bound = {name: _term(value) for name, value in (job.get("substitutions") or {}).items()}
        if bound:
            text = bind_values(text, bound)
        if job.get("base_iri"):
            text = f"BASE <{ox.NamedNode(job['base_iri']).value}>\n{text}"
        live = sorted(g for g in manifest.get("graphs", {}) if g)
        options: dict[str, Any] = {**self._dataset(job, live), "timeout": self._timeout(job)}
        cap = int(job.get("row_cap") or 0)
        remote = self.store()
        if form == "DESCRIBE":  # the embedded store's DESCRIBE, not the server's own
            triples = self._describe(text, options)
        if form == "CONSTRUCT":
            triples = remote.triples(text, **options)
        if form in ("CONSTRUCT", "DESCRIBE"):
            head, truncated = Worker._take(triples, cap)
            writer = ChunkWriter(self.conn, {"kind": "graph", "truncated": truncated})
            ox.serialize(head if cap > 0 else triples, writer, GRAPH_FORMATS[job["graph_format"]])
            writer.finish()
            return
        result = remote.solutions(text, **options)
        if form == "ASK" or isinstance(result, ox.QueryBoolean):
            writer = ChunkWriter(self.conn, {"kind": "boolean", "truncated": False})
            writer.write(boolean(_as_boolean(result), job["result_format"]).encode("utf-8"))
            writer.finish()
            return
        variables = [v.value for v in result.variables]
        # a bound parameter's value is the term it was bound to (as on the embedded store, which
        # substitutes it): Virtuoso returns a boolean from VALUES as xsd:integer 1/0
        rows = ([bound[v] if v in bound and t is not None else _canonical(t) for v, t in zip(variables, s, strict=True)]
                for s in result)
        head, truncated = Worker._take(rows, cap)
        writer = ChunkWriter(self.conn, {"kind": "solutions", "truncated": truncated})
        for piece in SERIALISERS[job["result_format"]](variables, iter(head) if cap > 0 else rows):
            writer.write(piece.encode("utf-8"))
        writer.finish()

    def _describe(self, text: str, options: dict[str, Any]) -> Iterator[ox.Triple]:
        """The resources' own triples; only when they lead to blank nodes, the (slower) query that
        follows them too."""
        remote = self.store()
        own = list(remote.triples(describe_as_construct(text, depth=0), **options))
        if not any(isinstance(t.object, ox.BlankNode) for t in own):
            return iter(own)
        return remote.triples(describe_as_construct(text), **options)

    # -- Graph Store Protocol: read ---------------------------------------------------------------
    def _graph_triples(self, graph: str) -> Iterator[ox.Triple]:
        return self.store().triples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ox.NamedNode(graph).value}> {{ ?s ?p ?o }} }}",
                                    default_graphs=None, named_graphs=[graph])

    def graph_get(self, job: dict[str, Any], manifest: dict[str, Any]) -> None:
        graph = job.get("graph")
        if graph and graph not in manifest.get("graphs", {}):
            raise RequestError(404, f"no graph named <{graph}> in this dataset")
        triples: Iterator[ox.Triple] = self._graph_triples(graph) if graph else iter(())
        writer = ChunkWriter(self.conn, {"kind": "graph", "truncated": False})
        ox.serialize(triples, writer, GRAPH_FORMATS[job["graph_format"]])
        writer.finish()

    def dataset_get(self, job: dict[str, Any], manifest: dict[str, Any]) -> None:
        live = sorted(g for g in manifest.get("graphs", {}) if g)
        quads = itertools.chain.from_iterable(
            (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for t in self._graph_triples(g)) for g in live)
        writer = ChunkWriter(self.conn, {"kind": "dataset", "truncated": False})
        ox.serialize(quads, writer, GRAPH_FORMATS[job["graph_format"]])
        writer.finish()

    # -- writes -----------------------------------------------------------------------------------
    def write(self, job: dict[str, Any], manifest: dict[str, Any]) -> None:
        """A Graph Store write or a SPARQL Update: applied to a checkpoint of the local copy first
        (exactly as on the embedded store: bad input is a 400 and nothing is sent), then every graph
        it changed is pushed to the remote store in one transaction (push_changes); the server
        publishes the new local record only if that succeeded."""
        counts = apply_write(job)
        if counts.get("", 0):
            raise RequestError(400, "the remote store holds named graphs only: write into a named graph "
                                    "(?graph=IRI, or GRAPH <IRI> in the update); nothing was written")
        before = ox.Store.read_only(str(Path(job["source"]) / "oxigraph")) if job.get("source") else None
        after = ox.Store.read_only(str(Path(job["target"]) / "oxigraph"))
        data_dir = Path(job["target"]).parent.parent
        try:
            push_changes(self.settings, data_dir, before, after, "write-" + Path(job["target"]).name)
        except RemoteError as exc:
            raise RequestError(exc.status, f"the write was not applied to the remote store: {exc.message}") from None
        finally:
            del before, after
        self.conn.send(("end", {"graphs": counts}))


XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_BOOLEANS = {"1": ox.Literal("true", datatype=XSD_BOOLEAN), "0": ox.Literal("false", datatype=XSD_BOOLEAN)}


def _canonical(term: Any) -> Any:
    """Virtuoso writes xsd:boolean values as 1/0 in SPARQL JSON: back to true/false."""
    if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN and term.value in _BOOLEANS:
        return _BOOLEANS[term.value]
    return term


def _as_boolean(result: ox.QuerySolutions | ox.QueryBoolean) -> bool:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    # Virtuoso answers ASK as a SELECT with one row binding __ASK_RETVAL to 1 or 0
    for row in result:
        value = row[0]
        return value is not None and value.value not in ("0", "false")
    return False
