"""Attacks, one by one, against a real server on loopback. Each test names the defence it guards
and fails if that defence is removed. (SECURITY.md lists these with the tests that already
existed: SSRF through SERVICE/LOAD/FROM, SPARQL injection through the query API, XSS, path
traversal, oversized bodies.)"""

from __future__ import annotations

import http.server
import inspect
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.routes_queries import _html_table
from api.writes import check_token
from graph.build import BuildResult
from graph.catalogue import CannedQuery
from graph.config import Settings
from tests.servers import Server

TOKEN = "attacks-token-5678"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "https://w3id.org/normgraph/"


class Listener:
    """A loopback HTTP server that records every request; ``redirect_to`` makes it answer 307."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                if redirect_to:
                    self.send_response(307)
                    self.send_header("Location", redirect_to)
                else:
                    self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def target() -> Iterator[Listener]:
    """Where an attacker would like the server to send requests (a metadata service, an intranet host)."""
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def redirector(target: Listener) -> Iterator[Listener]:
    """An allowlisted federation partner that redirects to the target."""
    listener = Listener(redirect_to=target.url + "/secret")
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], redirector: Listener,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("attacks") / "var"
    shutil.copytree(built[0].data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_WORKERS": "2", "NORMGRAPH_QUERY_TIMEOUT": "10",
                               "NORMGRAPH_SERVICE_ALLOWLIST": redirector.url + "/",
                               "NORMGRAPH_TOKEN_FAILURES": "5", "NORMGRAPH_TOKEN_FAILURE_WINDOW": "3"})
    yield server
    server.stop()


def put(server: Server, graph: str, media: str, body: bytes) -> httpx.Response:
    return httpx.put(server.store, params={"graph": graph}, headers={**AUTH, "Content-Type": media}, content=body, timeout=60)


def healthy(server: Server) -> bool:
    r = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    return r.status_code == 200 and r.json()["boolean"] is True


# -- SSRF ---------------------------------------------------------------------------------------------

def test_a_json_ld_context_url_in_an_upload_is_never_fetched(served: Server, target: Listener) -> None:
    """Defence: JSON-LD is parsed by the engine with no document loader, so a remote @context
    (or @import) is refused, not fetched. Adding a loader makes the listener receive a request."""
    for context in (f'"{target.url}/context.jsonld"', f'["{target.url}/a.jsonld", {{"p": "urn:p"}}]',
                    f'{{"@import": "{target.url}/b.jsonld"}}'):
        body = f'{{"@context": {context}, "@id": "urn:x", "p": "v"}}'.encode()
        r = put(served, "urn:attack:jsonld", "application/ld+json", body)
        assert r.status_code == 400, r.text
        assert "cannot be parsed" in r.text and "Traceback" not in r.text
    time.sleep(0.3)
    assert target.hits == []


def test_redirects_from_an_allowlisted_endpoint_are_not_followed(served: Server, redirector: Listener, target: Listener) -> None:
    """Defence: the engine's HTTP client follows no redirect (SERVICE and LOAD), so an allowlisted
    partner cannot bounce the server to another host. (SERVICE, LOAD and FROM to hosts that are
    not allowlisted: tests/test_api.py::test_no_outgoing_requests_from_queries.)"""
    r = httpx.get(served.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{redirector.url}/sparql> {{ ?s ?p ?o }} }}"},
                  timeout=30)
    assert r.status_code == 502 and "a federated query (SERVICE) failed" in r.text, r.text
    load = httpx.post(served.sparql, data={"update": f"LOAD <{redirector.url}/doc.ttl> INTO GRAPH <urn:attack:load>"},
                      headers=AUTH, timeout=30)
    assert load.status_code == 502 and "LOAD failed" in load.text, load.text
    time.sleep(0.3)
    assert len(redirector.hits) == 2  # the allowlisted partner was asked …
    assert target.hits == []  # … and its redirect was not followed
    # SERVICE inside an update goes through the same guard as queries
    update = f"INSERT {{ GRAPH <urn:attack:x> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{target.url}/sparql> {{ ?s ?p ?o }} }}"
    refused = httpx.post(served.sparql, data={"update": update}, headers=AUTH)
    assert refused.status_code == 400 and "not allowed" in refused.text
    assert target.hits == []


# -- XML ----------------------------------------------------------------------------------------------

RDFXML_HEAD = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {entities} ]>\n'
RDFXML_BODY = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
               '<rdf:Description rdf:about="https://example.org/a"><ex:p>{value}</ex:p></rdf:Description></rdf:RDF>')


def rdfxml(entities: str, value: str) -> bytes:
    return (RDFXML_HEAD.format(entities=entities) + RDFXML_BODY.format(value=value)).encode()


def test_xml_external_entities_are_refused(served: Server, target: Listener) -> None:
    """Defence: api/upload_guard.py refuses external and parameter entities with a clear 400
    before the parser sees them; no file is read and nothing is fetched."""
    for entities, value in ((' <!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;"),
                            (f' <!ENTITY xxe SYSTEM "{target.url}/xxe">', "&xxe;"),
                            (f' <!ENTITY % remote SYSTEM "{target.url}/dtd"> %remote;', "x"),
                            (f' <!ENTITY xxe PUBLIC "-//x//y" "{target.url}/pub">', "&xxe;")):
        r = put(served, "urn:attack:xxe", "application/rdf+xml", rdfxml(entities, value))
        assert r.status_code == 400, r.text
        assert "external or parameter entity" in r.text
        assert "root:" not in r.text
    assert httpx.get(served.store, params={"graph": "urn:attack:xxe"}).status_code == 404
    time.sleep(0.3)
    assert target.hits == []


def test_billion_laughs_is_refused_quickly_and_harms_nothing(served: Server) -> None:
    """Defence: api/upload_guard.py bounds what entity references may expand to (1 MiB). Without
    it the engine asks for gigabytes and the worker dies (a 503 instead of this 400)."""
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    started = time.perf_counter()
    r = put(served, "urn:attack:laughs", "application/rdf+xml", rdfxml(entities, "&lol9;"))
    assert r.status_code == 400, r.text
    assert "would expand to more than" in r.text
    assert time.perf_counter() - started < 5
    assert healthy(served)
    # the quadratic variant: one large entity referenced many times
    big = f'<!ENTITY a "{"x" * 50_000}">'
    r = put(served, "urn:attack:laughs", "application/rdf+xml", rdfxml(big, "&a;" * 100))
    assert r.status_code == 400 and "would expand" in r.text
    # ordinary RDF/XML with a namespace entity (as Protégé writes it) is still accepted
    ok = rdfxml('<!ENTITY ex "https://example.org/">', "&ex;b &amp; c")
    assert put(served, "urn:attack:ok", "application/rdf+xml", ok).status_code in (201, 204)
    value = httpx.get(served.sparql, params={"query": "SELECT ?v WHERE { GRAPH <urn:attack:ok> { ?s ?p ?v } }"}).json()
    assert value["results"]["bindings"][0]["v"]["value"] == "https://example.org/b & c"


# -- deep nesting ---------------------------------------------------------------------------------------

NESTED = {
    "braces": lambda n: "SELECT * WHERE " + "{" * n + "}" * n,
    "parentheses": lambda n: "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "blank-nodes": lambda n: "ASK { ?s ?p " + "[ ?p " * n + "1" + " ]" * n + " }",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_deeply_nested_queries_are_a_400(served: Server, kind: str) -> None:
    """Defence: api/sparql_guard.py refuses nesting deeper than 200 before the engine parses it.
    Without it the engine's recursive parser overflows the worker's stack at about 4,000 braces
    (SIGSEGV): a 503 and a worker to respawn per request."""
    post = httpx.post(served.sparql, content=NESTED[kind](10_000).encode(), headers={"Content-Type": "application/sparql-query"},
                      timeout=30)
    get = httpx.get(served.sparql, params={"query": NESTED[kind](1_000)}, timeout=30)  # a URL has room for less
    for r in (post, get):
        assert r.status_code == 400, r.text[:200]
        assert "levels deep; at most 200" in r.text
    update = "INSERT DATA { GRAPH <urn:attack:deep> { <urn:a> <urn:p> " + "(" * 10_000 + ")" * 10_000 + " } }"
    r = httpx.post(served.sparql, data={"update": update}, headers=AUTH, timeout=30)
    assert r.status_code == 400 and "levels deep" in r.text
    assert healthy(served)


def test_a_json_ld_upload_nested_100000_deep_is_a_400(served: Server) -> None:
    """Defence: the engine's JSON-LD parser has a bounded explicit stack (no recursion)."""
    n = 100_000
    body = ('{"@id": "urn:a", "urn:p": ' + '{"urn:p": ' * n + '"x"' + "}" * n + "}").encode()
    r = put(served, "urn:attack:deep-jsonld", "application/ld+json", body)
    assert r.status_code == 400 and "cannot be parsed" in r.text and "Traceback" not in r.text
    arrays = ('{"@id": "urn:a", "urn:p": ' + "[" * n + '"x"' + "]" * n + "}").encode()
    assert put(served, "urn:attack:deep-jsonld", "application/ld+json", arrays).status_code == 400
    assert healthy(served)


