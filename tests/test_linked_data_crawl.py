"""A crawler against a real server on the built graph: every IRI in the graph resolves (303 →
200) as HTML and as Turtle, and every link reachable from the home page works. No 404 or 500
anywhere; every HTML page has a <title> and an alternate link; every RDF document parses.

Bounded but complete for the real graph: all IRIs are visited; of the links, every path is
visited, and of the query-string variants of one path (facets, paging, highlights) at most
MAX_VARIANTS, with at most one filter at a time."""

from __future__ import annotations

import re
import shutil
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

BASE = "https://w3id.org/normgraph/"
NG = "https://w3id.org/normgraph/def/"
SHAPES = "https://w3id.org/normgraph/shapes"
MAX_VARIANTS = 12
NOT_OURS = ("/sparql", "/docs", "/openapi.json", "/redoc", "/store", "/workbench", "/api/")  # the SPARQL service's pages
RDF_PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml", "application/trig": "trig", "application/n-quads": "nquads"}


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory, backend: str,
           request: pytest.FixtureRequest) -> Iterator[Server]:
    if backend == "virtuoso":  # the same crawl, served from Virtuoso (tests/remote_fixtures.py)
        yield request.getfixturevalue("remote_served")
        return
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("ld-crawl") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "4"})
    yield server
    server.stop()


def local_path(iri: str) -> str | None:
    if iri.startswith(NG):
        return "/def/" + iri[len(NG):]
    if iri == SHAPES or iri.startswith(SHAPES + "/"):
        return "/shapes" + iri[len(SHAPES):]
    for space in ("id/", "graph/"):
        if iri.startswith(BASE + space):
            return "/" + space + iri[len(BASE + space):]
    return None


def graph_iris(store: ox.Store) -> set[str]:
    found: set[str] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and local_path(term.value) is not None:
                found.add(term.value)
    return found


class Crawler:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.local = threading.local()
        self.problems: list[str] = []
        self.lock = threading.Lock()
        self.pages = 0
        self.rdf_docs = 0

    def client(self) -> httpx.Client:
        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client(base_url=self.server.url, timeout=60, follow_redirects=False)
        return self.local.client  # type: ignore[no-any-return]

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def check_html(self, url: str, response: httpx.Response) -> str:
        text = response.text
        if not re.search(r"<title>[^<]+</title>", text):
            self.problem(f"{url}: no <title>")
        if not re.search(r'<link rel="alternate" type="[^"]+" href="[^"]+"', text):
            self.problem(f"{url}: no alternate link")
        with self.lock:
            self.pages += 1
        return text

    def check_rdf(self, url: str, response: httpx.Response, must_mention: str | None = None) -> None:
        media = response.headers.get("content-type", "").split(";")[0]
        fmt = RDF_PARSERS.get(media)
        if fmt is None:
            self.problem(f"{url}: {media} is not RDF")
            return
        try:
            if fmt in ("trig", "nquads"):
                g: Graph = Dataset()
                g.parse(data=response.content, format=fmt)
            else:
                g = Graph().parse(data=response.content, format=fmt)
        except Exception as exc:  # any parser error is a finding
            self.problem(f"{url}: does not parse as {fmt}: {exc}")
            return
        if must_mention is not None and must_mention not in {str(t) for triple in g for t in triple}:
            self.problem(f"{url}: does not mention <{must_mention}>")
        with self.lock:
            self.rdf_docs += 1

    def dereference(self, iri: str) -> None:
        path = local_path(iri)
        assert path is not None
        client = self.client()
        for accept in ("text/html", "text/turtle"):
            first = client.get(path, headers={"Accept": accept})
            if first.status_code != 303:
                self.problem(f"{path} ({accept}): {first.status_code}, not 303")
                continue
            target = first.headers["location"].split("#")[0]
            second = client.get(target)
            if second.status_code != 200:
                self.problem(f"{path} ({accept}) → {target}: {second.status_code}")
                continue
            if accept == "text/html":
                self.check_html(target, second)
            else:
                # the ontology IRI and versionIRI answer with the whole ontology; everything else with itself
                self.check_rdf(target, second, None if iri in (NG,) else iri if not iri.startswith(SHAPES) else None)


def links_of(page_url: str, html: str, root: str) -> list[str]:
    out = []
    for raw in re.findall(r'href="([^"]+)"', html):
        url = urljoin(page_url, unescape(raw)).split("#")[0]
        if url.startswith(root):
            out.append(url[len(root):] or "/")
    return out


def test_every_iri_and_every_link_resolves(served: Server, oxstore: ox.Store) -> None:
    crawler = Crawler(served)
    iris = sorted(graph_iris(oxstore))
    assert len(iris) > 3500
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(crawler.dereference, iris))

    # links from the home page, breadth first
    seen: set[str] = set()
    variants: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    queue: deque[str] = deque(["/"])
    statuses: dict[int, int] = defaultdict(int)
    client = crawler.client()
    root = served.url
    visited_rdf_docs = {local_path(i) for i in iris}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        parts = urlsplit(path)
        if parts.path.startswith(NOT_OURS) and parts.query:
            continue
        r = client.get(path, headers={"Accept": "text/html"})
        if r.status_code in (301, 302, 303, 307, 308):
            target = r.headers["location"].split("#")[0]
            target = target[len(root):] if target.startswith(root) else target
            if parts.path.split("?")[0] in visited_rdf_docs and r.status_code == 303:
                continue  # an IRI of the graph: already dereferenced above
            r = client.get(target)
        statuses[r.status_code] += 1
        if r.status_code >= 400:
            crawler.problem(f"{path}: {r.status_code}")
            continue
        media = r.headers.get("content-type", "").split(";")[0]
        if media == "text/html":
            if parts.path.startswith(NOT_OURS):
                continue
            html = crawler.check_html(path, r)
            for link in links_of(root + path, html, root):
                if link in seen:
                    continue
                lp = urlsplit(link)
                params = [k for k, _ in parse_qsl(lp.query, keep_blank_values=True)]
                filters = [k for k in params if k not in ("page", "per", "sort", "order", "format", "in", "q")]
                if len(filters) > 1:
                    continue
                key = (lp.path, tuple(sorted(params)))
                if params:
                    if variants[key] >= MAX_VARIANTS:
                        continue
                    variants[key] += 1
                queue.append(link)
        elif media in RDF_PARSERS:
            crawler.check_rdf(path, r)
    assert not crawler.problems, f"{len(crawler.problems)} problems:\n" + "\n".join(crawler.problems[:40])
    assert statuses.get(500, 0) == 0 and statuses.get(404, 0) == 0
    assert crawler.pages > len(iris) and crawler.rdf_docs >= len(iris)
    print(f"\ncrawled {len(iris)} IRIs and {len(seen)} links: {crawler.pages} HTML pages, {crawler.rdf_docs} RDF documents")
