"""Shared fixtures: the graph is built once per test session from the bundled documents, into
a temporary data directory, by the same code path as ``normgraph build``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import store
from graph.build import BuildResult, build
from graph.config import Settings
from tests.remote_fixtures import http_ask, http_select, remote_built, remote_served, virtuoso  # noqa: F401 - fixtures
from tests.rows import plain

PREFIXES = """
PREFIX ng: <https://w3id.org/normgraph/def/>
PREFIX ngr: <https://w3id.org/normgraph/id/>
PREFIX ngg: <https://w3id.org/normgraph/graph/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX schema: <https://schema.org/>
PREFIX void: <http://rdfs.org/ns/void#>
"""

PHASE1 = "https://w3id.org/normgraph/id/document/geneva-dialogue-phase-1-report"
BASELINE = "https://w3id.org/normgraph/id/document/roles-and-responsibilities-of-states"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildResult]:
    data_dir = tmp_path_factory.mktemp("normgraph-data")
    settings = Settings.from_env(data_dir=data_dir)
    result = build(settings, quiet=True)
    return settings, result


@pytest.fixture(scope="session")
def oxstore(built: tuple[Settings, BuildResult]) -> ox.Store:
    settings, _ = built
    return store.open_current(settings.data_dir)


# The fact and crawler tests run on both store backends: the embedded store, and the remote store
# backend on a private Virtuoso (tests/remote_fixtures.py; skipped when Virtuoso is not installed).
BACKEND_MODULES = ("tests.test_facts", "tests.test_linked_data_crawl")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.module.__name__ in BACKEND_MODULES:
        # the crawl on Virtuoso takes minutes (thousands of pages): slow, run with -m slow
        slow = metafunc.module.__name__ == "tests.test_linked_data_crawl"
        remote = pytest.param("virtuoso", marks=pytest.mark.slow) if slow else "virtuoso"
        metafunc.parametrize("backend", ["embedded", remote], indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "embedded"))


@pytest.fixture(scope="session")
def select(backend: str, request: pytest.FixtureRequest) -> Callable[[str], list[dict[str, object]]]:
    """Run a SELECT over the union of all graphs; rows as dicts of plain Python values."""
    if backend == "virtuoso":
        return http_select(request.getfixturevalue("remote_served"), PREFIXES)
    oxstore = request.getfixturevalue("oxstore")

    def run(query: str) -> list[dict[str, object]]:
        solutions = oxstore.query(PREFIXES + query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: plain(row[n]) for n in names} for row in solutions]

    return run


@pytest.fixture(scope="session")
def ask(backend: str, request: pytest.FixtureRequest) -> Callable[[str], bool]:
    if backend == "virtuoso":
        return http_ask(request.getfixturevalue("remote_served"), PREFIXES)
    oxstore = request.getfixturevalue("oxstore")

    def run(query: str) -> bool:
        return bool(oxstore.query(PREFIXES + query, use_default_graph_as_union=True))

    return run


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