def test_a_deeply_nested_turtle_collection_is_stored_and_its_page_renders(served: Server) -> None:
    """A collection nested 10,000 deep is valid Turtle: the engine reads it without recursion and
    it is stored (2xx). What is guarded is everything after: the resource's page, its RDF
    documents and the graph's download must not recurse into a RecursionError (500)."""
    subject = BASE + "id/actor/deep-collection-probe"
    n = 10_000
    turtle = f"<{subject}> <{BASE}def/note> " + "(" * n + '"x"' + ")" * n + " ."
    r = put(served, BASE + "graph/attack-deep", "text/turtle", turtle.encode())
    assert r.status_code in (201, 204), r.text
    try:
        for path, accept in (("/id/actor/deep-collection-probe", "text/html"), ("/id/actor/deep-collection-probe", "text/turtle"),
                             ("/id/actor/deep-collection-probe", "application/ld+json")):
            page = httpx.get(served.url + path, headers={"Accept": accept}, follow_redirects=True, timeout=60)
            assert page.status_code < 500, (accept, page.status_code, page.text[:300])
            assert "Traceback" not in page.text
        dump = httpx.get(served.store, params={"graph": BASE + "graph/attack-deep"}, headers={"Accept": "text/turtle"}, timeout=60)
        assert dump.status_code == 200
    finally:
        httpx.delete(served.store, params={"graph": BASE + "graph/attack-deep"}, headers=AUTH, timeout=60)


