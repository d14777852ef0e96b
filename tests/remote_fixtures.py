"""Session fixtures for the remote store backend on a private Virtuoso (tests/virtuoso.py).

``remote_built``: the session's build published into Virtuoso by the publish step of
``normgraph build`` (NORMGRAPH_STORE=remote); ``remote_served``: ``normgraph
serve`` on that build record, answering from Virtuoso. Both skip only when Virtuoso is not
installed."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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


# -- the same answers on two stores ------------------------------------------------------------------
# GROUP_CONCAT(… ; separator="…") AS ?column: the columns whose lists are compared as multisets
_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^()"]|"[^"]*"|\((?:[^()"]|"[^"]*")*\))*?;\s*separator\s*=\s*"([^"]*)"\s*\)'
                           r"\s*AS\s+[?$](\w+)", re.I | re.S)


def _normalised(row: dict, lists: dict[str, str]) -> str:
    """A row of SPARQL JSON terms, exactly, except that the values of a GROUP_CONCAT column
    (``lists``: column → separator) are sorted: SPARQL leaves their order open."""
    def norm(column: str, term: dict) -> dict:
        if lists.get(column):
            return {**term, "value": sorted(term["value"].split(lists[column]))}
        return term
    return json.dumps({column: norm(column, term) for column, term in row.items()}, sort_keys=True)


def ready_made_differences(reference: str, other: str, engine: str, workers: int = 4) -> dict[str, str]:
    """Every ready-made query of the server at ``reference`` (base URL), with its default
    parameters, compared term by term (datatypes and languages included) with the server at
    ``other``: {query name: how they differ} for those that differ."""
    catalogue = httpx.get(reference + "/api/queries", timeout=30).json()["queries"]
    assert len(catalogue) >= 30

    def compare(query: dict) -> tuple[str, str]:
        name, lists = query["name"], {column: sep for sep, column in _GROUP_CONCAT.findall(query["sparql"])}
        a = httpx.get(reference + f"/api/queries/{name}", params={"format": "srj"}, timeout=60)
        b = httpx.get(other + f"/api/queries/{name}", params={"format": "srj"}, timeout=60)
        assert a.status_code == 200, a.text
        if b.status_code != 200:
            return name, f"HTTP {b.status_code}: {b.text[:300]}"
        rows_a = sorted(_normalised(row, lists) for row in a.json()["results"]["bindings"])
        rows_b = sorted(_normalised(row, lists) for row in b.json()["results"]["bindings"])
        if rows_a == rows_b:
            return name, ""
        only_a, only_b = sorted(set(rows_a) - set(rows_b)), sorted(set(rows_b) - set(rows_a))
        return name, (f"{len(rows_a)} rows embedded, {len(rows_b)} on {engine}; embedded only: {only_a[:1]}; "
                      f"{engine} only: {only_b[:1]}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {name: why for name, why in pool.map(compare, catalogue) if why}
