"""Hostile input, generated: HTTP headers (Accept, Content-Type, Content-Length), path segments
(/id/…, /def/…, /dumps/…, /read/…), query-API parameters, and schemathesis over our own OpenAPI
document. Whatever comes in: no 5xx (a 503 that says busy or out of time aside), no hang, no
stack trace or source path in the response.

Bounded for CI: every property is derandomised (the same examples on every run, so CI is not
flaky) with a fixed number of examples; together about half a minute. Generated SPARQL and
bodies: tests/test_api_robustness.py."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from graph.build import QUERIES_DIR, BuildResult
from graph.catalogue import load_catalogue
from graph.config import Settings
from tests.servers import Server

BOUNDED = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
ROOT = Path(__file__).resolve().parent.parent
# a stack trace, or a path of the installation (the data's own IRIs contain "/work/": not that)
LEAK = re.compile(r"Traceback|File \"/|\.py\", line \d|site-packages|" + re.escape(str(ROOT) + "/"))
CATALOGUE = load_catalogue(QUERIES_DIR)


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("hostile") / "var"
    shutil.copytree(built[0].data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "2", "NORMGRAPH_QUERY_TIMEOUT": "5", "NORMGRAPH_WRITE_TOKEN": "hostile-token",
                               "NORMGRAPH_MAX_BODY": "65536"})
    yield server
    server.stop()


def acceptable(status: int, body: str, what: object) -> None:
    assert status < 500 or (status == 503 and ("busy" in body or "time limit" in body)), (what, status, body[:300])
    assert not LEAK.search(body), (what, body[:300])


def raw(server: Server, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b"") -> tuple[int, str]:
    """A request sent exactly as given: no client-side normalisation of the path or the headers."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


# -- headers --------------------------------------------------------------------------------------------

MEDIA_PARTS = ["text/html", "text/turtle", "application/sparql-results+json", "application/ld+json", "application/rdf+xml",
               "application/n-quads", "*/*", "text/*", "image/png", "application/x-www-form-urlencoded",
               "application/sparql-query", "multipart/form-data", ";q=0", ";q=0.5", ";q=1.5", ";q=-1", ";q=abc", ";charset=utf-16",
               ";charset=utf-8", ";boundary=", ",", ", ", ";", "=", "\"", "\\", "\t", "é", "\u00ff", "x" * 300, ";level=1"]
header_values = st.lists(st.sampled_from(MEDIA_PARTS), max_size=12).map("".join) | st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=120)