# -- XSS in the query API's HTML table -------------------------------------------------------------------

def test_query_api_html_table_links_only_http_iris() -> None:
    """Defence: api/routes_queries.py escapes every value and makes only http(s) IRIs links, so
    an IRI like javascript:alert(1) in the data is shown as text, not as a clickable script.
    (Pages and the workbench: tests/test_linked_data.py::test_escaping_of_literals_in_pages_and_embedded_json_ld,
    tests/test_workbench.py, tests/test_workbench_browser.py.)"""
    query = CannedQuery(name="probe", summary="probe", description="probe", tags=(), params=(), returns="rows",
                        sparql="SELECT ?x ?l WHERE { }", path=Path("probe.rq"))
    rows = [{"x": {"type": "uri", "value": "javascript:alert(1)"}, "l": {"type": "literal", "value": "<script>alert(2)</script>"}},
            {"x": {"type": "uri", "value": "https://example.org/a?b=1&c='2'"}}]
    page = _html_table(query, ["x", "l"], rows, {})
    assert "href='javascript:" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "href='https://example.org/a?b=1&amp;c=&#x27;2&#x27;'" in page


# -- token brute force -------------------------------------------------------------------------------------

def test_token_comparison_is_constant_time() -> None:
    """Defence: hmac.compare_digest (timing does not reveal how much of a guess was right). A
    timing measurement over loopback would be too noisy to fail reliably; this test fails if the
    comparison is replaced by ``==``."""
    source = inspect.getsource(check_token)
    assert "hmac.compare_digest(given, settings.write_token" in source
    assert "== settings.write_token" not in source and "settings.write_token ==" not in source


def test_token_guessing_is_rate_limited(served: Server) -> None:
    """Defence: api/writes.py FailureLimiter — after 5 wrong tokens in 3 s (this server's
    NORMGRAPH_TOKEN_FAILURES / _WINDOW; default 10 per 60 s) a client gets 429 with Retry-After,
    even with the right token, until the window has passed. Reading is never affected."""
    body = b"<urn:a> <urn:b> <urn:c> ."
    statuses = [httpx.put(served.store, params={"graph": "urn:attack:guess"}, content=body,
                          headers={"Authorization": f"Bearer guess-{i}", "Content-Type": "text/turtle"}).status_code
                for i in range(8)]
    assert statuses[:5] == [403] * 5 and statuses[5:] == [429] * 3, statuses
    limited = httpx.put(served.store, params={"graph": "urn:attack:guess"}, content=body, headers={**AUTH, "Content-Type": "text/turtle"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "too many wrong write tokens" in limited.text
    update = httpx.post(served.sparql, data={"update": "CLEAR GRAPH <urn:attack:guess>"}, headers={"Authorization": "Bearer nope"})
    assert update.status_code == 429  # the SPARQL Update door shares the count
    assert healthy(served)  # reads are not limited
    time.sleep(int(limited.headers["retry-after"]) + 0.5)
    ok = httpx.put(served.store, params={"graph": "urn:attack:guess"}, content=body, headers={**AUTH, "Content-Type": "text/turtle"})
    assert ok.status_code in (201, 204), ok.text
