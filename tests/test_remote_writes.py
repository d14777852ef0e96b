"""Writes on the remote store backend (a private Virtuoso, tests/virtuoso.py): Graph Store PUT,
POST and DELETE and SPARQL Update through ``normgraph serve`` change the remote store's graphs —
applied to the local copy first, exactly as on the embedded store, then pushed in one
transaction (graph.remote_publish.push_changes) — and bad input or a remote failure changes
nothing. Also ``/readyz``, which probes the remote store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph import bulk_load, store
from graph.config import Settings
from graph.remote import RemoteConfig, RemoteStore
from graph.remote_publish import STAGING, graph_counts, graphs_with_prefix
from tests.servers import Server
from tests.virtuoso import Virtuoso

BASE = "https://w3id.org/normgraph/"
TOKEN = "remote-writes-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = BASE + "graph/test-writes"


def direct(v: Virtuoso) -> RemoteStore:
    return RemoteStore(RemoteConfig(v.sparql_url, v.update_url, v.gsp_url, v.user, v.password, "digest", 60))


def in_virtuoso(v: Virtuoso, graph: str) -> int:
    return graph_counts(direct(v), [graph]).get(graph, 0)


@pytest.fixture(scope="module")
def writable(remote_built: tuple[Settings, dict], virtuoso: Virtuoso,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A server on a copy of the remote build record (its own local copy), writes enabled."""
    settings, _ = remote_built
    data_dir = tmp_path_factory.mktemp("remote-writes") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {**virtuoso.env(), "NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_QUERY_TIMEOUT": "1",
                               "NORMGRAPH_WORKERS": "2"})
    yield server, data_dir
    server.stop()
    direct(virtuoso).update(f"DROP SILENT GRAPH <{GRAPH}>")


def ask(server: Server, where: str) -> bool:
    r = httpx.post(server.sparql, data={"query": f"ASK {{ {where} }}"}, headers={"Accept": "application/sparql-results+json"},
                   timeout=30)
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


def test_graph_store_and_update_writes_reach_the_remote_store(writable: tuple[Server, Path], virtuoso: Virtuoso) -> None:
    server, _ = writable
    body = b"<https://partner.example/a> <https://partner.example/b> 'c' , 'd' ."
    put = httpx.put(server.store, params={"graph": GRAPH}, headers={**AUTH, "Content-Type": "text/turtle"}, content=body,
                    timeout=60)
    assert put.status_code == 201, put.text
    assert in_virtuoso(virtuoso, GRAPH) == 2  # in Virtuoso itself, not only in our local copy
    assert ask(server, f"GRAPH <{GRAPH}> {{ ?s ?p 'd' }}")
    listed = httpx.get(server.store, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}, timeout=30)
    assert listed.status_code == 200 and listed.text.count(" .") == 2  # the record lists the new graph

    post = httpx.post(server.store, params={"graph": GRAPH}, headers={**AUTH, "Content-Type": "application/n-triples"},
                      content=b"<https://partner.example/a> <https://partner.example/b> \"e\" .\n", timeout=60)
    assert post.status_code == 204, post.text
    assert in_virtuoso(virtuoso, GRAPH) == 3

    update = (f"DELETE DATA {{ GRAPH <{GRAPH}> {{ <https://partner.example/a> <https://partner.example/b> 'c' }} }} ;"
              f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://partner.example/a> <https://partner.example/b> 'f' }} }}")
    r = httpx.post(server.sparql, data={"update": update}, headers=AUTH, timeout=60)
    assert r.status_code in (200, 204), r.text
    assert in_virtuoso(virtuoso, GRAPH) == 3
    assert ask(server, f"GRAPH <{GRAPH}> {{ ?s ?p 'f' }}") and not ask(server, f"GRAPH <{GRAPH}> {{ ?s ?p 'c' }}")

    # PUT replaces: by difference, so the unchanged triple stays and the others go
    put = httpx.put(server.store, params={"graph": GRAPH}, headers={**AUTH, "Content-Type": "text/turtle"},
                    content=b"<https://partner.example/a> <https://partner.example/b> 'd' .", timeout=60)
    assert put.status_code == 204, put.text
    assert in_virtuoso(virtuoso, GRAPH) == 1
    assert graphs_with_prefix(direct(virtuoso), STAGING) == []  # no staging graph left behind

    deleted = httpx.delete(server.store, params={"graph": GRAPH}, headers=AUTH, timeout=60)
    assert deleted.status_code == 204, deleted.text
    assert in_virtuoso(virtuoso, GRAPH) == 0
    assert httpx.get(server.store, params={"graph": GRAPH}, timeout=30).status_code == 404
    # the dataset built by normgraph is untouched by all of it
    assert ask(server, "<https://w3id.org/normgraph/id/actor/france> ?p ?o")


def test_bad_writes_change_nothing(writable: tuple[Server, Path], virtuoso: Virtuoso) -> None:
    server, data_dir = writable
    before = store.current_path(data_dir)
    total = sum(graph_counts(direct(virtuoso), [BASE + "graph/curation"]).values())
    r = httpx.put(server.store, params={"graph": GRAPH}, content=b"<https://a.example/s> <https://a.example/p>",
                  headers={**AUTH, "Content-Type": "text/turtle"}, timeout=30)
    assert r.status_code == 400 and "cannot be parsed" in r.text and "line 1 column" in r.text, r.text
    r = httpx.post(server.sparql, data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, headers=AUTH, timeout=30)
    assert r.status_code == 400 and "named graphs only" in r.text, r.text  # the default graph is not ours to write
    r = httpx.post(server.sparql, data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> }} }}"}, headers=AUTH,
                   timeout=30)
    assert r.status_code == 400 and "syntax" in r.text, r.text
    assert httpx.put(server.store, params={"graph": GRAPH}, content=b"<urn:a> <urn:b> <urn:c> .",
                     headers={"Content-Type": "text/turtle"}, timeout=30).status_code == 401
    assert store.current_path(data_dir) == before  # no new record published
    assert in_virtuoso(virtuoso, GRAPH) == 0
    assert sum(graph_counts(direct(virtuoso), [BASE + "graph/curation"]).values()) == total


