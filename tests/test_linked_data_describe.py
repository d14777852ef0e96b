"""The pages read a resource in one of two ways: bounded lookups in the embedded store's indexes
(api/linked_data/describe_local.py) or the SPARQL query of api/linked_data/describe.py, run by a
worker. Both must give the same description — for every IRI of the bundled dataset — and the
lookups must hand anything past their bounds (hubs, blank-node class expressions) to the query."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pyoxigraph as ox
import pytest

from api.app import create_app
from api.linked_data import describe_local as local_module
from api.linked_data.describe import describe, describe_by_query
from api.linked_data.describe_local import describe_local
from api.linked_data.site import Site
from graph.build import BuildResult
from graph.config import Settings

T = TypeVar("T")
NG = "https://w3id.org/normgraph/def/"
ID = "https://w3id.org/normgraph/id/"


def with_site(settings: Settings, work: Callable[[Site], Awaitable[T]]) -> T:
    async def run() -> T:
        app = create_app(settings)
        service = app.state.service
        await service.pool.start()
        try:
            return await work(Site(service))
        finally:
            await service.pool.stop()

    return asyncio.run(run())


def every_iri(store: ox.Store) -> list[str]:
    found: set[str] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        for t in (q.subject, q.object, q.graph_name):
            if isinstance(t, ox.NamedNode):
                found.add(t.value)
    return sorted(found)


class InProcessSite:
    """The site as the query path sees it (``select``), answered by the engine in this process:
    the same query text, bindings and JSON results as through a worker, without the hand-off
    (6,000 of them through the pool took a minute)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    async def select(self, sparql: str, bindings: dict[str, dict[str, str]] | None = None, **_: object) -> list[dict]:
        subs = {ox.Variable(k): ox.NamedNode(v["value"]) for k, v in (bindings or {}).items()}
        result = self.store.query(sparql, use_default_graph_as_union=True, substitutions=subs)
        return json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"]


def test_lookups_and_query_describe_every_resource_alike(oxstore: ox.Store) -> None:
    iris = every_iri(oxstore)

    async def compare() -> tuple[int, list[str]]:
        site = InProcessSite(oxstore)
        same, handed_over = 0, []
        for iri in iris:
            fast = describe_local(oxstore, iri)
            if fast is None:
                handed_over.append(iri)
                continue
            assert fast == await describe_by_query(site, iri), iri  # type: ignore[arg-type]
            same += 1
        return same, handed_over

    same, handed_over = asyncio.run(compare())
    print(f"{same} by lookups, {len(handed_over)} by the query")
    assert len(iris) > 6_000
    # nearly everything is read by lookups; the query takes the hubs
    assert same > 0.95 * len(iris), (same, len(iris))
    assert NG + "Quote" in handed_over  # every quote is typed ng:Quote: far past 200 incoming links
    assert ID + "norm/gge-2015-13c" not in handed_over


def test_a_resource_past_a_bound_is_described_by_the_query(built: tuple[Settings, BuildResult],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = built
    iri = ID + "norm/gge-2015-13c"

    async def both(site: Site) -> tuple[object, object, object]:
        store = site.local_store()
        assert store is not None
        before = describe_local(store, iri)
        monkeypatch.setattr(local_module, "MAX_SCAN", 1)  # every neighbour is now "too big"
        return before, describe_local(store, iri), await describe(site, iri)

    before, after, described = with_site(settings, both)
    assert before is not None and after is None
    assert described == before  # the page falls back to the query and shows the same thing


def test_a_class_with_a_blank_node_expression_is_left_to_the_query(built: tuple[Settings, BuildResult],
                                                                   oxstore: ox.Store) -> None:
    settings, _ = built
    with_bnode = next(q.subject.value for q in oxstore.quads_for_pattern(None, None, None, None)
                      if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.BlankNode))

    async def run(site: Site) -> tuple[object, object]:
        store = site.local_store()
        assert store is not None
        return describe_local(store, with_bnode), await describe(site, with_bnode)

    fast, described = with_site(settings, run)
    assert fast is None
    assert described.bnodes  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", ["exact", "text"])
def test_the_index_keeps_enough_of_a_text_for_its_label(key: str) -> None:
    from api.linked_data.index import Index, shown_text

    words = ["responsibility", "of", "states", "and", "the", "private", "sector", "in", "cyberspace", "a"]
    for n in range(60, 140):
        for spaces in (" ", "  ", "\n "):
            full = spaces.join(words * 20)[:n] + " tail"
            whole, kept = Index(), Index()
            whole.facts["x"][key] = full
            kept.facts["x"][key] = shown_text(full)
            assert kept.label("x") == whole.label("x"), (n, spaces)
