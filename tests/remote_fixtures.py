"""Session fixtures for the remote store backend on a private Virtuoso (tests/virtuoso.py).

``remote_built``: the session's build published into Virtuoso by the publish step of
``normgraph build`` (NORMGRAPH_STORE=remote); ``remote_served``: ``normgraph
serve`` on that build record, answering from Virtuoso. Both skip only when Virtuoso is not
installed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph import store
from graph.build import BuildResult, write_and_switch
from graph.config import Settings
from tests.rows import plain
from tests.servers import Server
from tests.virtuoso import SKIP_REASON, Virtuoso, available


@pytest.fixture(scope="session")
def virtuoso() -> Iterator[Virtuoso]:
    if not available():
        pytest.skip(SKIP_REASON)
    server = Virtuoso()
    try:
        yield server
    finally:
        server.close()


def remote_settings(v: Virtuoso, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"store": "remote", "remote_query_url": v.sparql_url, "remote_update_url": v.update_url,
                                 "remote_gsp_url": v.gsp_url, "remote_user": v.user, "remote_password": v.password,
                                 "remote_auth": "digest", "query_timeout": 1.0}  # the switch waits this long for readers
    return Settings.from_env(data_dir=data_dir, **{**values, **overrides})


@pytest.fixture(scope="session")
def remote_built(built: tuple[Settings, BuildResult], virtuoso: Virtuoso,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """The session's build published into Virtuoso by the build's own publish step
    (graph.build.write_and_switch, what ``normgraph build`` runs last), not built a second time."""
    embedded, _ = built
    data_dir = tmp_path_factory.mktemp("normgraph-remote") / "var"
    settings = remote_settings(virtuoso, data_dir)
    nquads = io.BytesIO()
    store.open_current(embedded.data_dir).dump(nquads, ox.RdfFormat.N_QUADS)
    manifest = store.read_manifest(embedded.data_dir)
    data_dir.mkdir(parents=True)
    write_and_switch(settings, store.new_store_dir(data_dir), nquads.getvalue(), manifest)
    return settings, manifest


@pytest.fixture(scope="session")
def remote_served(remote_built: tuple[Settings, dict], virtuoso: Virtuoso) -> Iterator[Server]:
    settings, _ = remote_built
    server = Server(settings.data_dir, {**virtuoso.env(), "NORMGRAPH_WORKERS": "4"})
    yield server
    server.stop()


def http_select(server: Server, prefixes: str) -> Callable[[str], list[dict[str, object]]]:
    """A SELECT through our /sparql endpoint (union default graph), rows as plain Python values."""
    client = httpx.Client(timeout=60)

    def run(query: str) -> list[dict[str, object]]:
        r = client.post(server.sparql, data={"query": prefixes + query}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        solutions = ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: plain(row[n]) for n in names} for row in solutions]

    return run


def http_ask(server: Server, prefixes: str) -> Callable[[str], bool]:
    client = httpx.Client(timeout=60)

    def run(query: str) -> bool:
        r = client.post(server.sparql, data={"query": prefixes + query}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return bool(json.loads(r.text)["boolean"])

    return run
