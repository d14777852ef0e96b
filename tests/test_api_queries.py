"""The ready-made queries through the HTTP API: every query, every format, parameter checks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef

from graph.build import QUERIES_DIR, BuildResult
from graph.catalogue import load_catalogue
from graph.config import Settings
from tests.servers import Server

CATALOGUE = load_catalogue(QUERIES_DIR)
NG = "https://w3id.org/normgraph/def/"


@pytest.fixture(scope="module")
def api(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("api-queries") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir)
    yield server
    server.stop()


def test_catalogue_lists_every_query(api: Server) -> None:
    listed = httpx.get(api.url + "/api/queries").json()["queries"]
    assert {q["name"] for q in listed} == {q.name for q in CATALOGUE}
    assert len(listed) >= 30
    first = listed[0]
    assert first["url"] == f"{api.url}/api/queries/{first['name']}"
    assert first["iri"] == f"https://w3id.org/normgraph/id/query/{first['name']}"


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_every_query_answers_in_json_csv_and_html(api: Server, name: str) -> None:
    url = f"{api.url}/api/queries/{name}"
    as_json = httpx.get(url, timeout=30)
    assert as_json.status_code == 200, as_json.text
    body = as_json.json()
    assert body["query"] == name and isinstance(body["rows"], list) and body["columns"]
    as_csv = httpx.get(url, headers={"Accept": "text/csv"}, timeout=30)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.split("\r\n", 1)[0] == ",".join(body["columns"])
    assert len([line for line in as_csv.text.split("\r\n") if line]) >= len(body["rows"]) + 1
    as_html = httpx.get(url, params={"format": "html"}, timeout=30)
    assert as_html.status_code == 200 and "<table>" in as_html.text
    srj = httpx.get(url, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert len(srj.json()["results"]["bindings"]) == len(body["rows"])
    # the columns are the query's projection, as its header promises (a librarian reads the header)
    assert body["columns"] == srj.json()["head"]["vars"]
    returns = re.search(r"^#\+ returns:(.*)$", (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8"), re.M)
    if returns and "?" in returns.group(1):
        assert re.findall(r"\?(\w+)", returns.group(1)) == body["columns"]


def _typed_params(kind: str, free: bool = False) -> list[tuple[str, str]]:
    """(query, parameter) pairs of a type; ``free``: only parameters without an enum."""
    return [(q.name, p.name) for q in CATALOGUE for p in q.params if p.type == kind and not (free and p.enum)]


@pytest.mark.parametrize(("name", "param"), _typed_params("iri")[:6] + _typed_params("gYear")[:3] + _typed_params("integer")[:3])
def test_a_wrong_value_is_a_422_naming_the_parameter(api: Server, name: str, param: str) -> None:
    r = httpx.get(f"{api.url}/api/queries/{name}", params={param: "not a value } UNION {"})
    assert r.status_code == 422
    assert param in r.text


def test_an_unknown_format_is_a_400(api: Server) -> None:
    name = CATALOGUE[0].name
    r = httpx.get(f"{api.url}/api/queries/{name}", params={"format": "pdf"})
    assert r.status_code == 400 and "format" in r.text


@pytest.mark.parametrize(("name", "param"), _typed_params("string", free=True)[:4] or [("", "")])
def test_string_parameters_cannot_change_the_query(api: Server, name: str, param: str) -> None:
    if not name:
        pytest.skip("no string parameter in the catalogue")
    url = f"{api.url}/api/queries/{name}"
    baseline = httpx.get(url, params={param: "zzz-no-such-value"}).json()["rows"]
    for hostile in ['"} UNION { ?s ?p ?o } #', "'>\n}} SELECT * WHERE { ?s ?p ?o }", "\\\" ) } ; DROP ALL", "{}"]:
        r = httpx.get(url, params={param: hostile})
        assert r.status_code == 200
        assert len(r.json()["rows"]) == len(baseline), hostile


def test_queries_are_described_in_rdf_and_linked_from_the_service_description(api: Server) -> None:
    sd = Graph().parse(data=httpx.get(api.sparql, headers={"Accept": "text/turtle"}).content, format="turtle")
    linked = {str(o) for o in sd.objects(None, URIRef(NG + "readyMadeQuery"))}
    assert linked == {f"https://w3id.org/normgraph/id/query/{q.name}" for q in CATALOGUE}
    q = CATALOGUE[0]
    ask = httpx.get(api.sparql, params={"query": f"ASK {{ <https://w3id.org/normgraph/id/query/{q.name}> "
                                                  f"a <{NG}ReadyMadeQuery> ; <{NG}queryText> ?t }}"})
    assert ask.json()["boolean"] is True
