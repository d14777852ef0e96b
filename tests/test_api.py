"""The SPARQL service over HTTP, against a real server on loopback serving the built graph."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from graph.build import BuildResult
from graph.config import Settings
from loaders.namespaces import SD
from tests.servers import Server

NG = "https://w3id.org/normgraph/def/"
TOKEN = "test-token-1234"
COUNT_NORMS = f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n <{NG}paragraphRef> ?p }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("served") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_QUERY_TIMEOUT": "3", "NORMGRAPH_WORKERS": "3",
                               "NORMGRAPH_ROW_CAP": "1000"})
    yield server
    server.stop()


def count(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["c"]["value"])


def test_select_by_get_post_and_direct_post(served: Server) -> None:
    get = httpx.get(served.sparql, params={"query": COUNT_NORMS})
    form = httpx.post(served.sparql, data={"query": COUNT_NORMS})
    direct = httpx.post(served.sparql, content=COUNT_NORMS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert [r.status_code for r in (get, form, direct)] == [200, 200, 200]
    assert count(get) == count(form) == count(direct) == 11
    assert get.headers["content-type"].startswith("application/sparql-results+json")
    assert "Accept" in [v.strip() for v in get.headers["vary"].split(",")]


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_content_negotiation(served: Server, accept: str, media: str) -> None:
    r = httpx.get(served.sparql, params={"query": COUNT_NORMS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        assert r.text == "c\r\n11\r\n"


def test_format_parameter_overrides_accept(served: Server) -> None:
    r = httpx.get(served.sparql, params={"query": COUNT_NORMS, "format": "xml"}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(r.content)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_unacceptable_accept_is_406(served: Server) -> None:
    r = httpx.get(served.sparql, params={"query": COUNT_NORMS}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"])
def test_construct_formats(served: Server, accept: str) -> None:
    query = f"CONSTRUCT {{ ?n <{NG}normText> ?t }} WHERE {{ ?n <{NG}normText> ?t ; <{NG}paragraphRef> ?p }}"
    r = httpx.get(served.sparql, params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml"}[accept]
    assert len(Graph().parse(data=r.content, format=fmt)) == 11


def test_syntax_error_is_400_with_position(served: Server) -> None:
    r = httpx.get(served.sparql, params={"query": "SELECT * WHERE {\n ?s ?p \n}"})
    assert r.status_code == 400
    assert r.text.startswith("query syntax error: error at 3:")
    assert "Traceback" not in r.text


def test_default_graph_is_the_union_and_inferred_can_be_excluded(served: Server) -> None:
    q = f"SELECT (COUNT(?r) AS ?c) WHERE {{ ?r a <{NG}SoftResponsibility> }}"
    with_inferred = count(httpx.get(served.sparql, params={"query": q}))
    without = count(httpx.get(served.sparql, params={"query": q, "inferred": "false"}))
    assert with_inferred > 100  # the types come from HermiT
    assert without == 0


def test_default_graph_uri_selects_one_named_graph(served: Server) -> None:
    graph = "https://w3id.org/normgraph/graph/document/roles-and-responsibilities-of-states"
    r = httpx.get(served.sparql, params={"query": COUNT_NORMS, "default-graph-uri": graph})
    assert count(r) == 0  # the norms are in the Phase 1 Report's graph
    other = "https://w3id.org/normgraph/graph/document/geneva-dialogue-phase-1-report"
    assert count(httpx.get(served.sparql, params={"query": COUNT_NORMS, "default-graph-uri": other})) == 11


def test_row_cap_says_the_result_was_cut(served: Server) -> None:
    r = httpx.get(served.sparql, params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true"
    assert r.headers["x-row-cap"] == "1000"
    assert len(r.json()["results"]["bindings"]) == 1000
    small = httpx.get(served.sparql, params={"query": COUNT_NORMS})
    assert "x-result-truncated" not in small.headers


def test_service_description(served: Server) -> None:
    r = httpx.get(served.sparql, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format="turtle")
    service = next(g.subjects(RDF.type, SD.Service))
    assert str(g.value(service, SD.endpoint)) == served.sparql
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    names = {str(n) for n in g.objects(None, SD.name)}
    assert "https://w3id.org/normgraph/graph/inferred" in names and len(names) == 9  # …, queries, links
    jsonld = httpx.get(served.sparql, headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) == len(g)


def test_browsers_get_a_query_page(served: Server) -> None:
    """A browser is sent (303) to the query workbench."""
    r = httpx.get(served.sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, follow_redirects=True)
    assert r.status_code == 200
    assert [h.status_code for h in r.history] == [303]
    assert r.url.path == "/workbench"
    assert r.headers["content-type"].startswith("text/html")
    assert "<textarea" in r.text


def test_fast_path_answers_exactly_like_the_routed_endpoint(served: Server) -> None:
    """GET queries are answered by the raw-ASGI fast path (api/fast_sparql.py), POSTed forms by the
    routed endpoint: the same query must give the same status, headers and body either way — for
    results, graphs, a cut result and errors."""
    cases = [
        ("SELECT ?n WHERE { ?n <http://www.w3.org/2004/02/skos/core#notation> ?x } ORDER BY ?n", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?n <http://www.w3.org/2004/02/skos/core#notation> ?x }", "application/n-triples"),
        ("SELECT ?s WHERE { ?s ?p ?o }", "text/csv"),  # cut at the row cap, streamed
        ("SELECT ?s WHERE { ?s ?p", "application/sparql-results+json"),  # syntax error
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "*/*"),  # refused by the guard
        (COUNT_NORMS, "image/png"),  # nothing acceptable
    ]
    for query, accept in cases:
        fast = httpx.get(served.sparql, params={"query": query}, headers={"Accept": accept})
        routed = httpx.post(served.sparql, data={"query": query}, headers={"Accept": accept})
        assert fast.status_code == routed.status_code, query
        for header in ("content-type", "vary", "x-row-cap", "x-result-truncated"):
            assert fast.headers.get(header) == routed.headers.get(header), (query, header)
        if query.startswith("CONSTRUCT"):  # triples come in the engine's order: compare as sets
            assert set(fast.text.splitlines()) == set(routed.text.splitlines())
        else:
            assert fast.content == routed.content, query
    assert fast.status_code == 406


def test_cors_preflight_and_simple_request(served: Server) -> None:
    r = httpx.options(served.sparql, headers={"Origin": "https://other.example", "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]
    r = httpx.get(served.sparql, params={"query": COUNT_NORMS}, headers={"Origin": "https://other.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


def test_runaway_query_is_stopped_and_others_keep_answering(served: Server) -> None:
    """A cross product over the whole graph runs alongside simple queries; it is stopped at the
    3 s deadline with a clear message, and the simple queries stay under 1 s each meanwhile."""
    latencies: list[float] = []

    def simple() -> None:
        start = time.perf_counter()
        r = httpx.get(served.sparql, params={"query": COUNT_NORMS}, timeout=10)
        assert r.status_code == 200
        latencies.append(time.perf_counter() - start)

    with ThreadPoolExecutor(max_workers=2) as pool:
        started = time.perf_counter()
        runaway = pool.submit(httpx.get, served.sparql, params={"query": RUNAWAY}, timeout=30)
        time.sleep(0.3)
        for _ in range(10):
            simple()
        response = runaway.result()
        elapsed = time.perf_counter() - started
    assert response.status_code == 503
    assert "time limit of 3 s" in response.text
    assert elapsed < 8
    assert max(latencies) < 1.0, latencies
    assert count(httpx.get(served.sparql, params={"query": COUNT_NORMS})) == 11  # a fresh worker took over


class Listener:
    """A loopback HTTP listener that records every request made to it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_no_outgoing_requests_from_queries(served: Server, listener: Listener) -> None:
    for query in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{listener.url}/> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { BIND(<x:y> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        f"SELECT * FROM <{listener.url}/graph> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener.url}/graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        r = httpx.get(served.sparql, params={"query": query})
        assert r.status_code == 400, query
        assert "not allowed" in r.text or "does not fetch" in r.text
    update = httpx.post(served.sparql, data={"update": f"LOAD <{listener.url}/doc.ttl>"},
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert update.status_code == 400 and "LOAD" in update.text
    time.sleep(0.5)
    assert listener.hits == []
    # a keyword inside a string literal is not a SERVICE call
    ok = httpx.get(served.sparql, params={"query": 'SELECT * WHERE { BIND("SERVICE <http://x>" AS ?s) }'})
    assert ok.status_code == 200


def test_from_a_local_graph_is_allowed(served: Server) -> None:
    graph = "https://w3id.org/normgraph/graph/document/geneva-dialogue-phase-1-report"
    r = httpx.get(served.sparql, params={"query": f"SELECT (COUNT(?n) AS ?c) FROM <{graph}> WHERE {{ ?n <{NG}paragraphRef> ?p }}"})
    assert r.status_code == 200 and count(r) == 11


def test_updates_and_writes_need_the_token(served: Server) -> None:
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    assert httpx.post(served.sparql, data={"update": update}).status_code == 401
    assert httpx.post(served.sparql, data={"update": update}, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert httpx.get(served.sparql, params={"update": update}).status_code == 400
    assert httpx.put(served.store, params={"graph": "urn:g"}, content=b"<urn:a> <urn:b> <urn:c> .",
                     headers={"Content-Type": "text/turtle"}).status_code == 401
    ask = httpx.get(served.sparql, params={"query": "ASK { <urn:x> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_graph_store_round_trip_is_visible_to_queries(served: Server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    graph = "https://partner.example/graph/1"
    put = httpx.put(served.store, params={"graph": graph}, headers={**auth, "Content-Type": "text/turtle"},
                    content=b"<https://partner.example/a> <https://partner.example/b> 'c' .")
    assert put.status_code == 201
    got = httpx.get(served.store, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.text.count(" .") == 1
    ask = httpx.get(served.sparql, params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p 'c' }} }}"})
    assert ask.json()["boolean"] is True
    assert httpx.delete(served.store, params={"graph": graph}, headers=auth).status_code == 204
    assert httpx.get(served.store, params={"graph": graph}).status_code == 404
    bad = httpx.put(served.store, params={"graph": graph}, headers={**auth, "Content-Type": "text/turtle"}, content=b"<a> <b")
    assert bad.status_code == 400 and "cannot be parsed" in bad.text
    # the published graph is untouched by the failed write
    assert count(httpx.get(served.sparql, params={"query": COUNT_NORMS})) == 11


def test_protocol_errors(served: Server) -> None:
    two = httpx.get(served.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400
    wrong = httpx.post(served.sparql, content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415
    utf16 = httpx.post(served.sparql, content="ASK {}".encode("utf-16"), headers={"Content-Type": "application/sparql-query"})
    assert utf16.status_code in (400, 415)
    put = httpx.put(served.sparql, content=b"x")
    assert put.status_code == 405 and "POST" in put.headers["allow"]
    big = httpx.post(served.sparql, content=b"#" * (2 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"})
    assert big.status_code == 413


def test_w3c_protocol_checks_all_pass(tmp_path: Path) -> None:
    runner = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "protocol_checks.py"
    assert runner.exists(), f"the conformance runners are expected at {runner}"
    server = Server(tmp_path / "var", {"NORMGRAPH_WRITE_TOKEN": TOKEN}, empty=True)
    try:
        import subprocess
        import sys

        out = subprocess.run([sys.executable, str(runner), "--endpoint", server.sparql, "--gsp", server.store,
                              "--token", TOKEN], capture_output=True, text=True, timeout=600)
    finally:
        server.stop()
    assert out.stdout.strip().splitlines()[-1] == "36 passed, 0 failed", out.stdout


def test_json_results_are_w3c_shaped(served: Server) -> None:
    q = f"SELECT ?n ?t WHERE {{ ?n <{NG}paragraphRef> ?p ; <{NG}normText> ?t }} ORDER BY ?n LIMIT 1"
    data = json.loads(httpx.get(served.sparql, params={"query": q}).text)
    binding = data["results"]["bindings"][0]
    assert binding["n"] == {"type": "uri", "value": "https://w3id.org/normgraph/id/norm/gge-2015-13a"}
    assert binding["t"]["type"] == "literal" and binding["t"]["xml:lang"] == "en"


def test_a_notebook_client_sparqlwrapper_works(served: Server) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(served.sparql)
    client.setQuery(COUNT_NORMS)
    client.setReturnFormat(JSON)
    assert int(client.query().convert()["results"]["bindings"][0]["c"]["value"]) == 11
    client.setQuery(f"CONSTRUCT {{ ?n <{NG}normText> ?t }} WHERE {{ ?n <{NG}normText> ?t ; <{NG}paragraphRef> ?p }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 11
    client.setMethod("POST")
    client.setQuery(COUNT_NORMS)
    client.setReturnFormat(JSON)
    assert int(client.query().convert()["results"]["bindings"][0]["c"]["value"]) == 11


def test_allowlisted_federation_works_and_nothing_else(tmp_path: Path, listener: Listener) -> None:
    """SERVICE to an allowlisted endpoint (a second, independent server on loopback) joins its
    data; any other endpoint is still refused."""
    partner = Server(tmp_path / "partner", {"NORMGRAPH_WRITE_TOKEN": TOKEN}, empty=True)
    ours = None
    try:
        ours = Server(tmp_path / "ours", {"NORMGRAPH_SERVICE_ALLOWLIST": partner.url + "/"}, empty=True)
        put = httpx.put(partner.store, params={"graph": "urn:partner"}, headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
            content=b'<https://w3id.org/normgraph/id/norm/gge-2015-13c> <urn:partner:status> "implemented" .')
        assert put.status_code == 201
        query = f"SELECT ?n ?s WHERE {{ SERVICE <{partner.sparql}> {{ ?n <urn:partner:status> ?s }} }}"
        rows = httpx.get(ours.sparql, params={"query": query}, timeout=30).json()["results"]["bindings"]
        assert rows == [{"n": {"type": "uri", "value": "https://w3id.org/normgraph/id/norm/gge-2015-13c"},
                         "s": {"type": "literal", "value": "implemented"}}]
        refused = httpx.get(ours.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"})
        assert refused.status_code == 400
        sd = Graph().parse(data=httpx.get(ours.sparql, headers={"Accept": "text/turtle"}).content, format="turtle")
        assert (next(sd.subjects(RDF.type, SD.Service)), SD.feature, SD.BasicFederatedQuery) in sd
    finally:
        partner.stop()
        if ours is not None:
            ours.stop()
    assert listener.hits == []