def test_a_remote_outage_fails_the_write_cleanly_and_readyz_says_so(writable: tuple[Server, Path],
                                                                     virtuoso: Virtuoso) -> None:
    server, data_dir = writable
    assert httpx.get(server.url + "/readyz", timeout=30).status_code == 200
    before = store.current_path(data_dir)
    virtuoso.stop()
    try:
        r = httpx.put(server.store, params={"graph": GRAPH}, content=b"<urn:a> <urn:b> <urn:c> .",
                      headers={**AUTH, "Content-Type": "text/turtle"}, timeout=60)
        assert r.status_code == 503 and "not reachable" in r.text and "not applied" in r.text, r.text
        assert store.current_path(data_dir) == before  # the local record is not published either
        ready = httpx.get(server.url + "/readyz", timeout=30)
        assert ready.status_code == 503 and "remote store" in ready.text, ready.text
    finally:
        virtuoso.start()
    assert in_virtuoso(virtuoso, GRAPH) == 0
    assert httpx.get(server.url + "/readyz", timeout=30).status_code == 200  # ready again without a restart of ours


def test_normgraph_load_into_the_remote_store(writable: tuple[Server, Path], virtuoso: Virtuoso, tmp_path: Path) -> None:
    """``normgraph load`` on the remote backend: Turtle into --graph and N-Quads into their own
    graphs reach Virtuoso; --replace replaces; a syntax error on a late line sends nothing."""
    server, data_dir = writable
    settings = Settings.from_env(data_dir=data_dir, **{k.lower().removeprefix("normgraph_"): v for k, v in {
        "NORMGRAPH_STORE": "remote", "NORMGRAPH_REMOTE_QUERY_URL": virtuoso.sparql_url,
        "NORMGRAPH_REMOTE_UPDATE_URL": virtuoso.update_url, "NORMGRAPH_REMOTE_GSP_URL": virtuoso.gsp_url,
        "NORMGRAPH_REMOTE_USER": virtuoso.user, "NORMGRAPH_REMOTE_PASSWORD": virtuoso.password,
        "NORMGRAPH_REMOTE_AUTH": "digest"}.items()}, query_timeout=1.0)
    other = BASE + "graph/test-load-quads"
    turtle = tmp_path / "partner.ttl"
    turtle.write_text("".join(f"<https://partner.example/s{i}> <https://partner.example/p> {i} .\n" for i in range(300)),
                      encoding="utf-8")
    quads = tmp_path / "more.nq"
    quads.write_text("".join(f"<https://partner.example/q{i}> <https://partner.example/p> \"{i}\" <{other}> .\n"
                             for i in range(50)), encoding="utf-8")
    try:
        result = bulk_load.load(settings, [turtle, quads], graph=None, progress_out=None)
        loaded_graph = BASE + "graph/loaded/partner"
        assert result.loaded[loaded_graph] == 300 and result.loaded[other] == 50
        assert in_virtuoso(virtuoso, loaded_graph) == 300 and in_virtuoso(virtuoso, other) == 50
        assert ask(server, f"GRAPH <{loaded_graph}> {{ <https://partner.example/s7> ?p 7 }}")  # and our server sees it
        turtle.write_text("<https://partner.example/only> <https://partner.example/p> 1 .\n", encoding="utf-8")
        bulk_load.load(settings, [turtle], replace=True, progress_out=None)
        assert in_virtuoso(virtuoso, loaded_graph) == 1 and in_virtuoso(virtuoso, other) == 50
        before = store.current_path(data_dir)
        bad = tmp_path / "bad.nt"
        bad.write_text("".join(f"<https://partner.example/b{i}> <https://partner.example/p> \"{i}\" .\n" for i in range(20_000))
                       + "<https://partner.example/b> <https://partner.example/p> .\n", encoding="utf-8")
        with pytest.raises(bulk_load.LoadError, match=r"bad.nt:20001:"):
            bulk_load.load(settings, [bad], graph=loaded_graph, progress_out=None)
        assert in_virtuoso(virtuoso, loaded_graph) == 1 and store.current_path(data_dir) == before
    finally:
        direct(virtuoso).update(f"DROP SILENT GRAPH <{BASE}graph/loaded/partner> ; DROP SILENT GRAPH <{other}>")
