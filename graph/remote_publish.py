"""Publishing a build into a remote SPARQL store: stage, check, switch.

1. Leftover staging graphs of an earlier, interrupted build are dropped.
2. Every graph of the build is uploaded under a fresh staging name
   (``urn:normgraph:staging:<build id>:<graph IRI>``) — Graph Store Protocol PUT/POST when a GSP
   URL is configured, else ``INSERT DATA`` through the update endpoint — in batches.
3. The staging graphs' triple counts are checked against the build manifest.
4. The switch: ONE update request, run by the server as one logged transaction
   (``RemoteStore.transaction``), brings every live graph (``<base>graph/…``) to its staging
   copy by difference — delete what the new build no longer has, insert what it adds — and empties
   the live graphs the new build no longer has. By difference, because the transaction then
   writes only what changed (a rebuild changes few triples), and because Virtuoso replays a
   transaction that deletes and re-inserts the same rows wrongly after a crash (measured:
   docs/remote-store.md).
5. The live counts are checked again; the staging graphs are dropped.

Any failure before step 4 drops the staging graphs and leaves the live graphs untouched. Readers of
``normgraph serve`` never see staging graphs: it always names the graphs of the dataset explicitly
(default-graph-uri / named-graph-uri); during step 4 its workers hold jobs back (SWITCHING), because
a server's transaction need not be isolated from readers (Virtuoso's is not: docs/remote-store.md)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.remote import RemoteConfig, RemoteError, RemoteStore
from graph.store import StoreError

STAGING = "urn:normgraph:staging:"
BATCH = 20_000  # triples per upload request


# While this file exists in the data directory, the workers of normgraph serve hold new jobs back:
# Virtuoso's readers can see a transaction's inserts before it commits (measured), so our readers
# must not run during the switch. A marker older than STALE seconds (a build
# killed mid-switch) is ignored.
SWITCHING = "remote-switching.json"
STALE = 600.0
# Each worker of normgraph serve running a job on the remote store holds a file named by its pid
# in this directory. The handshake: a reader creates its file, THEN looks for the marker (and,
# seeing one, removes its file and waits); a switch creates the marker, THEN waits until the
# directory is empty. So every reader either started before the marker (and the switch waits for
# it) or sees the marker (and waits for the switch) — without a fixed pause on an idle server.
READERS = "remote-readers"


def wait_for_readers(data_dir: Path, limit: float) -> None:
    """After the marker is written: wait until no reader of the old graphs is left, at most
    ``limit`` seconds (a query is stopped at its deadline anyway); files of dead processes (a
    worker killed with SIGKILL) are removed."""
    folder = data_dir / READERS
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            pids = [int(f.name) for f in folder.iterdir() if f.name.isdigit()]
        except OSError:
            return
        alive = []
        for pid in pids:
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                (folder / str(pid)).unlink(missing_ok=True)
            except PermissionError:
                alive.append(pid)
        if not alive:
            return
        time.sleep(0.02)


class PublishFailed(StoreError):
    pass


def staging_name(build_id: str, graph: str) -> str:
    return f"{STAGING}{build_id}:{graph}"


def _by_graph(nquads: bytes) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(input=io.BytesIO(nquads), format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise PublishFailed("the build has triples in the default graph, which a remote store cannot hold apart "
                                "from its other data; only named graphs can be published remotely")
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return graphs


def _ntriples(triples: list[ox.Triple]) -> bytes:
    out = io.BytesIO()
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


def _batches(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    # blank nodes are scoped to one request: a graph that has any is sent whole, so that each
    # blank node stays one node
    if len(triples) <= BATCH or any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return [triples]
    return [triples[i:i + BATCH] for i in range(0, len(triples), BATCH)]


def upload(remote: RemoteStore, settings: Settings, graph: str, triples: list[ox.Triple]) -> None:
    """Put ``triples`` into the (empty, staging) ``graph``: Graph Store Protocol when configured,
    else INSERT DATA, in batches."""
    for i, batch in enumerate(_batches(triples)):
        if settings.remote_gsp_url:
            remote.put_graph(graph, _ntriples(batch), append=i > 0)
        else:
            body = _ntriples(batch).decode("utf-8")
            remote.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}")


def graph_counts(remote: RemoteStore, graphs: list[str]) -> dict[str, int]:
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    rows = remote.select_rows(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows if row.get("g") is not None}


def graphs_with_prefix(remote: RemoteStore, prefix: str) -> list[str]:
    literal = str(ox.Literal(prefix))
    rows = remote.select_rows(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {literal})) }}")
    return sorted(row["g"].value for row in rows if row.get("g") is not None)


def _drop(remote: RemoteStore, graphs: list[str]) -> None:
    if graphs:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


def switch_operations(pairs: dict[str, str], emptied: list[str]) -> list[str]:
    """The update operations that make each live graph (key of ``pairs``) hold exactly what its
    source graph (value) holds, and empty the graphs in ``emptied`` — row-level DELETE/INSERT only,
    so that a server that logs row changes (Virtuoso) logs all of them."""
    operations: list[str] = []
    for live, source in sorted(pairs.items()):
        operations.append(f"DELETE {{ GRAPH <{live}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{live}> {{ ?s ?p ?o }} "
                          f"FILTER NOT EXISTS {{ GRAPH <{source}> {{ ?s ?p ?o }} }} }}")
        operations.append(f"INSERT {{ GRAPH <{live}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} "
                          f"FILTER NOT EXISTS {{ GRAPH <{live}> {{ ?s ?p ?o }} }} }}")
    operations += [f"DELETE WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in sorted(emptied)]
    return operations


def publish_remote(settings: Settings, nquads: bytes, manifest: dict, build_id: str, quiet: bool = True) -> dict[str, int]:
    """Publish the build into the remote store; returns the live counts. Raises PublishFailed."""
    def say(text: str) -> None:
        if not quiet:
            print(f"\n  {text}", end="", file=sys.stderr, flush=True)

    if not settings.remote_update_url:
        raise PublishFailed("NORMGRAPH_STORE=remote needs NORMGRAPH_REMOTE_UPDATE_URL to publish a build; nothing was published")
    remote = RemoteStore(RemoteConfig.from_settings(settings))
    graphs = _by_graph(nquads)
    expected = {g: n for g, n in manifest["graphs"].items() if g}
    staging = {g: staging_name(build_id, g) for g in graphs}
    live_prefix = manifest.get("base", settings.base) + "graph/"
    where = settings.remote_query_url
    try:
        try:
            _drop(remote, graphs_with_prefix(remote, STAGING))
            for graph, triples in sorted(graphs.items()):
                say(f"upload {len(triples)} triples of <{graph}>")
                upload(remote, settings, staging[graph], triples)
            got = graph_counts(remote, list(staging.values()))
            wrong = {g: (got.get(staging[g], 0), n) for g, n in expected.items() if got.get(staging[g], 0) != n}
            if wrong:
                details = "; ".join(f"<{g}>: {have} triples, the build has {want}" for g, (have, want) in sorted(wrong.items()))
                raise PublishFailed(f"the remote store does not hold what was uploaded ({details})")
            old = [g for g in graphs_with_prefix(remote, live_prefix) if g not in graphs]
        except RemoteError as exc:
            raise PublishFailed(f"publishing to the remote store {where} failed: {exc.message}") from None
    except PublishFailed as exc:
        try:
            _drop(remote, list(staging.values()))
        except RemoteError as drop_exc:
            exc.args = (f"{exc.args[0]}; the staging graphs ({STAGING}{build_id}:…) could not be dropped either: "
                        f"{drop_exc.message}",)
        remote.close()
        raise PublishFailed(f"{exc.args[0]}; the live graphs are untouched") from None
    # the switch: one transaction, while readers of normgraph serve wait (see SWITCHING)
    operations = switch_operations(staging, old)
    say(f"switch {len(graphs)} graphs (one transaction)")
    marker = settings.data_dir / SWITCHING
    try:
        marker.write_text(json.dumps({"build": build_id, "pid": os.getpid(), "since": time.time()}), encoding="utf-8")
        wait_for_readers(settings.data_dir, settings.query_timeout)  # queries already running finish on the old build
        remote.transaction(operations)
        live = graph_counts(remote, sorted(graphs))
    except RemoteError as exc:
        remote.close()
        raise PublishFailed(f"the switch to the new build failed on the remote store {where}: {exc.message} "
                            "(run the build again to publish it)") from None
    finally:
        marker.unlink(missing_ok=True)
    try:
        _drop(remote, list(staging.values()))  # not part of the switch: a leftover is dropped by the next build
    except RemoteError as exc:
        say(f"the staging graphs could not be dropped ({exc.message}); the next build drops them")
    finally:
        remote.close()
    wrong_live = {g: (live.get(g, 0), n) for g, n in expected.items() if live.get(g, 0) != n}
    if wrong_live:
        raise PublishFailed(f"after the switch the remote store holds other counts than the build: {wrong_live}")
    return live


# -- writes and loads: the remote graphs follow the local copy --------------------------------------
def _fingerprints(st: ox.Store | None) -> dict[str, tuple[int, int]]:
    """Per named graph: (triples, an order-independent hash of them) — what tells a changed graph
    from an unchanged one without comparing the graphs triple by triple."""
    prints: dict[str, list[int]] = {}
    if st is None:
        return {}
    for quad in st.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            entry = prints.setdefault(quad.graph_name.value, [0, 0])
            entry[0] += 1
            entry[1] = (entry[1] + hash(str(ox.Triple(quad.subject, quad.predicate, quad.object)))) & 0xFFFFFFFFFFFFFFFF
    return {g: (n, h) for g, (n, h) in prints.items()}


def push_changes(settings: Settings, data_dir: Path, before: ox.Store | None, after: ox.Store, change_id: str) -> list[str]:
    """Make the remote store's graphs equal to ``after`` wherever it differs from ``before`` (the
    published local copy): each changed graph is uploaded whole to a staging graph, then ONE
    transaction brings the live graphs to them by difference and empties the graphs ``after`` no
    longer has — the build's switch, for a write or a load. The local copy is the reference, so a
    write means on the remote store exactly what it means on the embedded one (Oxigraph applies
    the SPARQL Update). Returns the changed graphs. Raises RemoteError; the live graphs are
    unchanged unless the server failed inside its own transaction."""
    old, new = _fingerprints(before), _fingerprints(after)
    changed = sorted(g for g, fp in new.items() if old.get(g) != fp)
    emptied = sorted(g for g in old if g not in new)
    if not changed and not emptied:
        return []
    remote = RemoteStore(RemoteConfig.from_settings(settings))
    staging = {g: staging_name(change_id, g) for g in changed}
    marker = data_dir / SWITCHING
    try:
        try:
            for graph in changed:
                triples = [ox.Triple(q.subject, q.predicate, q.object)
                           for q in after.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
                upload(remote, settings, staging[graph], triples)
            got = graph_counts(remote, list(staging.values()))
            wrong = {g: got.get(staging[g], 0) for g in changed if got.get(staging[g], 0) != new[g][0]}
            if wrong:
                raise RemoteError(502, f"the remote store does not hold what was uploaded: {wrong}")
            marker.write_text(json.dumps({"change": change_id, "pid": os.getpid(), "since": time.time()}), encoding="utf-8")
            try:
                wait_for_readers(data_dir, settings.query_timeout)  # queries already running finish on the old graphs
                remote.transaction(switch_operations(staging, emptied))
            finally:
                marker.unlink(missing_ok=True)
        finally:
            with contextlib.suppress(RemoteError):  # a leftover staging graph is dropped by the next build
                _drop(remote, list(staging.values()))
    finally:
        remote.close()
    return changed + emptied