def latin1(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1").strip()


@BOUNDED
@given(accept=header_values, path=st.sampled_from(["/sparql?query=ASK%20%7B%7D", "/sparql", "/store?graph=urn:x",
                                                   "/id/norm/gge-2015-13c", "/api/queries", "/api/queries/claims-per-status",
                                                   "/def/Responsibility", "/.well-known/void", "/browse", "/workbench"]))
def test_generated_accept_headers(served: Server, accept: str, path: str) -> None:
    status, body = raw(served, "GET", path, {"Accept": latin1(accept)})
    acceptable(status, body, (path, accept))


@BOUNDED
@given(content_type=header_values, body=st.binary(max_size=300), target=st.sampled_from(
    [("POST", "/sparql"), ("PUT", "/store?graph=urn:x"), ("POST", "/store?default"), ("POST", "/sparql?query=ASK%20%7B%7D")]))
def test_generated_content_types(served: Server, content_type: str, body: bytes, target: tuple[str, str]) -> None:
    method, path = target
    headers = {"Content-Type": latin1(content_type), "Content-Length": str(len(body)), "Authorization": "Bearer hostile-token"}
    status, text = raw(served, method, path, headers, body)
    acceptable(status, text, (target, content_type))


CONTENT_LENGTHS = st.sampled_from(["0", "-1", "abc", "1e3", "99999999999999999999999", " 5", "5, 5", "0x10", "+4", ""]) | st.integers(
    min_value=0, max_value=200).map(str)


@BOUNDED
@given(length=CONTENT_LENGTHS, body=st.binary(max_size=60))
def test_generated_content_lengths(served: Server, length: str, body: bytes) -> None:
    """Written on a raw socket (no client library sends a wrong Content-Length), then the client
    half-closes: the server must answer or close, not wait for ever, and never with a 5xx."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=20) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: "
                     + length.encode() + b"\r\nConnection: close\r\n\r\n" + body)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    if reply:  # an early close without an answer is a fair reply to a broken request
        status_line, _, rest = reply.partition(b"\r\n")
        status = int(status_line.split()[1])
        acceptable(status, rest.decode("utf-8", "replace"), (length, body[:40]))


# -- path segments ----------------------------------------------------------------------------------------

SEGMENT_PARTS = ["..", ".", "%2e%2e", "%2E", "%2f", "%5c", "\\", "%00", "%0a", "%ff", "%c0%ae", "~", "etc", "passwd", "norm",
                 "gge-2015-13c", "actor", "france", ".ttl", ".html", ".jsonld", ".nq.gz", "SHA256SUMS", "normgraph", "%3Cscript%3E",
                 "'", "\"", "<", ">", "{", "}", "|", "^", "`", "é", "%e9", "%", "%%", "%zz", "?", "#", ";", "=", "&", "+", " ",
                 "a" * 200, "//", "/", "*", "$", "@", ":", "%20"]
segments = st.lists(st.sampled_from(SEGMENT_PARTS), min_size=1, max_size=8).map("".join)


@BOUNDED
@given(prefix=st.sampled_from(["/id/", "/id/norm/", "/def/", "/dumps/", "/read/", "/graph/", "/browse/class/", "/shapes/",
                               "/static/", "/api/queries/"]), segment=segments)
def test_generated_path_segments(served: Server, prefix: str, segment: str) -> None:
    # keep what a hostile client could really send: percent signs and sub-delimiters as they are
    target = prefix + quote(segment, safe="/%:@!$&'()*+,;=~")
    status, body = raw(served, "GET", target, {"Accept": "text/html"})
    acceptable(status, body, target)
    assert status != 200 or ".." not in segment.replace("%2e", ".").replace("%2E", ".") or prefix == "/api/queries/", target


# -- query-API parameters -----------------------------------------------------------------------------------

def _param_names() -> list[str]:
    return sorted({p.name for q in CATALOGUE for p in q.params} | {"format", "query", "bogus", "", "a" * 100})


PARAM_VALUES = st.text(max_size=80) | st.sampled_from(
    ['"} UNION { ?s ?p ?o } #', "<urn:x> } ; DROP ALL", "-1", "99999999999999999999", "1e400", "NaN", "true", "0x1F",
     "https://w3id.org/normgraph/id/norm/gge-2015-13c", "javascript:alert(1)", "<script>", "2019", "", " ", "\x00"])


@BOUNDED
@given(name=st.sampled_from([q.name for q in CATALOGUE]), params=st.lists(st.tuples(st.sampled_from(_param_names()), PARAM_VALUES),
                                                                       max_size=4),
       fmt=st.sampled_from([None, "json", "srj", "csv", "html", "pdf", "JSON", ""]))
def test_generated_query_api_parameters(served: Server, name: str, params: list[tuple[str, str]], fmt: str | None) -> None:
    query = [(k, v) for k, v in params] + ([("format", fmt)] if fmt is not None else [])
    r = httpx.get(f"{served.url}/api/queries/{name}", params=query, timeout=20)
    acceptable(r.status_code, r.text, (name, query))


# -- schemathesis over the OpenAPI document -------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi(served: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(served.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("openapi")


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_documented_operation_survives_schemathesis(case: schemathesis.Case) -> None:
    """Every operation in /openapi.json (the SPARQL protocol, the Graph Store, the 39 ready-made
    queries) with schemathesis's generated parameters and bodies: never a server error."""
    response = case.call(timeout=20)
    case.validate_response(response, checks=[not_a_server_error])
    acceptable(response.status_code, response.text, (case.method, case.path))
